using System.Runtime.CompilerServices;
using VmxLayers.Constants;
using VmxLayers.Primitives;
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
/// related results and the relation holds afterwards.
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
    Val<CTerm> first;
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
/// every other checker (the specs' Call/Exec, which <see cref="Simulation.Step"/> adapts); results and states are
/// judged by the statement's relation.
/// </summary>
public static class Lockstep
{
    /// <summary>Calls s's primitive on CPU cpu with the same arguments and registers on both layers.</summary>
    public static LockstepStep Call(World w, int cpu, SimStatement s, ReadOnlySpan<Val> args, RegSet regs, bool checkRelation = true) =>
        Call(w, cpu, s, args, args, regs, regs, checkRelation);

    /// <summary>Calls s's primitive on CPU cpu; each layer gets its own arguments and registers.</summary>
    public static LockstepStep Call(World w, int cpu, SimStatement s, ReadOnlySpan<Val> argsHigh, ReadOnlySpan<Val> argsLow,
        RegSet regsHigh, RegSet regsLow, bool checkRelation = true)
    {
        var r = new StepOutcome();
        Call(w, cpu, s, argsHigh, argsLow, in regsHigh, in regsLow, checkRelation, ref r);
        return new LockstepStep(cpu, r.High, r.Low, r.After, r.Unrelated);
    }

    /// <summary>
    /// <see cref="Call(World, int, SimStatement, ReadOnlySpan{Val}, ReadOnlySpan{Val}, RegSet, RegSet, bool)"/> into a
    /// caller-owned outcome: the co-simulation's hot path (a <see cref="LockstepStep"/> holds two 400-byte register sets).
    /// </summary>
    internal static void Call(World w, int cpu, SimStatement s, ReadOnlySpan<Val> argsHigh, ReadOnlySpan<Val> argsLow,
        in RegSet regsHigh, in RegSet regsLow, bool checkRelation, ref StepOutcome r)
    {
        // both layers usually get the very same register set (the co-simulation's asm calls): box it once
        var regTermHigh = RegTerm(s.Primitive, in regsHigh);
        var regTermLow = Same(in regsHigh, in regsLow) || regsHigh.Equals(regsLow) ? regTermHigh : RegTerm(s.Primitive, in regsLow);
        Call(w, cpu, s, argsHigh, argsLow, regTermHigh, regTermLow, checkRelation, ref r);
    }

    /// <summary>An asm primitive with one boxed register set for both layers (the co-simulation builds it by updates, not 400-byte copies).</summary>
    internal static void CallAsm(World w, int cpu, SimStatement s, RegBox regs, ref StepOutcome r) =>
        Call(w, cpu, s, [], [], new(new CTerm(regs)), new(new CTerm(regs)), false, ref r);

    static void Call(World w, int cpu, SimStatement s, ReadOnlySpan<Val> argsHigh, ReadOnlySpan<Val> argsLow,
        Regs<CTerm> regTermHigh, Regs<CTerm> regTermLow, bool checkRelation, ref StepOutcome r)
    {
        var nextHigh = Side(w, w.High, cpu, s.Upper, argsHigh, regTermHigh, out r.High);
        var nextLow = Side(w, w.Low, cpu, s.Lower, argsLow, regTermLow, out r.Low);
        if (!r.High.Ok) { r.After = w; r.Unrelated = null; return; }
        if (!r.Low.Ok) { r.After = w with { High = nextHigh }; r.Unrelated = $"the high step succeeds but the low step fails: {r.Low.Why}"; return; }
        r.After = ReferenceEquals(nextHigh, w.High) && ReferenceEquals(nextLow, w.Low) ? w : w with { High = nextHigh, Low = nextLow };
        r.Unrelated = ResultsUnrelated(w, s, in r.High, in r.Low) ?? (checkRelation ? WorldRelation.Check(r.After, (VmxRelation)s.Relation) : null);
    }

    /// <summary>
    /// A guest step on CPU cpu: the guest ran until a VM exit, so the CPU performs hostin and the hardware
    /// writes the given VMCS fields, on both layers. Fails (no change) if hostin's guard fails.
    /// </summary>
    public static LockstepStep Guest(World w, int cpu, ReadOnlySpan<(int Encoding, Val Value)> vmcs, VmxRelation? check)
    {
        var r = new StepOutcome();
        Guest(w, cpu, vmcs, check, ref r);
        return new LockstepStep(cpu, r.High, r.Low, r.After, r.Unrelated);
    }

    /// <summary><see cref="Guest(World, int, ReadOnlySpan{ValueTuple{int, Val}}, VmxRelation?)"/> into a caller-owned outcome.</summary>
    internal static void Guest(World w, int cpu, ReadOnlySpan<(int Encoding, Val Value)> vmcs, VmxRelation? check, ref StepOutcome r)
    {
        var nextHigh = GuestSide(w, w.High, cpu, vmcs, out r.High);
        var nextLow = GuestSide(w, w.Low, cpu, vmcs, out r.Low);
        if (!r.High.Ok) { r.After = w; r.Unrelated = null; return; }
        if (!r.Low.Ok) { r.After = w with { High = nextHigh }; r.Unrelated = $"hostin succeeds on the high layer but not on the low one: {r.Low.Why}"; return; }
        r.After = w with { High = nextHigh, Low = nextLow };
        r.Unrelated = check is not null ? WorldRelation.Check(r.After, check) : null;
    }

    /// <summary>The all-Vundef register set, boxed once (C primitives get it on every call; RegBox is immutable).</summary>
    static readonly Regs<CTerm> undefRegs = new(new CTerm(new RegBox(RegSet.Undef)));

    /// <summary>Static undefined-register outcomes of the guest step (no allocation per step).</summary>
    static readonly RegBox undefBox = undefRegs.Raw.As<RegBox>();

    static Regs<CTerm> RegTerm(Primitive p, in RegSet regs) =>
        !p.IsAsm && (Same(in regs, in RegSet.Undef) || regs.Equals(RegSet.Undef)) ? undefRegs : new(new CTerm(new RegBox(regs)));

    /// <summary>Whether two `in` register sets are the very same variable (400-byte sets: compare addresses before values).</summary>
    static bool Same(in RegSet a, in RegSet b) => Unsafe.AreSame(ref Unsafe.AsRef(in a), ref Unsafe.AsRef(in b));

    static LayerMachine Side(World w, LayerMachine m, int cpu, PrimSpec spec, ReadOnlySpan<Val> args, Regs<CTerm> regTerm, out SideOutcome outcome)
    {
        var d = w.Domain();
        w.Context.Why = null;
        var regs = regTerm.Raw.As<RegBox>();
        var p = spec.Primitive;
        if (args.Length < p.Arity) { outcome = new SideOutcome(false, Val.Vundef, regs, $"{p}: expects {p.Arity} argument(s)"); return m; }
        ArgTerms terms = default;   // on the stack: the specs only read them during the step
        Span<Val<CTerm>> argTerms = args.Length <= ArgTerms.Size ? terms[..args.Length] : new Val<CTerm>[args.Length];
        for (int k = 0; k < args.Length; k++) argTerms[k] = new(new CTerm(args[k]));
        var view = m.View(cpu);
        var mem = new Mem<CTerm>(new CTerm(m.Mem));
        // the spec's own entry where its kind is known: Run's adapter copies a 64-byte result per call
        var code = spec.Code<CTerm, ConcreteDomain>();
        bool ok; AbsData<CTerm> data; Mem<CTerm> memAfter; Val ret; RegBox regsAfter;
        if (code.Entry == SpecEntry.Call)
        {
            var st = Unsafe.As<CSpecCode<CTerm, ConcreteDomain>>(code).Call(ref d, view, mem, argTerms);
            (ok, data, memAfter, ret, regsAfter) = (st.Ok, st.Data, st.Mem, st.Ret.Raw.V, regs);
        }
        else if (code.Entry == SpecEntry.Exec)
        {
            var st = Unsafe.As<AsmSpecCode<CTerm, ConcreteDomain>>(code).Exec(ref d, view, mem, regTerm);
            (ok, data, memAfter, ret, regsAfter) = (st.Ok, st.Data, st.Mem, Val.Vundef, st.Regs.Raw.As<RegBox>());
        }
        else
        {
            var st = code.Run(ref d, view, mem, argTerms, regTerm);
            (ok, data, memAfter, ret, regsAfter) = (st.Ok, st.Data, st.Mem, st.Ret.Raw.V, st.Regs.Raw.As<RegBox>());
        }
        if (!ok) { outcome = new SideOutcome(false, Val.Vundef, regs, w.Context.Why); return m; }
        outcome = new SideOutcome(true, ret, regsAfter, null);
        return m.Commit(cpu, data, memAfter);
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
        var area = data.Vmcs.Raw.As<VmcsArea>();
        if (w.Context.Touched is { } log) foreach (var (enc, _) in vmcs) log.VmcsFields.Add((cpu, enc));
        var written = data with { Vmcs = new(new CTerm(area.Set(cpu, area[cpu].SetMany(vmcs)))) };
        outcome = new SideOutcome(true, Val.Vundef, undefBox, null);
        return m.Commit(cpu, written, new(new CTerm(m.Mem)));
    }

    /// <summary>The statement's result clauses (the C result, or every register), the first that fails.</summary>
    static string? ResultsUnrelated(World w, SimStatement s, in SideOutcome high, in SideOutcome low) =>
        s.Primitive.IsAsm ? RegistersUnrelated(w, s, high.RegsBox, low.RegsBox) : FirstUnrelated(w, s, [], [], high.Ret, low.Ret);

    /// <summary>An asm primitive's result clauses: each register set read once (not zeroed first: CopyTo writes every register).</summary>
    [SkipLocalsInit]
    static string? RegistersUnrelated(World w, SimStatement s, RegBox high, RegBox low)
    {
        Unsafe.SkipInit(out PregValues hr);
        Unsafe.SkipInit(out PregValues lr);
        high.CopyTo(hr);
        low.CopyTo(lr);
        return FirstUnrelated(w, s, hr, lr, Val.Vundef, Val.Vundef);
    }

    /// <summary>
    /// The clause loop, apart from the 800 bytes of registers: a method with large stack buffers is compiled once
    /// without profile data, and the clause's virtual call would then never be devirtualized.
    /// </summary>
    static string? FirstUnrelated(World w, SimStatement s, ReadOnlySpan<Val> hr, ReadOnlySpan<Val> lr, Val highRet, Val lowRet)
    {
        var d = w.Domain();
        var relation = s.Relation.Code<CTerm, ConcreteDomain>();
        var p = s.Primitive;
        var at = relation.ResultPlaces(p);
        for (int k = 0; k < at.Length; k++)
        {
            var reg = at[k].Register;
            var (h, l) = reg is { } r ? (hr[(int)r], lr[(int)r]) : (highRet, lowRet);
            if (!relation.ResultRelated(ref d, p, k, new(new CTerm(h)), new(new CTerm(l))).Raw.B)
                return $"{p}: {(reg is null ? "the " : "")}{at[k].Clause} does not inject: high = {h}, low = {l}";
        }
        return null;
    }
}
