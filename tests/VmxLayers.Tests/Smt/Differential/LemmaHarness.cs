using System.Numerics;
using VmxLayers.Cases;
using VmxLayers.Constants;
using VmxLayers.Machine;
using VmxLayers.Refinement;
using VmxLayers.Smt;
using VmxLayers.Spec;
using VmxLayers.Spec.Concrete;

namespace VmxLayers.Tests.Smt.Differential;

/// <summary>
/// A lemma's encoding evaluated on concrete cases and compared with the concrete run of the same statement: the
/// hypothesis, whether the high step succeeds (all high guards), whether the low step succeeds (all low guards), each
/// goal, and — when the lemma is about the case — every premise. The encoding abstracts three things, each given its
/// meaning here:
/// <list type="bullet">
/// <item>a quantified premise is a Bool stand-in q_k instantiated at ground points only: q_k gets the truth of its
///   body at every index (the quantifier it stands for), so the hypothesis is compared with the concrete quantifiers;</item>
/// <item>a quantified goal is negated into skolem constants: its instance is read as the quantifier, i.e. evaluated at
///   every index of the range, and a premise naming skolems must hold at every index of their ranges;</item>
/// <item>Mem.inject and the other memory clauses are one uninterpreted Bool per pair of initial memories: it gets the
///   concrete MemoryFacts of the input memories, and the "memory" goal (the encoding's claim that low stores into
///   VMX_LOC keep it, A4/A5) is compared with the concrete check of the memories after the step.</item>
/// </list>
/// The index sets are those of the concrete relation: CPUs [0, TOTAL_CPU), slots [0, 38), and for "every encoding"
/// every encoding a VMCS row holds or the term names, plus one that none does (where the body reads only defaults,
/// as at every other encoding). Offsets the encoding names (non-slot-shaped ones) get their floor-division coordinates.
/// </summary>
sealed class LemmaHarness
{
    readonly List<(Quantified Bodies, List<Universal> Flags)> universals = [];
    readonly List<Quantified> skolems = [];
    readonly List<(Quantified[] Free, List<(string? Comment, Node Fact)> Premises)> premiseGroups = [];

    /// <summary>Terms that hold at every index of one range: their kind, bound variables, and the literals they name.</summary>
    sealed record Quantified(QuantKind Kind, Node[] Vars, List<Node> Bodies, List<BigInteger> Literals);

    public LemmaHarness(SimStatement s)
    {
        Statement = s;
        Lemma = LemmaEncoding.Build(s, "differential");
        // one pair of variables for every universal: bodies of one kind share sub-terms and are evaluated together
        Node c = Ctx.T.Const("eval_cpu", Sort.Int), i = Ctx.T.Const("eval_index", Sort.Int);
        foreach (var g in Ctx.Universals.ToList().GroupBy(u => u.Kind))
            universals.Add((Make(g.Key, g.Key == QuantKind.Slot ? [i] : [c, i], [.. g.Select(u => u.Body(c, i))]), [.. g]));
        foreach (var sk in Ctx.Skolems) skolems.Add(Make(sk.Kind, Vars(sk), [sk.Instance]));
        foreach (var g in Lemma.Premises.GroupBy(p => string.Join(",", skolems.Select((q, k) => Mentions(p.Fact, q.Vars) ? k : -1).Where(k => k >= 0))))
        {
            var free = skolems.Where(q => Mentions(g.First().Fact, q.Vars)).ToArray();
            premiseGroups.Add((free, [.. g]));
        }
    }

    public SimStatement Statement { get; }
    public LemmaEncoding Lemma { get; }
    SymbolicContext Ctx => Lemma.Context;

    /// <summary>What one case showed: the disagreements (empty = the encoding agrees) and how far the comparison went.</summary>
    public sealed record Result(List<string> Disagreements, bool HypothesisHeld, bool HighOk, bool LowOk);

    /// <summary>Compares the encoding with the concrete run of <paramref name="concrete"/> (default: the same statement).</summary>
    /// <param name="definitions">The defined functions the evaluator uses (default: the preamble's; a test replaces one to show a wrong one is caught).</param>
    public Result Compare(ConcreteCase c, SimStatement? concrete = null, IReadOnlyDictionary<string, Func<TermEvaluator, object[], object>>? definitions = null)
    {
        var (w, run) = c.Evaluate(concrete ?? Statement);
        var ev = Evaluator(c, w, definitions ?? TermEvaluator.Preamble);
        var bad = new List<string>();
        string where = $"{c.Prim} TOTAL_CPU={c.TotalCpu} cpu={c.Cpu} high {c.FlagsHigh} low {c.FlagsLow}";
        string Witness() => string.Join("; ", w.Context.Witness.Select(kv => $"{kv.Key}: {kv.Value}"));
        void Differ(string what, object symbolic, object actual) => bad.Add($"{where}: {what}: symbolic {symbolic}, concrete {actual}");

        bool hyp = ev.Bool(Lemma.Run.Hypothesis.Raw);
        if (hyp != run.Hypothesis.Raw.B) Differ("hypothesis", hyp, $"{run.Hypothesis.Raw.B} ({Witness()})");
        var (highOk, highWhy) = Guards(ev, SpecPhase.High);
        if (highOk != run.HighOk) Differ("the high step succeeds", $"{highOk} ({highWhy})", $"{run.HighOk} ({w.Context.Why})");
        if (!run.Hypothesis.Raw.B || !run.HighOk || bad.Count > 0) return new(bad, run.Hypothesis.Raw.B, run.HighOk, false);

        // the lemma is about this case: every premise must be a true fact about it (soundness of the extra premises)
        foreach (var (comment, fact) in FalsePremises(ev, c.TotalCpu)) bad.Add($"{where}: premise is false: {comment ?? SmtPrinter.Inline(fact)}");
        var (lowOk, lowWhy) = Guards(ev, SpecPhase.Low);
        if (lowOk != run.LowOk) Differ("the low step succeeds", $"{lowOk} ({lowWhy})", $"{run.LowOk} ({w.Context.Why})");
        if (!run.LowOk || !lowOk) return new(bad, true, true, run.LowOk);

        foreach (var q in skolems) ev.Fix(q.Bodies[0], ev.Forall(q.Bodies, q.Vars, Points(ev, q, c.TotalCpu))[0]);
        if (run.Goals.Count != Lemma.Run.Goals.Count) throw new InvalidOperationException($"{run.Goals.Count} concrete goals, {Lemma.Run.Goals.Count} symbolic");
        for (int k = 0; k < run.Goals.Count; k++)
        {
            var (sym, con) = (Lemma.Run.Goals[k], run.Goals[k]);
            if (sym.Clause != con.Clause) throw new InvalidOperationException($"goal {k}: {sym.Clause} vs {con.Clause}");
            bool holds = ev.Bool(sym.Formula.Raw);
            if (holds != con.Formula.Raw.B) Differ($"goal {con.Clause}", holds, $"{con.Formula.Raw.B} ({Witness()})");
        }
        return new(bad, true, true, true);
    }

    /// <summary>Whether every guard of a phase holds, in order (the step stops at the first that does not).</summary>
    (bool Ok, string? Why) Guards(TermEvaluator ev, SpecPhase phase)
    {
        foreach (var g in Ctx.Guards.Where(g => g.Phase == phase))
            if (!ev.Bool(g.Cond)) return (false, g.Why);
        return (true, null);
    }

    /// <summary>The evaluator of a case: its inputs, the injection, the memory-match flag, the universals' flags and the named offsets.</summary>
    public TermEvaluator Evaluator(ConcreteCase c, World w, IReadOnlyDictionary<string, Func<TermEvaluator, object[], object>> definitions)
    {
        var values = CaseAssignment.Inputs(Lemma.Symbols, c, w);
        var pair = w.Pair(c.Cpu);
        string flag = $"memory_match_{Lemma.Symbols.High.MemName.Name}_{Lemma.Symbols.Low.MemName.Name}";
        foreach (var m in Ctx.MemoryPairs)
        {
            if (m.Flag.Name != flag) throw new InvalidOperationException($"a memory pair other than the input memories: {m.Flag.Name}");
            values[m.Flag.Name] = MemoryFacts.Check(w.Context, pair.MemHigh.Raw.As<VmxLayers.Semantics.Mem>(), pair.MemLow.Raw.As<VmxLayers.Semantics.Mem>()) is null;
        }
        foreach (var o in Ctx.NamedOffsets) NameOffset(values, o);
        var functions = CaseAssignment.Functions(w.Context.Inject);
        var inputs = new TermEvaluator(values, functions, definitions);
        foreach (var (q, flags) in universals)
        {
            var holds = inputs.Forall(q.Bodies, q.Vars, Points(inputs, q, c.TotalCpu));
            for (int k = 0; k < holds.Length; k++) values[flags[k].Flag.Name] = holds[k];
        }
        return new TermEvaluator(values, functions, definitions);
    }

    /// <summary>ofs = 152·cpu + 4·slot + rem with 0 ≤ slot &lt; 38, 0 ≤ rem &lt; 4 (floor division), in whatever scope ofs is read.</summary>
    static void NameOffset(Dictionary<string, object> values, NamedOffset o)
    {
        static (BigInteger C, BigInteger I, BigInteger R) Split(BigInteger ofs)
        {
            var c = BigInteger.DivRem(ofs, VmxSlots.Stride, out var rest);
            if (rest.Sign < 0) { c -= 1; rest += VmxSlots.Stride; }
            return (c, rest / 4, rest % 4);
        }
        values[o.Cpu.Name] = new DerivedConstant(e => Split(e.Int(o.Ofs)).C);
        values[o.Slot.Name] = new DerivedConstant(e => Split(e.Int(o.Ofs)).I);
        values[o.Rem.Name] = new DerivedConstant(e => Split(e.Int(o.Ofs)).R);
    }

    /// <summary>Every index of a quantifier's range (for encodings see the class comment).</summary>
    IEnumerable<BigInteger[]> Points(TermEvaluator ev, Quantified q, int totalCpu)
    {
        var cpus = Enumerable.Range(0, totalCpu);
        var slots = Enumerable.Range(0, VmxSlots.Size);
        return q.Kind switch
        {
            QuantKind.Slot => slots.Select(i => new BigInteger[] { i }),
            QuantKind.CpuSlot => cpus.SelectMany(c => slots.Select(i => new BigInteger[] { c, i })),
            QuantKind.CpuField => Encodings(ev, q.Literals) is var encs ? cpus.SelectMany(c => encs.Select(e => new BigInteger[] { c, e })) : [],
            _ => throw new ArgumentOutOfRangeException(nameof(q), q.Kind, "unknown quantifier kind"),
        };
    }

    /// <summary>Every encoding a VMCS row of either side holds or the terms name, and one that none of them is.</summary>
    List<BigInteger> Encodings(TermEvaluator ev, List<BigInteger> literals)
    {
        var keys = new SortedSet<BigInteger>(VmcsFields.All.Select(f => (BigInteger)f.Encoding));
        foreach (var side in new[] { Lemma.Symbols.High, Lemma.Symbols.Low })
        {
            var area = ev.Array(side.VmcsFields);
            foreach (var cpu in area.Indices) keys.UnionWith(((SmtArray)area[cpu]).Indices);
        }
        keys.UnionWith(literals);
        keys.Add(keys.Max + 1);
        return [.. keys];
    }

    static Quantified Make(QuantKind kind, Node[] vars, List<Node> bodies) =>
        new(kind, vars, bodies, [.. bodies.SelectMany(Reach).Where(n => n.IsLit && n.Sort == Sort.Int).Select(n => (BigInteger)n.Num).Distinct()]);

    static Node[] Vars(Skolem s) => s.Cpu is null ? [s.Index] : [s.Cpu, s.Index];

    /// <summary>
    /// The premises that do not hold. One that names skolem constants (an instance at a goal's point) must hold wherever
    /// the solver may put them, i.e. at every index of their ranges (outside, the negated goal is false anyway).
    /// </summary>
    IEnumerable<(string? Comment, Node Fact)> FalsePremises(TermEvaluator ev, int totalCpu)
    {
        foreach (var (free, premises) in premiseGroups)
        {
            var facts = premises.Select(p => p.Fact).ToList();
            bool[] holds;
            if (free.Length == 0) holds = [.. facts.Select(ev.Bool)];
            else
            {
                IEnumerable<BigInteger[]> points = [[]];
                foreach (var q in free)
                {
                    var own = Points(ev, q, totalCpu).ToList();
                    points = points.SelectMany(p => own.Select(x => (BigInteger[])[.. p, .. x]));
                }
                holds = ev.Forall(facts, [.. free.SelectMany(q => q.Vars)], points);
            }
            for (int k = 0; k < premises.Count; k++)
                if (!holds[k]) yield return premises[k];
        }
    }

    static bool Mentions(Node root, Node[] consts) => Reach(root).Any(n => consts.Contains(n));

    static IEnumerable<Node> Reach(Node root)
    {
        var seen = new HashSet<int>();
        var stack = new Stack<Node>([root]);
        while (stack.Count > 0)
        {
            var n = stack.Pop();
            if (!seen.Add(n.Id)) continue;
            yield return n;
            foreach (var a in n.Args) stack.Push(a);
        }
    }
}
