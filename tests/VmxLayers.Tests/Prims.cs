using VmxLayers.Cases;
using VmxLayers.Constants;
using VmxLayers.Layers;
using VmxLayers.Mutants;
using VmxLayers.Refinement;

namespace VmxLayers.Tests;

/// <summary>The layer pair's primitive definitions by their C names, and refinements under mutants, for tests.</summary>
static class Prims
{
    public static readonly PrimitiveDef vmx_readz = CPrimitiveDefs.VmxReadz;
    public static readonly PrimitiveDef vmx_writez = CPrimitiveDefs.VmxWritez;
    public static readonly PrimitiveDef vmx_enter_pre = CPrimitiveDefs.VmxEnterPre;
    public static readonly PrimitiveDef vmx_exit_post = CPrimitiveDefs.VmxExitPost;
    public static readonly PrimitiveDef vmx_exit = AsmPrimitiveDefs.VmxExit;
    public static readonly PrimitiveDef vmx_enter = AsmPrimitiveDefs.VmxEnter;

    /// <summary>All six, in order.</summary>
    public static IReadOnlyList<PrimitiveDef> All => VmxLayerPair.Primitives;

    /// <summary>The real relation.</summary>
    public static VmxRelation Relation => (VmxRelation)VmxLayerPair.Refinement.Relation;

    /// <summary>The real refinement.</summary>
    public static RefinementDef Real => VmxLayerPair.Refinement;

    /// <summary>The refinement under the named mutant (null = the real one).</summary>
    public static RefinementDef Under(string? mutant) => MutantCatalog.Refinement(mutant);

    /// <summary>The simulation statement of a primitive, under a mutant if named.</summary>
    public static SimStatement Statement(PrimitiveDef p, string? mutant = null) => Under(mutant).Statement(p);
}
