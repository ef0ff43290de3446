using CsCheck;
using VmxLayers.Constants;
using VmxLayers.Machine;
using VmxLayers.Semantics;
using VmxLayers.Spec;

namespace VmxLayers.Cases;

/// <summary>
/// A primitive as the checkers know it: its interface, the registers a call gets unless told otherwise, the
/// declared small scope the exhaustive backend enumerates, and the calls the random backend draws. Every checker,
/// replay and the CLI take primitives from these definitions; adding one needs nothing else.
/// </summary>
/// <param name="DefaultRegs">The registers of a call on CPU cpu with stack pointer esp (all Vundef for a C primitive).</param>
/// <param name="Exhaustive">The exhaustive backend's scope of this primitive.</param>
/// <param name="RandomCall">What a random case calls it with, given the block layout, TOTAL_CPU and the CPU.</param>
public sealed record PrimitiveDef(
    Primitive Primitive,
    Func<int, Val, RegSet> DefaultRegs,
    ExhaustivePlan Exhaustive,
    Func<BlockLayout, int, int, Gen<Action<CaseBuilder>>> RandomCall)
{
    public string Name => Primitive.Name;

    /// <summary>Which states the cases of this definition put side by side (<see cref="CaseSides.LowOnBoth"/> for code ⊑ VMCSInit).</summary>
    public CaseSides Sides { get; init; } = CaseSides.HighOverLow;

    public override string ToString() => Name;

    /// <summary>The default registers of an asm call: PC = &amp;entry, RA = &amp;vmx_enter (a code address), ESP = esp.</summary>
    public static RegSet AsmDefaults(Primitive p, Val esp) => RegSet.Undef
        .Set(Preg.PC, Val.Vptr(Genv.BlockOf(p.Entry ?? throw new ArgumentException($"{p} is not an asm primitive")), 0u))
        .Set(Preg.RA, Val.Vptr(Genv.VmxEnterBlock, 0u))
        .Set(Preg.ESP, esp);

    /// <summary>The default registers of a C call: none.</summary>
    public static RegSet CDefaults(int cpu, Val esp) => RegSet.Undef;
}

/// <summary>
/// A primitive's exhaustive scope: for each base (TOTAL_CPU, CPU, flags, relation perturbation — see
/// <see cref="ExhaustiveScope"/>) the value combinations it tries.
/// </summary>
/// <param name="Description">What varies, in words.</param>
/// <param name="ValuesPerBase">How many cases <see cref="Values"/> yields per base.</param>
/// <param name="FlagsAccepted">The high spec's flag guard: a flag combination it rejects runs once (the spec stops there).</param>
/// <param name="Values">The cases of one base, each built from a fresh builder.</param>
public sealed record ExhaustivePlan(string Description, long ValuesPerBase, Func<CpuFlags, bool> FlagsAccepted, Func<ScopeBase, IEnumerable<ConcreteCase>> Values);

/// <summary>One base of an exhaustive scope: where the call runs; <see cref="New"/> gives a builder for it.</summary>
public sealed record ScopeBase(PrimitiveDef Def, int TotalCpu, int Cpu, CpuFlags Flags, Perturbation Perturbation, BlockLayout Layout)
{
    /// <summary>A builder for this base; the perturbation is applied last (after the primitive's own values).</summary>
    public CaseBuilder New() => new CaseBuilder(Def, TotalCpu, Cpu, Layout) { Flags = Flags, Pending = Perturbation };
}
