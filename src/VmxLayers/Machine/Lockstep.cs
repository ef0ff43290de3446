using VmxLayers.Layers;
using VmxLayers.Refinement;
using VmxLayers.Semantics;
using VmxLayers.Spec;
using VmxLayers.Spec.Concrete;

namespace VmxLayers.Machine;

/// <summary>One layer's outcome of a call: success, the C result (Vundef for asm), the output registers, and why it failed.</summary>
public readonly record struct SideOutcome(bool Ok, Val Ret, RegSet Regs, string? Why);

/// <summary>
/// A call run on both layers in lockstep (SPEC §6 replay semantics). <see cref="Unrelated"/> is null when the
/// step keeps the layers related: the high step failed (no behaviour to refine), or both succeeded with
/// injecting results and the relation holds afterwards.
/// </summary>
public sealed record LockstepStep(int Cpu, SideOutcome High, SideOutcome Low, World After, string? Unrelated)
{
    public bool Related => Unrelated is null;
}

/// <summary>
/// Runs primitives and guest steps on both layers of a <see cref="World"/>: the high layer first; if it fails,
/// the low step is still evaluated and reported but neither state changes; otherwise each side that succeeded
/// is committed and the results and the relation are checked. Specs run through the same generic code as
/// every other checker (<see cref="Simulation.Step"/>).
/// </summary>
public static class Lockstep
{
    /// <summary>Calls primitive p on CPU cpu with the same arguments and registers on both layers.</summary>
    public static LockstepStep Call(World w, int cpu, Prim p, ReadOnlySpan<Val> args, RegSet regs, bool checkRelation = true) =>
        Call(w, cpu, p, args, args, regs, regs, checkRelation);

    /// <summary>Calls primitive p on CPU cpu; each layer gets its own arguments and registers.</summary>
    public static LockstepStep Call(World w, int cpu, Prim p, ReadOnlySpan<Val> argsHigh, ReadOnlySpan<Val> argsLow,
        RegSet regsHigh, RegSet regsLow, bool checkRelation = true)
    {
        var (high, nextHigh) = Side(w, w.High, cpu, p, true, argsHigh, regsHigh);
        var (low, nextLow) = Side(w, w.Low, cpu, p, false, argsLow, regsLow);
        if (!high.Ok) return new LockstepStep(cpu, high, low, w, null);
        if (!low.Ok) return new LockstepStep(cpu, high, low, w with { High = nextHigh }, $"the high step succeeds but the low step fails: {low.Why}");
        var after = w with { High = nextHigh, Low = nextLow };
        string? unrelated = ResultsUnrelated(w, p, high, low) ?? (checkRelation ? WorldRelation.Check(after) : null);
        return new LockstepStep(cpu, high, low, after, unrelated);
    }

    /// <summary>
    /// A guest step on CPU cpu: the guest ran until a VM exit, so the CPU performs hostin and the hardware
    /// writes the given VMCS fields, on both layers. Fails (no change) if hostin's guard fails.
    /// </summary>
    public static LockstepStep Guest(World w, int cpu, ReadOnlySpan<(int Encoding, Val Value)> vmcs, bool checkRelation = true)
    {
        var (high, nextHigh) = GuestSide(w, w.High, cpu, vmcs);
        var (low, nextLow) = GuestSide(w, w.Low, cpu, vmcs);
        if (!high.Ok) return new LockstepStep(cpu, high, low, w, null);
        if (!low.Ok) return new LockstepStep(cpu, high, low, w with { High = nextHigh }, $"hostin succeeds on the high layer but not on the low one: {low.Why}");
        var after = w with { High = nextHigh, Low = nextLow };
        return new LockstepStep(cpu, high, low, after, checkRelation ? WorldRelation.Check(after) : null);
    }

    /// <summary>The all-Vundef register set, boxed once (C primitives get it on every call; RegBox is immutable).</summary>
    static readonly CTerm undefRegs = new(new RegBox(RegSet.Undef));

    static (SideOutcome, LayerMachine) Side(World w, LayerMachine m, int cpu, Prim p, bool high, ReadOnlySpan<Val> args, RegSet regs)
    {
        var d = w.Domain();
        w.Context.Why = null;
        var argTerms = new CTerm[args.Length];
        for (int k = 0; k < args.Length; k++) argTerms[k] = new CTerm(args[k]);
        if (argTerms.Length < p.Arity()) return (new SideOutcome(false, Val.Vundef, regs, $"{p}: expects {p.Arity()} argument(s)"), m);
        var regTerm = regs.Equals(RegSet.Undef) ? undefRegs : new CTerm(new RegBox(regs));
        var (ok, data, mem, ret, outRegs) = Simulation.Step<CTerm, ConcreteDomain>(ref d, p, high, m.View(cpu), new CTerm(m.Mem), argTerms, regTerm);
        var outcome = new SideOutcome(ok, ok ? ret.V : Val.Vundef, ok ? outRegs.As<RegBox>().Regs : regs, ok ? null : w.Context.Why);
        return (outcome, ok ? m.Commit(cpu, data, mem) : m);
    }

    static (SideOutcome, LayerMachine) GuestSide(World w, LayerMachine m, int cpu, ReadOnlySpan<(int Encoding, Val Value)> vmcs)
    {
        var d = w.Domain();
        w.Context.Why = null;
        if (!VmcsInit.Hostin<CTerm, ConcreteDomain>(ref d, m.View(cpu), out var data))
            return (new SideOutcome(false, Val.Vundef, RegSet.Undef, w.Context.Why), m);
        var next = m.Commit(cpu, data, new CTerm(m.Mem));
        var fields = next.Vmcs[cpu].SetMany(vmcs);
        return (new SideOutcome(true, Val.Vundef, RegSet.Undef, null), next with { Vmcs = next.Vmcs.Set(cpu, fields) });
    }

    /// <summary>The result conclusion of the simulation statement: the C result, or every register, injects.</summary>
    static string? ResultsUnrelated(World w, Prim p, SideOutcome high, SideOutcome low)
    {
        var f = w.Context.Inject;
        if (!p.IsAsm())
            return Inject.Val(f, high.Ret, low.Ret) ? null : $"{p}: the result does not inject: high = {high.Ret}, low = {low.Ret}";
        foreach (var r in PregInfo.All)
            if (!Inject.Val(f, high.Regs[r], low.Regs[r]))
                return $"{p}: register {r} does not inject: high = {high.Regs[r]}, low = {low.Regs[r]}";
        return null;
    }
}

/// <summary>The refinement relation over a whole multi-CPU world, through the generic <see cref="Relation"/>.</summary>
public static class WorldRelation
{
    /// <summary>Null if MatchExtcallStates holds for every CPU's view; otherwise the first violated clause and where.</summary>
    public static string? Check(World w)
    {
        var d = w.Domain();
        w.Context.Witness.Clear();
        if (w.High.TotalCpu != w.Low.TotalCpu) return "relate: the layers have different numbers of CPUs";
        for (int c = 0; c < w.TotalCpu; c++)
            if (w.High.Flags[c] != w.Low.Flags[c])
                return $"{Relation.RelateFlags}: CPU {c}: high {w.High.Flags[c]}, low {w.Low.Flags[c]}";
        var pair = w.Pair(0);
        if (!Relation.RelateVmcsHolds<CTerm, ConcreteDomain>(ref d, pair.High, pair.Low).B) return Describe(w, Relation.RelateVmcs);
        if (!Relation.Match<CTerm, ConcreteDomain>(ref d, pair.High, pair.MemLow).B)
            return Describe(w, w.Context.Witness.ContainsKey(Relation.MatchAll) ? Relation.MatchAll : Relation.MatchCurrent);
        if (!d.MemoryMatch(pair.MemHigh, pair.MemLow).B) return Describe(w, "memory");
        return null;
    }

    /// <summary>Checks only slot `slot` of CPU `cpu` of match (the incremental check after a primitive touched it).</summary>
    public static string? CheckSlot(World w, int cpu, int slot)
    {
        var d = w.Domain();
        var high = w.High.View(cpu);
        if (Relation.MatchSlot<CTerm, ConcreteDomain>(ref d, high, new CTerm(w.Low.Mem), new CTerm(cpu), new CTerm(slot)).B) return null;
        return $"{Relation.MatchAll}: CPU {cpu}, {VmxSlots.Describe(slot)}: high = {w.High.Vmx.Get(cpu, slot)}, low = {w.Low.Mem.Load(Chunk.Mint32, Genv.VmxLocBlock, VmxSlots.Offset(cpu, slot))?.ToString() ?? "(load fails)"}";
    }

    /// <summary>Checks one VMCS field of CPU `cpu` of relate (the incremental check after a step changed it).</summary>
    public static string? CheckVmcsField(World w, int cpu, long encoding)
    {
        var d = w.Domain();
        if (Relation.VmcsFieldRelated<CTerm, ConcreteDomain>(ref d, w.High.View(cpu), w.Low.View(cpu), new CTerm(cpu), new CTerm(encoding)).B) return null;
        return $"{Relation.RelateVmcs}: CPU {cpu}, VMCS field {VmcsFields.Describe(encoding)}: high = {w.High.Vmcs[cpu].Get(encoding)}, low = {w.Low.Vmcs[cpu].Get(encoding)}";
    }

    /// <summary>Checks every VMCS field, revid and abrtid of CPU `cpu` of relate.</summary>
    public static string? CheckVmcsCpu(World w, int cpu)
    {
        foreach (var (enc, _) in VmcsFields.All)
            if (CheckVmcsField(w, cpu, enc) is { } why) return why;
        return CheckVmcsField(w, cpu, -1) is null ? null : $"{Relation.RelateVmcs}: CPU {cpu}, the VMCS revid/abrtid or an invalid encoding";
    }

    static string Describe(World w, string clause) =>
        w.Context.Witness.TryGetValue(clause, out var where) ? $"{clause}: {where}" : clause;
}
