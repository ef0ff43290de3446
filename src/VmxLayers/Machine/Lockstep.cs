using System.Runtime.CompilerServices;
using VmxLayers.Layers;
using VmxLayers.Refinement;
using VmxLayers.Semantics;
using VmxLayers.Spec;
using VmxLayers.Spec.Concrete;

namespace VmxLayers.Machine;

/// <summary>One layer's outcome of a call: success, the C result (Vundef for asm), the output registers, and why it failed.</summary>
public readonly record struct SideOutcome(bool Ok, Val Ret, RegBox RegsBox, string? Why)
{
    public SideOutcome(bool ok, Val ret, RegSet regs, string? why) : this(ok, ret, new RegBox(regs), why) { }

    /// <summary>The output registers (the input ones when the step failed). Kept boxed: a set is 400 bytes.</summary>
    public RegSet Regs => RegsBox.Regs;

    public bool Equals(SideOutcome o) => Ok == o.Ok && Ret == o.Ret && Why == o.Why && (ReferenceEquals(RegsBox, o.RegsBox) || Regs.Equals(o.Regs));
    public override int GetHashCode() => HashCode.Combine(Ok, Ret, Why);
}

/// <summary>
/// A call run on both layers in lockstep (SPEC §6 replay semantics). <see cref="Unrelated"/> is null when the
/// step keeps the layers related: the high step failed (no behaviour to refine), or both succeeded with
/// injecting results and the relation holds afterwards.
/// </summary>
public sealed record LockstepStep(int Cpu, SideOutcome High, SideOutcome Low, World After, string? Unrelated)
{
    public bool Related => Unrelated is null;
}

/// <summary>Room for a C primitive's arguments as terms, on the stack.</summary>
[InlineArray(Size)]
internal struct ArgTerms
{
    public const int Size = 2;
    CTerm first;
}

/// <summary>The parts of a <see cref="LockstepStep"/>, filled in place by the allocation-free overloads.</summary>
internal struct StepOutcome
{
    public SideOutcome High, Low;
    public World After;
    public string? Unrelated;
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
        var r = new StepOutcome();
        Call(w, cpu, p, argsHigh, argsLow, in regsHigh, in regsLow, checkRelation, ref r);
        return new LockstepStep(cpu, r.High, r.Low, r.After, r.Unrelated);
    }

    /// <summary>
    /// <see cref="Call(World, int, Prim, ReadOnlySpan{Val}, ReadOnlySpan{Val}, RegSet, RegSet, bool)"/> into a caller-owned
    /// outcome: the co-simulation's hot path (a <see cref="LockstepStep"/> holds two 400-byte register sets).
    /// </summary>
    internal static void Call(World w, int cpu, Prim p, ReadOnlySpan<Val> argsHigh, ReadOnlySpan<Val> argsLow,
        in RegSet regsHigh, in RegSet regsLow, bool checkRelation, ref StepOutcome r)
    {
        // both layers usually get the very same register set (the co-simulation's asm calls): box it once
        CTerm regTermHigh = RegTerm(p, in regsHigh);
        CTerm regTermLow = Same(in regsHigh, in regsLow) || regsHigh.Equals(regsLow) ? regTermHigh : RegTerm(p, in regsLow);
        Call(w, cpu, p, argsHigh, argsLow, regTermHigh, regTermLow, checkRelation, ref r);
    }

    /// <summary>An asm primitive with one boxed register set for both layers (the co-simulation builds it by updates, not 400-byte copies).</summary>
    internal static void CallAsm(World w, int cpu, Prim p, RegBox regs, ref StepOutcome r) =>
        Call(w, cpu, p, [], [], new CTerm(regs), new CTerm(regs), false, ref r);

    static void Call(World w, int cpu, Prim p, ReadOnlySpan<Val> argsHigh, ReadOnlySpan<Val> argsLow,
        CTerm regTermHigh, CTerm regTermLow, bool checkRelation, ref StepOutcome r)
    {
        var nextHigh = Side(w, w.High, cpu, p, true, argsHigh, regTermHigh, out r.High);
        var nextLow = Side(w, w.Low, cpu, p, false, argsLow, regTermLow, out r.Low);
        if (!r.High.Ok) { r.After = w; r.Unrelated = null; return; }
        if (!r.Low.Ok) { r.After = w with { High = nextHigh }; r.Unrelated = $"the high step succeeds but the low step fails: {r.Low.Why}"; return; }
        r.After = ReferenceEquals(nextHigh, w.High) && ReferenceEquals(nextLow, w.Low) ? w : w with { High = nextHigh, Low = nextLow };
        r.Unrelated = ResultsUnrelated(w, p, in r.High, in r.Low) ?? (checkRelation ? WorldRelation.Check(r.After) : null);
    }

    /// <summary>
    /// A guest step on CPU cpu: the guest ran until a VM exit, so the CPU performs hostin and the hardware
    /// writes the given VMCS fields, on both layers. Fails (no change) if hostin's guard fails.
    /// </summary>
    public static LockstepStep Guest(World w, int cpu, ReadOnlySpan<(int Encoding, Val Value)> vmcs, bool checkRelation = true)
    {
        var r = new StepOutcome();
        Guest(w, cpu, vmcs, checkRelation, ref r);
        return new LockstepStep(cpu, r.High, r.Low, r.After, r.Unrelated);
    }

    /// <summary><see cref="Guest(World, int, ReadOnlySpan{ValueTuple{int, Val}}, bool)"/> into a caller-owned outcome.</summary>
    internal static void Guest(World w, int cpu, ReadOnlySpan<(int Encoding, Val Value)> vmcs, bool checkRelation, ref StepOutcome r)
    {
        var nextHigh = GuestSide(w, w.High, cpu, vmcs, out r.High);
        var nextLow = GuestSide(w, w.Low, cpu, vmcs, out r.Low);
        if (!r.High.Ok) { r.After = w; r.Unrelated = null; return; }
        if (!r.Low.Ok) { r.After = w with { High = nextHigh }; r.Unrelated = $"hostin succeeds on the high layer but not on the low one: {r.Low.Why}"; return; }
        r.After = w with { High = nextHigh, Low = nextLow };
        r.Unrelated = checkRelation ? WorldRelation.Check(r.After) : null;
    }

    /// <summary>The all-Vundef register set, boxed once (C primitives get it on every call; RegBox is immutable).</summary>
    static readonly CTerm undefRegs = new(new RegBox(RegSet.Undef));

    /// <summary>Static undefined-register outcomes of the guest step (no allocation per step).</summary>
    static readonly RegBox undefBox = undefRegs.As<RegBox>();

    static CTerm RegTerm(Prim p, in RegSet regs) =>
        !p.IsAsm() && (Same(in regs, in RegSet.Undef) || regs.Equals(RegSet.Undef)) ? undefRegs : new CTerm(new RegBox(regs));

    /// <summary>Whether two `in` register sets are the very same variable (400-byte sets: compare addresses before values).</summary>
    static bool Same(in RegSet a, in RegSet b) => Unsafe.AreSame(ref Unsafe.AsRef(in a), ref Unsafe.AsRef(in b));

    static LayerMachine Side(World w, LayerMachine m, int cpu, Prim p, bool high, ReadOnlySpan<Val> args, CTerm regTerm, out SideOutcome outcome)
    {
        var d = w.Domain();
        w.Context.Why = null;
        var regs = regTerm.As<RegBox>();
        if (args.Length < p.Arity()) { outcome = new SideOutcome(false, Val.Vundef, regs, $"{p}: expects {p.Arity()} argument(s)"); return m; }
        ArgTerms terms = default;   // on the stack: the specs only read them during the step
        Span<CTerm> argTerms = args.Length <= ArgTerms.Size ? terms[..args.Length] : new CTerm[args.Length];
        for (int k = 0; k < args.Length; k++) argTerms[k] = new CTerm(args[k]);
        var (ok, data, mem, ret, outRegs) = Simulation.Step<CTerm, ConcreteDomain>(ref d, p, high, m.View(cpu), new CTerm(m.Mem), argTerms, regTerm);
        if (!ok) { outcome = new SideOutcome(false, Val.Vundef, regs, w.Context.Why); return m; }
        outcome = new SideOutcome(true, ret.V, outRegs.As<RegBox>(), null);
        return m.Commit(cpu, data, mem);
    }

    static LayerMachine GuestSide(World w, LayerMachine m, int cpu, ReadOnlySpan<(int Encoding, Val Value)> vmcs, out SideOutcome outcome)
    {
        var d = w.Domain();
        w.Context.Why = null;
        if (!VmcsInit.Hostin<CTerm, ConcreteDomain>(ref d, m.View(cpu), out var data))
        {
            outcome = new SideOutcome(false, Val.Vundef, undefBox, w.Context.Why);
            return m;
        }
        // hostin's data with the hardware's VMCS writes, committed once
        var area = data.Vmcs.As<VmcsArea>();
        if (w.Context.Touched is { } log) foreach (var (enc, _) in vmcs) log.VmcsFields.Add((cpu, enc));
        var written = data with { Vmcs = new CTerm(area.Set(cpu, area[cpu].SetMany(vmcs))) };
        outcome = new SideOutcome(true, Val.Vundef, undefBox, null);
        return m.Commit(cpu, written, new CTerm(m.Mem));
    }

    /// <summary>The result conclusion of the simulation statement: the C result, or every register, injects.</summary>
    static string? ResultsUnrelated(World w, Prim p, in SideOutcome high, in SideOutcome low)
    {
        var f = w.Context.Inject;
        if (!p.IsAsm())
            return Inject.Val(f, high.Ret, low.Ret) ? null : $"{p}: the result does not inject: high = {high.Ret}, low = {low.Ret}";
        Span<Val> hr = stackalloc Val[PregInfo.Count], lr = stackalloc Val[PregInfo.Count];   // once each, on the stack
        high.RegsBox.CopyTo(hr);
        low.RegsBox.CopyTo(lr);
        foreach (var r in PregInfo.All)
            if (!Inject.Val(f, hr[(int)r], lr[(int)r]))
                return $"{p}: register {r} does not inject: high = {hr[(int)r]}, low = {lr[(int)r]}";
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
