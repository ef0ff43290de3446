using VmxLayers.Cases;
using VmxLayers.Primitives;
using VmxLayers.Refinement;
using VmxLayers.Spec;

namespace VmxLayers.Layers;

/// <summary>The layer pair of this project: PVMXIntro over VMCSInit, and the refinement between them (SPEC §3, §4).</summary>
public static class VmxLayerPair
{
    /// <summary>The six primitives PVMXIntro adds, in the order reports list them.</summary>
    public static readonly IReadOnlyList<PrimitiveDef> Primitives =
    [
        CPrimitiveDefs.VmxReadz, CPrimitiveDefs.VmxWritez, CPrimitiveDefs.VmxEnterPre, CPrimitiveDefs.VmxExitPost,
        AsmPrimitiveDefs.VmxExit, AsmPrimitiveDefs.VmxEnter,
    ];

    /// <summary>PVMXIntro: the per-CPU VMX save area is abstract state; VMX_LOC has no permission.</summary>
    public static readonly Layer PVMXIntro = new(LayerNames.PVMXIntro,
        "ikern, ihost, pg, init, CpuId, Vmcs (per-CPU VMCS), Vmx (per-CPU save area: 38 slots)",
        [new VmxReadz.High(), new VmxWritez.High(), new VmxEnterPre.High(), new VmxExitPost.High(), new VmxExit.High(), new VmxEnter.High()]);

    /// <summary>VMCSInit with the VMX module: the save area lives in the memory block VMX_LOC.</summary>
    public static readonly Layer VMCSInit = new(LayerNames.VMCSInit,
        "ikern, ihost, pg, init, CpuId, Vmcs (per-CPU VMCS); the save area in memory (VMX_LOC, 152 bytes per CPU)",
        [new VmxReadz.Low(), new VmxWritez.Low(), new VmxEnterPre.Low(), new VmxExitPost.Low(), new VmxExit.Low(), new VmxEnter.Low()]);

    /// <summary>The relation of the refinement (relate ∧ match, MatchExtcallStates).</summary>
    public static readonly VmxRelation Relation = new();

    /// <summary>VMCSInit ⊑ PVMXIntro: the seed's six lemmas.</summary>
    public static readonly RefinementDef Refinement = new("VMCSInit ⊑ PVMXIntro", VMCSInit, PVMXIntro, Relation, [.. Primitives]);

    /// <summary>The primitive definition of that name in the default refinement, or null.</summary>
    public static PrimitiveDef? Find(string name) => Refinement.Find(name);
}
