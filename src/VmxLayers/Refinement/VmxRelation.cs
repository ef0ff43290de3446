using VmxLayers.Constants;
using VmxLayers.Semantics;
using VmxLayers.Spec;
using static VmxLayers.Spec.SpecHelpers;

namespace VmxLayers.Refinement;

/// <summary>
/// The refinement relation between PVMXIntro and VMCSInit (SPEC §4, the seed's relate_AbData and match_AbData),
/// written once as named clauses. The lemmas use <see cref="VmxRelationCode{T, D}.Match"/> (the current CPU, as in the
/// seed); replay and the co-simulation also check the global invariant <see cref="VmxRelationCode{T, D}.MatchAll"/>.
/// </summary>
public class VmxRelation() : RelationDef("relate ∧ match (VMCSInit ⊑ PVMXIntro)")
{
    public const string RelateFlags = "relate: flags and CPU id", RelateVmcs = "relate: VMCS", Match = "match (current CPU)",
        MatchAll = "match_all", Memory = "memory", HighInvariant = "high invariant", LowInvariant = "low invariant";

    /// <summary>The clauses for domain D, with their names.</summary>
    public new VmxRelationCode<T, D> Code<T, D>() where D : struct, ISpecDomain<T> => (VmxRelationCode<T, D>)base.Code<T, D>();

    protected override RelationCode<T, D> Create<T, D>() => new VmxRelationCode<T, D>();
}

/// <summary>The clauses of <see cref="VmxRelation"/> for one domain; a relation variant overrides one of them.</summary>
public class VmxRelationCode<T, D> : RelationCode<T, D> where D : struct, ISpecDomain<T>
{
    // ---- relate_AbData ----

    /// <summary>relate(f, dH, dL): the flags and CPU id equal, and the VMCS related.</summary>
    public Bool<T> Relate(ref D d, AbsData<T> h, AbsData<T> l) => d.And(RelateFlags(ref d, h, l), RelateVmcs(ref d, h, l));

    /// <summary>ikern, ihost, pg, init and CpuId equal.</summary>
    public virtual Bool<T> RelateFlags(ref D d, AbsData<T> h, AbsData<T> l) =>
        All(ref d, d.Iff(h.Ikern, l.Ikern), d.Iff(h.Ihost, l.Ihost), d.Iff(h.Pg, l.Pg), d.Iff(h.Init, l.Init), d.Eq(h.CpuId, l.CpuId));

    /// <summary>For every CPU and every encoding present on either side, <see cref="VmcsFieldRelated"/>.</summary>
    public virtual Bool<T> RelateVmcs(ref D d, AbsData<T> h, AbsData<T> l)
    {
        var dd = d;
        return d.ForallCpuField(VmxRelation.RelateVmcs, h.Vmcs, l.Vmcs, (c, e) => VmcsFieldRelated(ref dd, h, l, c, e));
    }

    /// <summary>VMCSValid on both sides with equal revid and abrtid, and the field injecting.</summary>
    public virtual Bool<T> VmcsFieldRelated(ref D d, AbsData<T> h, AbsData<T> l, Z<T> c, Z<T> e) =>
        All(ref d,
            d.ValEq(d.VmcsRevid(h.Vmcs, c), d.VmcsRevid(l.Vmcs, c)),
            d.ValEq(d.VmcsAbrtid(h.Vmcs, c), d.VmcsAbrtid(l.Vmcs, c)),
            d.Inject(d.VmcsField(h.Vmcs, c, e), d.VmcsField(l.Vmcs, c, e)));

    // ---- match_AbData ----

    /// <summary>One slot: the Mint32 load succeeds, the word is writable, and the high slot injects into the loaded value.</summary>
    public Bool<T> MatchSlot(ref D d, AbsData<T> h, Mem<T> memLow, Z<T> c, Z<T> i)
    {
        var ofs = SlotOffset(ref d, c, i);
        var v = d.LoadVmxLoc(memLow, ofs, out var ok);
        return All(ref d, SlotLoads(ref d, ok), SlotWritable(ref d, memLow, ofs), SlotInjects(ref d, d.Slot(h.Vmx, c, i), v));
    }

    /// <summary>Mem.load Mint32 mL b (152c + 4i) = Some v.</summary>
    public virtual Bool<T> SlotLoads(ref D d, Bool<T> loadSucceeds) => loadSucceeds;

    /// <summary>Mem.valid_access mL Mint32 b (152c + 4i) Writable.</summary>
    public virtual Bool<T> SlotWritable(ref D d, Mem<T> memLow, Z<T> ofs) => d.WritableVmxLoc(memLow, ofs);

    /// <summary>val_inject f (Val.load_result Mint32 dH.Vmx[c][i]) v.</summary>
    public virtual Bool<T> SlotInjects(ref D d, Val<T> high, Val<T> low) => d.Inject(d.LoadResult32(high), low);

    /// <summary>match(dH, mL, f), as in the seed: every slot of the current CPU.</summary>
    public virtual Bool<T> Match(ref D d, AbsData<T> h, Mem<T> memLow)
    {
        var dd = d;
        return d.ForallSlot(VmxRelation.Match, i => MatchSlot(ref dd, h, memLow, h.CpuId, i));
    }

    /// <summary>match_all: every slot of every CPU in [0, TOTAL_CPU) (the global invariant replay and co-simulation check).</summary>
    public virtual Bool<T> MatchAll(ref D d, AbsData<T> h, Mem<T> memLow)
    {
        var dd = d;
        return d.ForallCpuSlot(VmxRelation.MatchAll, (c, i) => MatchSlot(ref dd, h, memLow, c, i));
    }

    // ---- MatchExtcallStates / MatchPrimcallStates ----

    /// <summary>The memory clauses: Mem.inject f mH mL, inject_incr (flat_inj genv_next) f, forward mappings, nextblock order, no high permission on VMX_LOC.</summary>
    public virtual Bool<T> Memory(ref D d, Mem<T> memHigh, Mem<T> memLow) => d.MemoryMatch(memHigh, memLow);

    /// <summary>MatchExtcallStates: the memory clauses, relate and match.</summary>
    public Bool<T> MatchExtcall(ref D d, LayerPair<T> s) =>
        All(ref d, Memory(ref d, s.MemHigh, s.MemLow), Relate(ref d, s.High, s.Low), Match(ref d, s.High, s.MemLow));

    /// <summary>match_reg: every register injects (the extra clause of MatchPrimcallStates).</summary>
    public Bool<T> RegsInject(ref D d, Regs<T> rsHigh, Regs<T> rsLow)
    {
        var acc = d.Bool(true);
        foreach (var r in PregInfo.All) acc = d.And(acc, d.Inject(d.Reg(rsHigh, r), d.Reg(rsLow, r)));
        return acc;
    }

    /// <summary>ASM_INV: every low register has the type of its class.</summary>
    public virtual Bool<T> LowRegsTyped(ref D d, Regs<T> rsLow)
    {
        var acc = d.Bool(true);
        foreach (var r in PregInfo.All) acc = d.And(acc, d.HasType(d.Reg(rsLow, r), r.Type()));
        return acc;
    }

    /// <summary>A value the layer invariants allow: Vundef, Vint or Vptr, pointing below nextblock.</summary>
    Bool<T> Neutral(ref D d, Val<T> v, Z<T> next) => d.And(d.HasType(v, Typ.Tint), d.InjectsFlat(v, next));

    /// <summary>The layer invariants: VMX slots (high) and VMCS fields (both) are neutral values.</summary>
    public virtual Bool<T> Invariants(ref D d, LayerPair<T> s)
    {
        var dd = d;
        var (nextH, nextL) = (d.NextBlock(s.MemHigh), d.NextBlock(s.MemLow));
        var slots = d.ForallCpuSlot(VmxRelation.HighInvariant, (c, i) => Neutral(ref dd, dd.Slot(s.High.Vmx, c, i), nextH));
        var current = d.ForallSlot(VmxRelation.HighInvariant, i => Neutral(ref dd, dd.Slot(s.High.Vmx, s.High.CpuId, i), nextH));
        var vmcsH = d.ForallCpuField(VmxRelation.HighInvariant, s.High.Vmcs, s.High.Vmcs, (c, e) => Neutral(ref dd, dd.VmcsField(s.High.Vmcs, c, e), nextH));
        var vmcsL = d.ForallCpuField(VmxRelation.LowInvariant, s.Low.Vmcs, s.Low.Vmcs, (c, e) => Neutral(ref dd, dd.VmcsField(s.Low.Vmcs, c, e), nextL));
        return All(ref d, slots, current, vmcsH, vmcsL);
    }

    // ---- the simulation statement's hypothesis and conclusions ----

    public override Bool<T> Hypothesis(ref D d, Primitive p, SimInput<T> input)
    {
        var hyp = d.And(MatchExtcall(ref d, input.Pre), Invariants(ref d, input.Pre));
        if (p.IsAsm) return d.And(hyp, d.And(RegsInject(ref d, input.RegsHigh, input.RegsLow), LowRegsTyped(ref d, input.RegsLow)));
        for (int k = 0; k < p.Arity; k++) hyp = d.And(hyp, d.Inject(input.ArgsHigh[k], input.ArgsLow[k]));
        return hyp;
    }

    /// <summary>A C primitive's result clause, or one per register of an asm primitive (match_reg).</summary>
    public override int ResultClauseCount(Primitive p) => p.IsAsm ? PregInfo.Count : 1;

    public override (string Clause, Preg? Register) ResultPlace(Primitive p, int k) =>
        p.IsAsm ? (RegisterClause((Preg)k), (Preg)k) : (Result, null);

    /// <summary>val_inject f resH resL, or val_inject f (rsH r) (rsL r) for register r.</summary>
    public override Bool<T> ResultRelated(ref D d, Primitive p, int k, Val<T> high, Val<T> low) => d.Inject(high, low);

    public override void StateGoals(ref D d, Primitive p, SimOutput<T> o, List<Goal<T>> goals)
    {
        goals.Add(new(VmxRelation.RelateFlags, RelateFlags(ref d, o.Post.High, o.Post.Low)));
        goals.Add(new(VmxRelation.RelateVmcs, RelateVmcs(ref d, o.Post.High, o.Post.Low)));
        goals.Add(new(VmxRelation.Match, Match(ref d, o.Post.High, o.Post.MemLow)));
        goals.Add(new(VmxRelation.Memory, Memory(ref d, o.Post.MemHigh, o.Post.MemLow)));
    }

    /// <summary>The goal name of a C result.</summary>
    public const string Result = "result";

    /// <summary>The goal name of one register of an asm primitive.</summary>
    public static string RegisterClause(Preg r) => registerClauses[(int)r];

    static readonly string[] registerClauses = [.. PregInfo.All.Select(r => $"register {r}")];
}
