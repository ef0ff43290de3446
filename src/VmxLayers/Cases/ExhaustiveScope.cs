using VmxLayers.Constants;
using VmxLayers.Machine;
using VmxLayers.Semantics;

namespace VmxLayers.Cases;

/// <summary>A declared finite scope of one primitive: what varies, how many cases, and the cases themselves.</summary>
public sealed record Scope(PrimitiveDef Def, long Count, string Description, Func<IEnumerable<ConcreteCase>> Cases);

/// <summary>
/// The exhaustive backend's scopes. Common to all primitives: (TOTAL_CPU, cpu) ∈ {(1,0), (2,0), (2,1)}, the 16 flag
/// combinations of the current CPU, the relation perturbations, the block layout "2 high / 3 low blocks, 4↦5, 5↦6",
/// every slot not listed at its background Vint(256·cpu + slot) on both sides, VMCS fields Vint 0. Each primitive's
/// definition (<see cref="ExhaustivePlan"/>) adds the values it varies.
/// </summary>
public static class ExhaustiveScope
{
    static readonly (int TotalCpu, int Cpu)[] cpus = [(1, 0), (2, 0), (2, 1)];

    /// <summary>The block layout of every exhaustive case.</summary>
    public static readonly BlockLayout Layout = BlockLayout.Shifted;

    /// <summary>The relation perturbations each primitive's values are also tried under (with all flags true).</summary>
    static readonly Perturbation[] perturbations =
    [
        Perturbation.VmcsUnrelated, Perturbation.OtherCpuSlotUnrelated, Perturbation.ReadOnlyArea,
        Perturbation.LowIkernDiffers, Perturbation.LowIhostDiffers, Perturbation.LowPgDiffers, Perturbation.LowInitDiffers,
    ];

    const string Common = "(TOTAL_CPU, cpu) ∈ {(1,0),(2,0),(2,1)} × 16 flag combinations (+ all-true flags with each of 7 relation perturbations: VMCS unrelated, another CPU's slots unrelated, low save area read-only, one low flag differing — ikern, ihost, pg, init); a flag combination the high spec's flag guard rejects runs once, with the first values (the spec stops there before reading any value); layout 2 high/3 low blocks 4↦5, 5↦6; other slots Vint(256·cpu+slot), VMCS fields Vint 0";

    /// <summary>Related slot values: Vundef (↦ Vundef or Vint 7), Vint 0, Vint 0xFFFFFFFF, a stack pointer b4+8 ↦ b5+8, &amp;VMX_LOC+152.</summary>
    public static readonly ValuePair[] SlotValues =
    [
        ValuePair.Undef, new(Val.Vundef, Val.Vint(7)), ValuePair.Int(0), ValuePair.Int(0xFFFFFFFF),
        Layout.StackPointer(0, 8), BlockLayout.GlobalPointer(Genv.VmxLocBlock, VmxSlots.Stride),
    ];

    /// <summary>The scope of a primitive.</summary>
    public static Scope For(PrimitiveDef def) =>
        new(def, Count(def), $"{Common}; {def.Exhaustive.Description}", () => Cases(def));

    /// <summary>
    /// The number of cases: (TOTAL_CPU, cpu) × (the flag combinations the high spec accepts and the relation
    /// perturbations, each with every value combination; each other flag combination once).
    /// </summary>
    static long Count(PrimitiveDef def)
    {
        int accepted = Enumerable.Range(0, 16).Count(bits => def.Exhaustive.FlagsAccepted(FlagsOf(bits)));
        return cpus.Length * ((accepted + perturbations.Length) * def.Exhaustive.ValuesPerBase + (16 - accepted));
    }

    static CpuFlags FlagsOf(int bits) => new((bits & 8) == 0, (bits & 4) == 0, (bits & 2) == 0, (bits & 1) == 0);

    /// <summary>Every value combination for accepted flags and perturbations; only the first one for rejected flags.</summary>
    static IEnumerable<ConcreteCase> Cases(PrimitiveDef def) =>
        Bases(def).SelectMany(b => def.Exhaustive.FlagsAccepted(b.Flags) || b.Perturbation != Perturbation.None
            ? def.Exhaustive.Values(b) : def.Exhaustive.Values(b).Take(1));

    /// <summary>
    /// The bases, most telling first (so a counterexample is found early): all flags true on every (TOTAL_CPU,
    /// cpu), then the relation perturbations, then the other 15 flag combinations, one false flag before two.
    /// </summary>
    static IEnumerable<ScopeBase> Bases(PrimitiveDef def)
    {
        foreach (var (tc, cpu) in cpus) yield return new(def, tc, cpu, CpuFlags.AllTrue, Perturbation.None, Layout);
        foreach (var p in perturbations)
            foreach (var (tc, cpu) in cpus) yield return new(def, tc, cpu, CpuFlags.AllTrue, p, Layout);
        foreach (int bits in Enumerable.Range(1, 15).OrderBy(b => System.Numerics.BitOperations.PopCount((uint)b)).ThenByDescending(b => b))
            foreach (var (tc, cpu) in cpus)
                yield return new(def, tc, cpu, FlagsOf(bits), Perturbation.None, Layout);
    }
}
