using VmxLayers.Layers;
using VmxLayers.Refinement;
using VmxLayers.Semantics;
using VmxLayers.Spec;

namespace VmxLayers.Smt;

/// <summary>What an obligation states: a low guard (the low spec does not fail there) or a goal clause.</summary>
public enum ObligationKind { LowGuard, Goal }

/// <summary>One thing to prove: premises (by index into the lemma's premise list) ⇒ formula.</summary>
public sealed record Obligation(int Index, ObligationKind Kind, string Clause, string Why, Node Formula, int LowGuardsAssumed);

/// <summary>The symbolic input of a lemma: the constants the decoder reads back.</summary>
public sealed record SymbolicInput(SimInput<Sx> Input, Node[] ArgsHigh, Node[] ArgsLow);

/// <summary>
/// The whole simulation lemma of one primitive as SMT terms: premises (hypothesis, high guards,
/// instances of the universal premises, well-formedness of inputs, consequences of the memory
/// clauses) and obligations (low guards and goal clauses), built by running <see cref="Simulation.Run"/>
/// on <see cref="SymbolicDomain"/>.
/// </summary>
public sealed class LemmaEncoding
{
    public Prim Prim { get; }
    public SymbolicContext Context { get; }
    public SymbolicInput Input { get; }
    public List<(string Comment, Node Fact)> Premises { get; } = [];
    public List<Node> LowGuards { get; } = [];
    public List<Obligation> Obligations { get; } = [];
    public SimRun<Sx> Run { get; }

    LemmaEncoding(Prim p, SymbolicContext ctx, SymbolicInput input, SimRun<Sx> run)
    {
        Prim = p; Context = ctx; Input = input; Run = run;
    }

    public static LemmaEncoding Build(Prim p, MutantId mutant)
    {
        var ctx = new SymbolicContext(mutant);
        var input = MakeInput(ctx, p);
        var d = new SymbolicDomain(ctx);
        var run = Simulation.Run<Sx, SymbolicDomain>(ref d, p, input.Input);
        // a seed point: match at (cpu, slot 0) is what makes 0 ≤ cpu < TOTAL_CPU visible to the solver even
        // when the spec only touches out-of-range slots (e.g. a high spec that accepts index 2^32-1)
        ctx.SlotPoint(input.Input.Pre.High.CpuId.N, ctx.T.Int(0));
        var lemma = new LemmaEncoding(p, ctx, input, run);
        lemma.Assemble();
        return lemma;
    }

    static AbsData<Sx> Data(Terms t, string side) => new(
        new(t.Const($"ikern_{side}", Sort.Bool)), new(t.Const($"ihost_{side}", Sort.Bool)),
        new(t.Const($"pg_{side}", Sort.Bool)), new(t.Const($"init_{side}", Sort.Bool)),
        new(t.Const($"cpu_{side}", Sort.Int)),
        new(t.Record(Sort.Vmcs, t.Const($"vmcs_{side}", Sort.Area), t.Const($"revid_{side}", Sort.Row), t.Const($"abrtid_{side}", Sort.Row))),
        new(t.Const($"vmx_{side}", Sort.Area)));

    static Sx Memory(Terms t, string side) => new(t.Record(Sort.Mem,
        t.Const($"words_{side}", Sort.Row), t.Const($"rd_{side}", Sort.BoolRow), t.Const($"wr_{side}", Sort.BoolRow),
        t.Const($"nextblock_{side}", Sort.Int), t.Const($"mem_{side}", Sort.Bool)));

    public static Sx Regs(Terms t, string side) =>
        new(t.Record(Sort.Regs, [.. PregInfo.All.Select(r => t.Const($"{r}_{side}", Sort.Val))]));

    static SymbolicInput MakeInput(SymbolicContext ctx, Prim p)
    {
        var t = ctx.T;
        var pre = new LayerPair<Sx>(Data(t, "H"), Memory(t, "H"), Data(t, "L"), Memory(t, "L"));
        var argsH = Enumerable.Range(0, p.Arity()).Select(k => t.Const($"arg{k}_H", Sort.Val)).ToArray();
        var argsL = Enumerable.Range(0, p.Arity()).Select(k => t.Const($"arg{k}_L", Sort.Val)).ToArray();
        var sim = new SimInput<Sx>(pre, [.. argsH.Select(n => new Sx(n))], [.. argsL.Select(n => new Sx(n))], Regs(t, "H"), Regs(t, "L"));
        return new SymbolicInput(sim, argsH, argsL);
    }

    void Assemble()
    {
        var t = Context.T;
        var tc = Context.TotalCpu;
        Premises.Add(("TOTAL_CPU >= 1", t.Le(t.Int(1), tc)));
        Premises.Add(("CPU ids are natural numbers", t.Le(t.Int(0), t.Const("cpu_H", Sort.Int))));
        Premises.Add(("the globals are allocated: nextblock >= genv_next", t.And(t.Le(t.Int(4), t.Const("nextblock_H", Sort.Int)), t.Le(t.Int(4), t.Const("nextblock_L", Sort.Int)))));
        Premises.Add(("hypothesis: MatchExtcall/MatchPrimcallStates, invariants, injecting arguments", Run.Hypothesis.N));
        foreach (var g in Context.Guards.Where(g => g.Phase == SpecPhase.High))
            Premises.Add(($"high guard: {g.Why}", g.Cond));

        int k = 0;
        foreach (var g in Context.Guards.Where(g => g.Phase == SpecPhase.Low))
        {
            Obligations.Add(new Obligation(k++, ObligationKind.LowGuard, "low guard", g.Why, g.Cond, LowGuards.Count));
            LowGuards.Add(g.Cond);
        }
        foreach (var goal in Run.Goals)
            Obligations.Add(new Obligation(k++, ObligationKind.Goal, goal.Clause, $"goal: {goal.Clause}", goal.Formula.N, LowGuards.Count));

        InstantiateUniversals();
        foreach (var def in Context.Definitions) Premises.Add(("the slot an offset falls in", def));
        AddSlotDisjointness();
        AddMemoryConsequences();
        AddWellFormedness();
    }

    /// <summary>
    /// Every value in the lemma is a well-formed CompCert value (payloads in range, blocks positive): asserted
    /// at every Val node that is not built by a constructor, so no value the formulas read escapes it.
    /// </summary>
    void AddWellFormedness()
    {
        var t = Context.T;
        var seen = new HashSet<int>();
        var stack = new Stack<Node>(Premises.Select(p => p.Fact).Concat(Obligations.Select(o => o.Formula)));
        var vals = new List<Node>();
        while (stack.Count > 0)
        {
            var n = stack.Pop();
            if (!seen.Add(n.Id)) continue;
            if (n.Sort == Sort.Val && Terms.Ctor(n) is null && !n.IsApp("lr32") && !n.IsApp("ite")) vals.Add(n);
            foreach (var a in n.Args) stack.Push(a);
        }
        foreach (var v in vals.OrderBy(v => v.Id)) Premises.Add((null!, t.App(Sort.Bool, "wf", v)));
    }

    /// <summary>Instantiates every universal premise at every ground point until no new point appears.</summary>
    void InstantiateUniversals()
    {
        var t = Context.T;
        var done = new HashSet<(int, int, int)>();
        for (bool grew = true; grew;)
        {
            grew = false;
            foreach (var u in Context.Universals.ToList())
                foreach (var (c, i) in Points(u.Kind).ToList())
                {
                    if (!done.Add((u.Flag.Id, c?.Id ?? -1, i.Id))) continue;
                    grew = true;
                    var inst = u.Body(c!, i);
                    Premises.Add(($"instance of {u.Clause} ({u.Kind})", t.Implies(t.And(u.Flag, Context.Range(u.Kind, c, i)), inst)));
                }
        }
    }

    /// <summary>
    /// A3 at every pair of ground slot points: 152c+4i = 152c'+4i' ⇔ (c,i) = (c',i') for slots in [0, 38).
    /// True arithmetic, stated so the solver need not rediscover it by branching (pairs of two literal slots of one CPU it sees at once).
    /// </summary>
    void AddSlotDisjointness()
    {
        var t = Context.T;
        // points named for non-slot-shaped offsets are left out: their pairs only add arithmetic case splits
        var pts = Context.SlotPoints.Where(p => !(p.Cpu.Op == Op.Const && p.Cpu.Name.StartsWith("ofs", StringComparison.Ordinal))).ToList();
        Node Off((Node Cpu, Node Slot) p) => t.Add(t.Mul(t.Int(VmxSlots.Stride), p.Cpu), t.Mul(t.Int(4), p.Slot));
        Node InRange(Node i) => t.And(t.Le(t.Int(0), i), t.Lt(i, t.Int(VmxSlots.Size)));
        for (int a = 0; a < pts.Count; a++)
            for (int b = a + 1; b < pts.Count; b++)
            {
                var (p, q) = (pts[a], pts[b]);
                if (p.Cpu == q.Cpu && p.Slot.IsLit && q.Slot.IsLit) continue;
                var same = t.And(t.Eq(p.Cpu, q.Cpu), t.Eq(p.Slot, q.Slot));
                Premises.Add((null!, t.Implies(t.And(InRange(p.Slot), InRange(q.Slot)), t.Eq(t.Eq(Off(p), Off(q)), same))));
            }
    }

    IEnumerable<(Node? Cpu, Node Index)> Points(QuantKind kind) => kind switch
    {
        QuantKind.CpuSlot => Context.SlotPoints.Select(p => ((Node?)p.Cpu, p.Slot)),
        QuantKind.Slot => Context.SlotPoints.Select(p => p.Slot).Distinct().Select(i => ((Node?)null, i)),
        _ => Context.FieldPoints.Select(p => ((Node?)p.Cpu, p.Enc)),
    };

    /// <summary>
    /// Consequences of the memory clauses of MatchExtcallStates the lemmas use: the injection is the
    /// identity on the globals, forward with delta 0, maps valid blocks to valid blocks (Mem.inject's
    /// mi_freeblocks / mi_mappedblocks), and the high memory has no permission on VMX_LOC. Instantiated at
    /// every block the specs touch.
    /// </summary>
    void AddMemoryConsequences()
    {
        var t = Context.T;
        foreach (var m in Context.MemoryPairs)
        {
            var none = t.App(Sort.BoolRow, "(as const (Array Int Bool))", t.False);
            Premises.Add(("no high permission on VMX_LOC", t.Implies(m.Flag, t.And(t.Eq(m.RdHigh, none), t.Eq(m.WrHigh, none)))));
            for (int b = 1; b < Spec.Concrete.Genv.Next; b++)
            {
                var blk = t.Int(b);
                Premises.Add(($"inject_incr (flat_inj genv_next) f at block {b}", t.Implies(m.Flag, t.And(new[] {
                    t.App(Sort.Bool, "fdef", blk), t.Eq(t.App(Sort.Int, "fblk", blk), blk), t.Eq(t.App(Sort.Int, "fdelta", blk), t.Int(0)) }))));
            }
            foreach (var v in Context.BlockVals)
            {
                var b = t.App(Sort.Int, "blk", v);
                var fb = t.App(Sort.Int, "fblk", b);
                Premises.Add(($"injection properties at the block of {SmtPrinter.Inline(v)}", t.Implies(t.And(m.Flag, t.App(Sort.Bool, "fdef", b)), t.And(new[] {
                    t.Eq(t.App(Sort.Int, "fdelta", b), t.Int(0)), t.Le(b, fb), t.Lt(fb, m.NextLow), t.Lt(b, m.NextHigh), t.Le(t.Int(1), b) }))));
            }
        }
    }

    /// <summary>The assertions of one obligation's query: premises, earlier low guards, the negated obligation.</summary>
    public List<(string? Comment, Node Fact)> Assertions(Obligation o, IEnumerable<(string? Comment, Node Fact)>? extra = null)
    {
        var list = new List<(string?, Node)>(Premises.Select(p => ((string?)p.Comment, p.Fact)));
        for (int k = 0; k < o.LowGuardsAssumed; k++) list.Add(("low guard that precedes", LowGuards[k]));
        if (extra is not null) list.AddRange(extra);
        list.Add(($"negated obligation: {o.Why}", Context.T.Not(o.Formula)));
        return list;
    }

    public static string Slug(string clause) =>
        new string([.. clause.Select(ch => char.IsAsciiLetterOrDigit(ch) ? char.ToLowerInvariant(ch) : '_')]).Trim('_') is var s && s.Length > 0 ? s : "clause";

    /// <summary>The file-name stem of an obligation: low guards are numbered, goals named.</summary>
    public string FileStem(Obligation o) =>
        $"{Prim}__{(o.Kind == ObligationKind.LowGuard ? $"low_guard_{o.Index}_{Slug(o.Why.Split(':').Last())}" : Slug(o.Clause))}";
}
