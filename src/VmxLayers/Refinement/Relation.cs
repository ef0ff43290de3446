using VmxLayers.Layers;
using VmxLayers.Semantics;
using VmxLayers.Spec;
using static VmxLayers.Spec.SpecHelpers;

namespace VmxLayers.Refinement;

/// <summary>Both layers' states: high data and memory, low data and memory.</summary>
public sealed record LayerPair<T>(AbsData<T> High, T MemHigh, AbsData<T> Low, T MemLow);

/// <summary>The refinement relation between PVMXIntro and VMCSInit (SPEC §4), written once.</summary>
public static class Relation
{
    public const string RelateFlags = "relate: flags and CPU id", RelateVmcs = "relate: VMCS", MatchAll = "match",
        MatchCurrent = "match (current CPU)", Memory = "memory", HighInvariant = "high invariant", LowInvariant = "low invariant";

    /// <summary>relate(f, dH, dL): equal flags and CPU id; per CPU, VMCS revid/abrtid equal and fields injecting.</summary>
    public static T Relate<T, D>(ref D d, AbsData<T> h, AbsData<T> l) where D : ISpecDomain<T> =>
        d.And(RelateFlagsHold(ref d, h, l), RelateVmcsHolds(ref d, h, l));

    public static T RelateFlagsHold<T, D>(ref D d, AbsData<T> h, AbsData<T> l) where D : ISpecDomain<T> =>
        All(ref d, d.Eq(h.Ikern, l.Ikern), d.Eq(h.Ihost, l.Ihost), d.Eq(h.Pg, l.Pg), d.Eq(h.Init, l.Init), d.Eq(h.CpuId, l.CpuId));

    public static T RelateVmcsHolds<T, D>(ref D d, AbsData<T> h, AbsData<T> l) where D : ISpecDomain<T>
    {
        if (d.Mutant == MutantId.RelateIgnoresVmcs) return d.Bool(true);
        D dd = d;
        return d.ForallCpuField(RelateVmcs, (c, e) => VmcsFieldRelated(ref dd, h, l, c, e));
    }

    public static T VmcsFieldRelated<T, D>(ref D d, AbsData<T> h, AbsData<T> l, T c, T e) where D : ISpecDomain<T> =>
        All(ref d,
            d.ValEq(d.VmcsRevid(h.Vmcs, c), d.VmcsRevid(l.Vmcs, c)),
            d.ValEq(d.VmcsAbrtid(h.Vmcs, c), d.VmcsAbrtid(l.Vmcs, c)),
            d.Inject(d.VmcsField(h.Vmcs, c, e), d.VmcsField(l.Vmcs, c, e)));

    /// <summary>One slot of match: the Mint32 load succeeds, the word is writable, and the high slot injects.</summary>
    public static T MatchSlot<T, D>(ref D d, AbsData<T> h, T memLow, T c, T i) where D : ISpecDomain<T>
    {
        T ofs = SlotOffset(ref d, c, i);
        T v = d.LoadVmxLoc(memLow, ofs, out T ok);
        T high = d.Slot(h.Vmx, c, i);
        T expected = d.Mutant == MutantId.MatchOmitsLoadResult ? high : d.LoadResult32(high);
        T writable = d.Mutant == MutantId.MatchIgnoresWritable ? d.Bool(true) : d.WritableVmxLoc(memLow, ofs);
        return All(ref d, ok, writable, d.Inject(expected, v));
    }

    /// <summary>match(dH, mL, f) for every CPU in [0, TOTAL_CPU) and, as in the seed, the current CPU.</summary>
    public static T Match<T, D>(ref D d, AbsData<T> h, T memLow) where D : ISpecDomain<T>
    {
        D dd = d;
        T current = d.ForallSlot(MatchCurrent, i => MatchSlot(ref dd, h, memLow, h.CpuId, i));
        if (d.Mutant == MutantId.MatchOnlyCurrentCpu) return current;
        return d.And(d.ForallCpuSlot(MatchAll, (c, i) => MatchSlot(ref dd, h, memLow, c, i)), current);
    }

    /// <summary>MatchExtcallStates: memory clauses, relate and match.</summary>
    public static T MatchExtcall<T, D>(ref D d, LayerPair<T> s) where D : ISpecDomain<T> =>
        All(ref d, d.MemoryMatch(s.MemHigh, s.MemLow), Relate(ref d, s.High, s.Low), Match(ref d, s.High, s.MemLow));

    /// <summary>match_reg for all registers (the extra clause of MatchPrimcallStates).</summary>
    public static T RegsInject<T, D>(ref D d, T rsHigh, T rsLow) where D : ISpecDomain<T>
    {
        T acc = d.Bool(true);
        foreach (var r in PregInfo.All) acc = d.And(acc, d.Inject(d.Reg(rsHigh, r), d.Reg(rsLow, r)));
        return acc;
    }

    /// <summary>A value the layer invariants allow: Vundef, Vint or Vptr, pointing below nextblock.</summary>
    static T Neutral<T, D>(ref D d, T v, T next) where D : ISpecDomain<T> =>
        d.And(d.HasType(v, Typ.Tint), d.InjectsFlat(v, next));

    /// <summary>The layer invariants: VMX slots (high) and VMCS fields (both) are neutral values.</summary>
    public static T Invariants<T, D>(ref D d, LayerPair<T> s) where D : ISpecDomain<T>
    {
        D dd = d;
        T nextH = d.NextBlock(s.MemHigh), nextL = d.NextBlock(s.MemLow);
        T slots = d.ForallCpuSlot(HighInvariant, (c, i) => Neutral(ref dd, dd.Slot(s.High.Vmx, c, i), nextH));
        T current = d.ForallSlot(HighInvariant, i => Neutral(ref dd, dd.Slot(s.High.Vmx, s.High.CpuId, i), nextH));
        T vmcsH = d.ForallCpuField(HighInvariant, (c, e) => Neutral(ref dd, dd.VmcsField(s.High.Vmcs, c, e), nextH));
        T vmcsL = d.ForallCpuField(LowInvariant, (c, e) => Neutral(ref dd, dd.VmcsField(s.Low.Vmcs, c, e), nextL));
        return All(ref d, slots, current, vmcsH, vmcsL);
    }

    /// <summary>ASM_INV: every low register has the type of its class.</summary>
    public static T LowRegsTyped<T, D>(ref D d, T rsLow) where D : ISpecDomain<T>
    {
        T acc = d.Bool(true);
        foreach (var r in PregInfo.All) acc = d.And(acc, d.HasType(d.Reg(rsLow, r), r.Type()));
        return acc;
    }
}
