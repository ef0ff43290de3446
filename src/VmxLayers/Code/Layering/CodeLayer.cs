using VmxLayers.Cases;
using VmxLayers.Code.Executor;
using VmxLayers.Layers;
using VmxLayers.Semantics;

namespace VmxLayers.Code.Layering;

/// <summary>
/// The code layer as a value: the six primitives' machine code (a <see cref="CodeImplementation"/>) run by the
/// executor over VMCSInit's data, and the refinement code ⊑ VMCSInit whose upper layer is VMCSInit with the VMX
/// module's low specs. Its cases are today's cases of VMCSInit ⊑ PVMXIntro with their VMCSInit state on both sides.
/// </summary>
public static class CodeLayer
{
    /// <summary>The refinement's name in reports.</summary>
    public const string RefinementName = "code ⊑ VMCSInit";

    /// <summary>The relation every code refinement shares (one value: relations are cached per instance).</summary>
    public static readonly CodeRelation Relation = new();

    static readonly Lazy<RefinementDef> defaultRefinement = new(() => Refinement(ImplObjects.DefaultImplementation));

    /// <summary>code ⊑ VMCSInit for impl/vmx.o.</summary>
    public static RefinementDef Default => defaultRefinement.Value;

    /// <summary>Values the C primitives' cases give the callee-saved registers (so that a clobber shows).</summary>
    public static readonly (Preg Reg, uint Value)[] CalleeSavedAtCall =
        [(Preg.EBX, 0x0EB0_0B0Eu), (Preg.ESI, 0x0E51_15E0u), (Preg.EDI, 0x0ED1_1DE0u), (Preg.EBP, 0x0EB9_9BE0u)];

    /// <summary>code ⊑ VMCSInit for an implementation (decoded and checked here: throws <see cref="Elf.ObjectFileError"/>).</summary>
    public static RefinementDef Refinement(CodeImplementation implementation)
    {
        var executor = new CodeExecutor(implementation);
        string name = $"code ({string.Join(" + ", implementation.Objects.Select(o => o.File))})";
        var layer = new Layer(name, "VMCSInit's abstract data and memory; each primitive is machine code run over the underlay",
            [.. VmxLayerPair.Primitives.Select(d => new CodeSpec(d.Primitive, executor, name))]);
        return new RefinementDef(RefinementName, layer, VmxLayerPair.VMCSInit, Relation, [.. VmxLayerPair.Primitives.Select(Lift)]);
    }

    /// <summary>
    /// The layer pair's refinement with the code in place of VMCSInit's specs: PVMXIntro over the machine code, through
    /// the same relation (what replay --impl runs: the composition code ⊑ VMCSInit ⊑ PVMXIntro, step by step).
    /// </summary>
    public static RefinementDef OverPVMXIntro(RefinementDef code) =>
        code.Lower.Specs.Aggregate(VmxLayerPair.Refinement, (r, spec) => r.WithLower(spec)) with { Name = $"{code.Lower.Name} ⊑ {VmxLayerPair.PVMXIntro.Name}" };

    /// <summary>The code spec of primitive p in a code refinement.</summary>
    public static CodeSpec SpecOf(RefinementDef code, Spec.Primitive p) => (CodeSpec)code.Lower.Spec(p);

    /// <summary>
    /// A primitive of the layer pair as the code refinement checks it: the same scopes and generators, each case's
    /// VMCSInit state on both sides, the flag combinations the low specs accept (kernel_mode) fully enumerated, and a
    /// C call's callee-saved registers defined.
    /// </summary>
    static PrimitiveDef Lift(PrimitiveDef d) => d with
    {
        Sides = CaseSides.LowOnBoth,
        Exhaustive = d.Exhaustive with { FlagsAccepted = f => f.Ikern && f.Ihost },
        DefaultRegs = d.Primitive.IsAsm ? d.DefaultRegs : (cpu, esp) => CDefaults(d.DefaultRegs(cpu, esp), esp),
    };

    static RegSet CDefaults(RegSet regs, Val esp)
    {
        foreach (var (r, v) in CalleeSavedAtCall) regs = regs.Set(r, Val.Vint(v));
        return regs.Set(Preg.ESP, esp);
    }
}
