using VmxLayers.Constants;
using VmxLayers.Refinement;
using VmxLayers.Spec;

namespace VmxLayers.Smt;

/// <summary>What an obligation states: a low guard (the low spec does not fail there) or a goal clause.</summary>
public enum ObligationKind { LowGuard, Goal }

/// <summary>One thing to prove: premises (and the low guards before it) ⇒ formula.</summary>
/// <param name="Limit">A limit guard of a symbolic executor: sat makes it UNKNOWN, not REFUTED.</param>
public sealed record Obligation(int Index, ObligationKind Kind, string Clause, string Why, Node Formula, int LowGuardsAssumed, bool Limit = false);

/// <summary>
/// The whole simulation lemma of one primitive as SMT terms: premises (hypothesis, high guards, instances of the
/// universal premises, well-formedness of inputs, consequences of the memory clauses, the named memory
/// assumptions) and obligations (low guards and goal clauses), built by running <see cref="Simulation.Run"/> on
/// <see cref="SymbolicDomain"/>.
/// </summary>
public sealed class LemmaEncoding
{
    public SimStatement Statement { get; }
    public Primitive Prim => Statement.Primitive;
    /// <summary>What the lemma is about, for file headers (the refinement's name, and a variant's if any).</summary>
    public string Label { get; }
    public SymbolicContext Context { get; }
    public InputSymbols Symbols => Context.Symbols;
    public List<(string Comment, Node Fact)> Premises { get; } = [];
    public List<Node> LowGuards { get; } = [];
    public List<Obligation> Obligations { get; } = [];
    public SimRun<Node> Run { get; }

    LemmaEncoding(SimStatement s, string label, SymbolicContext ctx, SimRun<Node> run)
    {
        Statement = s; Label = label; Context = ctx; Run = run;
    }

    /// <summary>True when both sides are states of one layer's data (<see cref="RelationDef.OneLayerData"/>): the upper side's save area is its memory's.</summary>
    public bool OneLayer => Statement.Relation.OneLayerData;

    public static LemmaEncoding Build(SimStatement s, string label)
    {
        var ctx = new SymbolicContext(s.Primitive.Arity);
        var d = new SymbolicDomain(ctx);
        var run = Simulation.Run(ref d, s, ctx.Symbols.Input);
        // a seed point: match at (cpu, slot 0) is what makes 0 ≤ cpu < TOTAL_CPU visible to the solver even
        // when the spec only touches out-of-range slots (e.g. a high spec that accepts index 2^32-1)
        ctx.SlotPoint(ctx.Symbols.High.Cpu, ctx.T.Int(0));
        var lemma = new LemmaEncoding(s, label, ctx, run);
        lemma.Assemble();
        return lemma;
    }

    void Assemble()
    {
        var t = Context.T;
        var tc = Context.TotalCpu;
        Premises.Add(("TOTAL_CPU >= 1", t.Le(t.Int(1), tc)));
        Premises.Add(("CPU ids are natural numbers", t.Le(t.Int(0), Symbols.High.Cpu)));
        Premises.Add(("the globals are allocated: nextblock >= genv_next", t.And(t.Le(t.Int(Genv.Next), Symbols.High.NextBlock), t.Le(t.Int(Genv.Next), Symbols.Low.NextBlock))));
        Premises.Add(("hypothesis: MatchExtcall/MatchPrimcallStates, invariants, injecting arguments", Run.Hypothesis.Raw));
        foreach (var g in Context.Guards.Where(g => g.Phase == SpecPhase.High && !g.Limit))
            Premises.Add(($"high guard: {g.Why}", g.Cond));

        int k = 0;
        // a limit of the upper side's symbolic execution is no premise (assuming it would hide paths): it must be shown unreachable
        foreach (var g in Context.Guards.Where(g => g.Phase == SpecPhase.High && g.Limit))
            Obligations.Add(new Obligation(k++, ObligationKind.LowGuard, "limit", $"upper side: {g.Why}", g.Cond, 0, Limit: true));
        foreach (var g in Context.Guards.Where(g => g.Phase == SpecPhase.Low))
        {
            Obligations.Add(new Obligation(k++, ObligationKind.LowGuard, g.Limit ? "limit" : "low guard", g.Why, g.Cond, LowGuards.Count, g.Limit));
            LowGuards.Add(g.Cond);
        }
        foreach (var goal in Run.Goals)
            Obligations.Add(new Obligation(k++, ObligationKind.Goal, goal.Clause, $"goal: {goal.Clause}", goal.Formula.Raw, LowGuards.Count));

        InstantiateUniversals();
        foreach (var def in Context.Definitions) Premises.Add(("the slot an offset falls in", def));
        AddSlotDisjointness();
        AddMemoryConsequences();
        AddWritableImpliesReadable();
        AddWellFormedness();
        AddReprFacts();
    }

    /// <summary>
    /// For every e mod 2^32 (Int.repr) in the lemma: 0 ≤ e &lt; 2^32 ⇒ e mod 2^32 = e. True arithmetic, stated so the
    /// solver need not find it (the code layer's offsets, e.g. ECX = repr(152·cpu) plus a displacement, need it).
    /// </summary>
    void AddReprFacts()
    {
        var t = Context.T;
        var seen = new HashSet<int>();
        var stack = new Stack<Node>(Premises.Select(p => p.Fact).Concat(Obligations.Select(o => o.Formula)));
        var mods = new List<Node>();
        while (stack.Count > 0)
        {
            var n = stack.Pop();
            if (!seen.Add(n.Id)) continue;
            if (n.IsApp("mod") && n.Args[1].IsLit && n.Args[1].Num == SymbolicDomain.Modulus) mods.Add(n);
            foreach (var a in n.Args) stack.Push(a);
        }
        foreach (var m in mods.OrderBy(m => m.Id))
        {
            var e = m.Args[0];
            Premises.Add(("Int.repr is the identity on [0, 2^32)", t.Implies(t.And(t.Le(t.Int(0), e), t.Lt(e, t.Int(SymbolicDomain.Modulus))), t.Eq(m, e))));
        }
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

    /// <summary>A9 (Mem.perm_order: Writable ≥ Readable) at every offset whose permissions a query reads: wr[ofs] ⇒ rd[ofs].</summary>
    void AddWritableImpliesReadable()
    {
        var t = Context.T;
        foreach (var (rd, wr, ofs) in Context.PermissionPoints)
            Premises.Add(("A9: a writable word is readable", t.Implies(t.Select(wr, ofs), t.Select(rd, ofs))));
    }

    IEnumerable<(Node? Cpu, Node Index)> Points(QuantKind kind) => kind switch
    {
        QuantKind.CpuSlot => Context.SlotPoints.Select(p => ((Node?)p.Cpu, p.Slot)),
        QuantKind.Slot => Context.SlotPoints.Select(p => p.Slot).Distinct().Select(i => ((Node?)null, i)),
        QuantKind.CpuField => Context.FieldPoints.Select(p => ((Node?)p.Cpu, p.Enc)),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown quantifier kind"),
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
            for (int b = 1; b < Genv.Next; b++)
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

    /// <summary>
    /// The assertions of the lemma's vacuity query: the premises alone (hypothesis and the high step's guards). Unsat
    /// means no input satisfies them: the high spec never succeeds on a related state, and every obligation holds
    /// only vacuously (SPEC §5).
    /// </summary>
    public List<(string? Comment, Node Fact)> PremisesOnly(IEnumerable<(string? Comment, Node Fact)>? extra = null)
    {
        var list = new List<(string?, Node)>(Premises.Select(p => ((string?)p.Comment, p.Fact)));
        if (extra is not null) list.AddRange(extra);
        return list;
    }

    public static string Slug(string clause) =>
        new string([.. clause.Select(ch => char.IsAsciiLetterOrDigit(ch) ? char.ToLowerInvariant(ch) : '_')]).Trim('_') is var s && s.Length > 0 ? s : "clause";

    /// <summary>The file-name stem of an obligation: low guards are numbered, goals named.</summary>
    public string FileStem(Obligation o) =>
        $"{Prim}__{(o.Kind == ObligationKind.LowGuard ? $"low_guard_{o.Index}_{Slug(o.Why.Split(':').Last())}" : Slug(o.Clause))}";

    /// <summary>The file-name stem of the vacuity query.</summary>
    public string VacuityStem => $"{Prim}__premises_satisfiable";
}
