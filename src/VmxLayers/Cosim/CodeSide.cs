using VmxLayers.Layers;
using VmxLayers.Machine;
using VmxLayers.Refinement;
using VmxLayers.Semantics;
using VmxLayers.Spec;
using VmxLayers.Spec.Concrete;

namespace VmxLayers.Cosim;

/// <summary>
/// The bottom layer of a three-layer co-simulation: the lower step of a composed refinement (the machine code, code ⊑
/// VMCSInit) run on its own machine after the middle layer (VMCSInit) took the same step, then judged against the
/// middle layer's new state by that step's relation: its result clauses and its state goals (data equal, memory
/// extends), the very clauses the checkers evaluate. Its machine is persistent (the executor allocates and frees its
/// stack and data blocks, which an owned memory refuses) and its context separate, so the middle layer's touch log sees
/// only the middle layer's writes.
/// </summary>
internal sealed class CodeSide
{
    readonly ComposedRefinement composed;
    readonly ConcreteContext context;
    readonly RelationCode<CTerm, ConcreteDomain> relation;
    readonly List<Goal<CTerm>> goals = [];

    public LayerMachine Machine { get; private set; }
    /// <summary>Calls of the code judged so far.</summary>
    public long Checks { get; private set; }

    /// <summary>The code starts in the initial world's middle (low) state: the identity relates it to itself.</summary>
    readonly bool full;
    readonly CodeIncrementalRelation incremental = new();

    /// <summary>`fullEveryCall`: the step relation's state goals after every call instead of the incremental check (tests).</summary>
    public CodeSide(World initial, ComposedRefinement composed, bool fullEveryCall = false)
    {
        full = fullEveryCall;
        this.composed = composed;
        context = new ConcreteContext(initial.Context.Genv, MemInj.Flat(initial.Low.Mem.NextBlock));
        relation = composed.Lower.Relation.Code<CTerm, ConcreteDomain>();
        Machine = initial.Low;
    }

    public string LayerName => composed.Lower.Lower.Name;

    /// <summary>
    /// Primitive p on CPU cpu with the middle layer's arguments and registers; `middle` is the middle layer after its
    /// step and `ret`/`regs` what it returned. Returns the code's result and registers, or throws <see cref="CosimStop"/>.
    /// </summary>
    /// <remarks>
    /// The result clauses are the step relation's own; its state goals (data equal, memory extends: every CPU's VMCS and
    /// the whole memory) run after every call only when `full`; otherwise <see cref="CodeIncrementalRelation"/> checks
    /// where the call wrote on either side (the middle's <paramref name="touched"/> log, the code's persistent diffs),
    /// and <see cref="FullCheck"/> runs the state goals periodically.
    /// </remarks>
    public (Val Ret, RegBox Regs) Call(int cpu, Primitive p, ReadOnlySpan<Val> args, RegBox regsIn, LayerMachine middle, Val ret, RegBox regs, TouchLog touched)
    {
        var d = new ConcreteDomain(context);
        context.Why = null;
        var terms = new Val<CTerm>[args.Length];
        for (int k = 0; k < args.Length; k++) terms[k] = new(new CTerm(args[k]));
        var s = Simulation.Step(ref d, composed.Lower.Lower.Spec(p), Machine.View(cpu), new(new CTerm(Machine.Mem)), terms, new(new CTerm(regsIn)));
        if (!s.Ok) throw Stop(cpu, p.Name, $"{composed.Middle.Name} succeeds but the code fails: {context.Why}", $"ok, {Show(p, ret, regs)}", $"fails: {context.Why}");
        var before = Machine.Mem;
        var vmcsBefore = Machine.Vmcs;
        Machine = Machine.Commit(cpu, s.Data, s.Mem);
        Checks++;
        var codeRet = s.Ret.Raw.V;
        var codeRegs = s.Regs.Raw.As<RegBox>();
        var output = new SimOutput<CTerm>(Pair(middle, cpu), new(new CTerm(ret)), s.Ret, new(new CTerm(regs)), s.Regs);
        goals.Clear();
        relation.ResultGoals(ref d, p, output, goals);
        if (full) relation.StateGoals(ref d, p, output, goals);
        foreach (var g in goals)
            if (!g.Formula.Raw.B)
                throw Stop(cpu, p.Name, Clause(g.Clause), Show(p, ret, regs), Show(p, codeRet, codeRegs));
        if (!full && incremental.Check(middle, vmcsBefore, before, Machine, touched) is { } why)
            throw Stop(cpu, p.Name, $"{composed.Lower.Name}: {why}", Show(p, ret, regs), Show(p, codeRet, codeRegs));
        DropFreedFrames(before, middle.Mem.NextBlock, codeRet, codeRegs);
        return (codeRet, codeRegs);
    }

    /// <summary>
    /// Forgets the call's freed stack and data blocks (beyond the middle layer's memory) once the step is related, so
    /// the code's memory does not grow by a block per call (every allocation copies the block table). Sound only when
    /// nothing can name them again: no pointer to them in a block the call changed (the others were checked when they
    /// changed) nor in what the call returned; otherwise the blocks stay.
    /// </summary>
    void DropFreedFrames(Mem before, int keep, Val ret, RegBox regs)
    {
        var after = Machine.Mem;
        if (after.NextBlock <= keep || Refers(ret, keep)) return;
        for (int r = 0; r < PregInfo.Count; r++) if (Refers(regs[(Preg)r], keep)) return;
        changed.Clear();
        Mem.ChangedBlocks(before, after, changed);
        foreach (int b in changed)
        {
            if (b >= keep || after.Bounds(b) is not { } bounds) continue;
            for (long ofs = bounds.Lo; ofs < bounds.Hi; ofs++)
                if (after.Cell(b, ofs) is { Kind: MemvalKind.Pointer } c && c.Block >= keep) return;
        }
        if (after.WithoutFreedTail(keep) is { } trimmed) Machine = Machine with { Mem = trimmed };
    }

    readonly List<int> changed = [];

    static bool Refers(Val v, int keep) => v.IsPtr && v.Block >= keep;

    /// <summary>The hardware side of a VM exit on the code's machine (hostin and the VMCS exit fields: the same generic step as the layers').</summary>
    public void Guest(int cpu, ReadOnlySpan<(int Encoding, Val Value)> fields)
    {
        var step = Lockstep.Guest(new World(context, Machine, Machine), cpu, fields, null);
        if (!step.Low.Ok) throw Stop(cpu, "guest step (hostin + VMCS exit fields)", $"hostin fails on the code's machine: {step.Low.Why}", null, step.Low.Why);
        Machine = step.After.Low;
    }

    /// <summary>VMCSInit's vmcs_readz on the code's machine (the passthrough the host uses; the code's VMCS is the underlay's).</summary>
    public (bool Ok, long Value) VmcsReadz(int cpu, int encoding)
    {
        var d = new ConcreteDomain(context);
        bool ok = Primitives.VmcsInit.VmcsReadz<CTerm, ConcreteDomain>(ref d, Machine.View(cpu), new(new CTerm(encoding)), Constants.VmcsFields.Name(encoding), out var v);
        return (ok, ok ? v.Raw.Z : 0);
    }

    /// <summary>The step's state goals for every CPU's view of the middle and the code (the flags are per CPU; VMCS and memory are whole).</summary>
    public void FullCheck(LayerMachine middle, string when)
    {
        var d = new ConcreteDomain(context);
        var p = composed.Primitives[0].Primitive;   // the state goals do not depend on the primitive
        for (int cpu = 0; cpu < middle.TotalCpu; cpu++)
        {
            goals.Clear();
            var none = new Val<CTerm>(new CTerm(Val.Vundef));
            var regs = new Regs<CTerm>(new CTerm(new RegBox(RegSet.Undef)));
            relation.StateGoals(ref d, p, new SimOutput<CTerm>(Pair(middle, cpu), none, none, regs, regs), goals);
            foreach (var g in goals)
                if (!g.Formula.Raw.B) throw Stop(-1, $"full relation check of {composed.Lower.Name} ({when})", Clause(g.Clause), null, null);
        }
    }

    LayerPair<CTerm> Pair(LayerMachine middle, int cpu) =>
        new(middle.View(cpu), new(new CTerm(middle.Mem)), Machine.View(cpu), new(new CTerm(Machine.Mem)));

    string Clause(string clause) =>
        $"{composed.Lower.Name}: {clause}" + (context.Witness.TryGetValue(clause, out var w) ? $" ({w})" : "");

    static string Show(Primitive p, Val ret, RegBox regs) => p.IsAsm ? $"regs {regs.Regs}" : $"ret {ret}";

    CosimStop Stop(int cpu, string step, string clause, string? middle, string? code) =>
        new(new(FailureKind.Unrelated, cpu, step, clause, middle is null ? null : $"{composed.Middle.Name}: {middle}", code is null ? null : $"{LayerName}: {code}"));
}
