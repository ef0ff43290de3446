using System.Diagnostics;
using System.Text;
using VmxLayers.Layers;
using VmxLayers.Machine;
using VmxLayers.Refinement;
using VmxLayers.Smt.Solvers;

namespace VmxLayers.Smt;

/// <summary>
/// Proves the simulation lemma of a primitive for all inputs: one SMT query per obligation
/// ("premises ∧ ¬obligation" unsat ⇒ proved), and for a refuted lemma a decoded, concretely replayed counterexample.
/// </summary>
public static class Prover
{
    public const string Confirmed = "replayed concretely: fails";
    public const string EncodingError = "ENCODING ERROR";
    public const string NotReplayable = "NOT REPLAYABLE";
    /// <summary>Budget of the first, full query of an obligation: ≈3× the largest obligation of the real lemmas (docs/prover.md).</summary>
    public const long ProbeRlimit = 5_000_000;
    /// <summary>Budget of each concrete small-scope query (after an UNKNOWN probe, or to find a replayable model).</summary>
    public const long SmallScopeRlimit = 5_000_000;
    /// <summary>Budget of each concrete small-scope query of the retry that looks for a replayable model of an already refuted obligation.</summary>
    public const long ReplayRlimit = 10_000_000;
    public const string SmallScopeNote = " [found in the small scope {0}]";
    public const string Skipped = "skipped: the lemma is already refuted";
    public const string NotSpent = "full budget not spent: the lemma is already refuted";

    public static LemmaResult Prove(Prim p, ProveOptions o)
    {
        var clock = Stopwatch.StartNew();
        var lemma = LemmaEncoding.Build(p, o.Mutant);
        var decoder = new ModelDecoder(lemma);
        var results = new ObligationResult[lemma.Obligations.Count];
        var models = new Model?[lemma.Obligations.Count];
        if (o.EmitDir is not null) Directory.CreateDirectory(o.EmitDir);
        // goals first: a wrong spec most often breaks a goal, and StopAtFirstRefutation then skips the rest
        var order = lemma.Obligations.OrderBy(x => x.Kind == ObligationKind.Goal ? 0 : 1).ThenBy(x => x.Index).Select(x => x.Index).ToArray();
        bool probing = o.Rlimit <= 0 || o.Rlimit > ProbeRlimit;
        // pass 1: every obligation's full query with the probe budget (decides all of the real lemmas)
        Pass(lemma, order, o, results, k => Solve(lemma, decoder, lemma.Obligations[k], probing ? o with { Rlimit = ProbeRlimit } : o, null), models);
        // pass 2: the undecided ones in the small scope, where sat is a genuine counterexample and unsat proves nothing
        var open = order.Where(k => Undecided(results[k])).ToArray();
        Pass(lemma, open, o, results, k => Merge(results[k], SolveSmall(lemma, decoder, lemma.Obligations[k], SmallOptions(o)), smallScope: true), models);
        // pass 3: the whole budget for the still undecided ones, only while it can still change the lemma's verdict
        open = [.. open.Where(k => probing && Undecided(results[k]))];
        if (results.Any(r => r?.Verdict == Verdict.Refuted))
            foreach (var k in open) results[k] = results[k] with { ReasonUnknown = results[k].ReasonUnknown + "; " + NotSpent };
        else
            Pass(lemma, open, o, results, k => Merge(results[k], Solve(lemma, decoder, lemma.Obligations[k], o, null), smallScope: false), models);

        Verdict verdict = results.Any(r => r.Verdict == Verdict.Refuted) ? Verdict.Refuted
            : results.All(r => r.Verdict == Verdict.Proved) ? Verdict.Proved : Verdict.Unknown;
        ConcreteCase? cex = null;
        string? check = null;
        int first = Array.FindIndex(results, r => r.Verdict == Verdict.Refuted);
        if (first >= 0)
        {
            (cex, check) = Replay(decoder, models[first]!, FailingSkolem(lemma, lemma.Obligations[first], models[first]!));
            if (!check.StartsWith(Confirmed, StringComparison.Ordinal))
            {
                // the first model may map two blocks onto one (not expressible with disjoint 64-byte blocks): retry steered to a small, injective model
                var (small, smallModel) = SolveSmall(lemma, decoder, lemma.Obligations[first], SmallOptions(o, ReplayRlimit));
                if (small.Verdict == Verdict.Refuted && smallModel is not null)
                {
                    var (cex2, check2) = Replay(decoder, smallModel, FailingSkolem(lemma, lemma.Obligations[first], smallModel));
                    if (check2.StartsWith(Confirmed, StringComparison.Ordinal) || cex is null)
                    {
                        (cex, check) = (cex2, check2);
                        results[first] = small with { Time = results[first].Time + small.Time, Resources = results[first].Resources + small.Resources, File = results[first].File };
                    }
                }
            }
        }
        return new LemmaResult(p, verdict, results, clock.Elapsed, results.Sum(r => r.Resources), cex, check);
    }

    /// <summary>
    /// Runs one pass over the given obligations in parallel (skipping, with StopAtFirstRefutation, those not started once one is refuted).
    /// An interrupt (o.Cancel) surfaces as one OperationCanceledException, never as a result.
    /// </summary>
    static void Pass(LemmaEncoding lemma, int[] which, ProveOptions o, ObligationResult[] results, Func<int, (ObligationResult, Model?)> step, Model?[] models)
    {
        try { PassUnguarded(lemma, which, o, results, step, models); }
        catch (AggregateException e) when (o.Cancel.IsCancellationRequested && e.Flatten().InnerExceptions.All(x => x is OperationCanceledException))
        {
            throw new OperationCanceledException("the proof was interrupted", e, o.Cancel);
        }
    }

    static void PassUnguarded(LemmaEncoding lemma, int[] which, ProveOptions o, ObligationResult[] results, Func<int, (ObligationResult, Model?)> step, Model?[] models)
    {
        int refuted = results.Any(r => r?.Verdict == Verdict.Refuted) ? 1 : 0;
        Parallel.ForEach(which, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, Environment.ProcessorCount), CancellationToken = o.Cancel }, k =>
        {
            if (o.StopAtFirstRefutation && Volatile.Read(ref refuted) != 0)
            {
                var prev = results[k];
                results[k] = prev is null ? new ObligationResult(lemma.Obligations[k].Clause, lemma.Obligations[k].Why, Verdict.Unknown, TimeSpan.Zero, 0, null, Skipped) : prev with { ReasonUnknown = prev.ReasonUnknown + "; " + Skipped };
                return;
            }
            (results[k], models[k]) = step(k);
            if (results[k].Verdict == Verdict.Refuted) Interlocked.Exchange(ref refuted, 1);
        });
    }

    static bool Undecided(ObligationResult r) =>
        r.Verdict == Verdict.Unknown && r.ReasonUnknown?.StartsWith("solver error", StringComparison.Ordinal) != true && r.ReasonUnknown?.Contains(Skipped, StringComparison.Ordinal) != true;

    /// <summary>A later attempt's result with the earlier attempts' time and resources added; an unsat small scope keeps the earlier UNKNOWN.</summary>
    static (ObligationResult, Model?) Merge(ObligationResult before, (ObligationResult R, Model? M) now, bool smallScope)
    {
        var (time, res) = (before.Time + now.R.Time, before.Resources + now.R.Resources);
        if (now.R.Verdict == Verdict.Refuted)
            return (now.R with { Time = time, Resources = res, File = before.File }, now.M);
        if (smallScope) return (before with { Time = time, Resources = res }, null);
        return (now.R with { Time = time, Resources = res }, now.M);
    }

    /// <summary>The small-scope budget, never above the user's (0 = none).</summary>
    static ProveOptions SmallOptions(ProveOptions o, long budget = SmallScopeRlimit) =>
        o with { EmitDir = null, Rlimit = o.Rlimit <= 0 ? budget : Math.Min(o.Rlimit, budget) };

    /// <summary>
    /// The obligation in each concrete small scope in turn (<see cref="ModelDecoder.Scopes"/>), each with the full
    /// budget of <paramref name="o"/>, up to the first sat: a genuine, injective counterexample. Unsat in every scope
    /// proves nothing, so the result is then UNKNOWN (time and resources summed over the scopes).
    /// </summary>
    static (ObligationResult, Model?) SolveSmall(LemmaEncoding lemma, ModelDecoder decoder, Obligation ob, ProveOptions o)
    {
        var (time, res) = (TimeSpan.Zero, 0L);
        var reasons = new List<string>();
        foreach (var scope in ModelDecoder.Scopes)
        {
            var (r, m) = Solve(lemma, decoder, ob, o, decoder.SmallScope(scope));
            (time, res) = (time + r.Time, res + r.Resources);
            string name = $"TOTAL_CPU = {scope.Total}, CPU {scope.Cpu}";
            if (r.Verdict == Verdict.Refuted)
                return (r with { Time = time, Resources = res, Message = r.Message + string.Format(System.Globalization.CultureInfo.InvariantCulture, SmallScopeNote, name) }, m);
            if (r.ReasonUnknown?.StartsWith("solver error", StringComparison.Ordinal) == true) return (r with { Time = time, Resources = res }, null);
            reasons.Add($"{name}: {(r.Verdict == Verdict.Proved ? "unsat" : r.ReasonUnknown)}");
        }
        return (new ObligationResult(ob.Clause, ob.Why, Verdict.Unknown, time, res, null, "small scopes: " + string.Join(", ", reasons)), null);
    }

    static (ObligationResult, Model?) Solve(LemmaEncoding lemma, ModelDecoder decoder, Obligation ob, ProveOptions o, IEnumerable<(string? Comment, Node Fact)>? scope)
    {
        if (ob.Formula.IsLit && ob.Formula.Num == 1)
            return (new ObligationResult(ob.Clause, ob.Why, Verdict.Proved, TimeSpan.Zero, 0, null, null), null);
        var probes = Probes(lemma, ob).ToList();
        var valueNodes = probes.Concat(decoder.Terms()).Distinct().ToList();
        var query = new SmtPrinter.Query(lemma.Assertions(ob, scope), valueNodes);
        string? file = null;
        if (o.EmitDir is not null)
        {
            file = Path.Combine(o.EmitDir, lemma.FileStem(ob) + ".smt2");
            File.WriteAllText(file, Standalone(lemma, ob, query.Text));
        }
        var (outcome, error) = Check(o.Solver, query.Text, o.Rlimit, [.. valueNodes.Select(query.Ref)], o.Cancel);
        if (outcome is null)
            return (new ObligationResult(ob.Clause, ob.Why, Verdict.Unknown, TimeSpan.Zero, 0, null, $"solver error: {error}", file), null);
        long res = outcome.Resources ?? 0;
        if (outcome.Result == SatResult.Unsat)
            return (new ObligationResult(ob.Clause, ob.Why, Verdict.Proved, outcome.Time, res, null, null, file), null);
        if (outcome.Result == SatResult.Unknown)
            return (new ObligationResult(ob.Clause, ob.Why, Verdict.Unknown, outcome.Time, res, null, outcome.ReasonUnknown ?? "unknown", file), null);
        var model = new Model(valueNodes.Select((n, k) => (n, outcome.Values[k].Value)).ToDictionary(x => x.n.Id, x => x.Value));
        return (new ObligationResult(ob.Clause, ob.Why, Verdict.Refuted, outcome.Time, res, Message(lemma, ob, model), null, file), model);
    }

    /// <summary>Runs one query; a malformed query or a solver crash becomes an error text, never an exception (an interrupt is one: OperationCanceledException).</summary>
    internal static (SolverOutcome? Outcome, string? Error) Check(string solverName, string script, long rlimit, IReadOnlyList<string> valueTerms, CancellationToken cancel = default)
    {
        try
        {
            using var solver = SolverFactory.Create(solverName, cancel);
            return (solver.Check(script, rlimit, valueTerms), null);
        }
        catch (Exception e) when (e is SolverException or InvalidOperationException or IOException or DllNotFoundException or ArgumentException or FormatException)
        {
            return (null, e.Message);
        }
    }

    /// <summary>A standalone SMT-LIB2 file: header comment, logic, the query, check-sat.</summary>
    public static string Standalone(LemmaEncoding lemma, Obligation ob, string body)
    {
        var sb = new StringBuilder();
        sb.AppendLine($"; primitive: {lemma.Prim}");
        sb.AppendLine($"; clause: {ob.Clause}");
        sb.AppendLine($"; message: {ob.Why}");
        sb.AppendLine($"; mutant: {Mutants.MutantCatalog.NameOf(lemma.Context.Mutant)}");
        sb.AppendLine("; unsat = the obligation holds for all inputs; sat = a counterexample exists");
        sb.AppendLine("(set-logic ALL)");
        sb.Append(body);
        sb.AppendLine("(check-sat)");
        return sb.ToString();
    }

    /// <summary>The sub-terms a message is made of: skolems, their instances, and the equalities and injections inside.</summary>
    static IEnumerable<Node> Probes(LemmaEncoding lemma, Obligation ob)
    {
        var reach = Reachable(ob.Formula);
        foreach (var s in lemma.Context.Skolems.Where(s => reach.Contains(s.Instance.Id)))
        {
            if (s.Cpu is not null) yield return s.Cpu;
            yield return s.Index;
            yield return s.Instance;
        }
        yield return lemma.Context.T.Const("cpu_H", Sort.Int);
        foreach (var atom in Atoms(ob.Formula).Take(64))
        {
            yield return atom;
            foreach (var a in atom.Args) if (a.Sort is Sort.Val or Sort.Int or Sort.Bool && !a.IsLit) yield return a;
        }
    }

    static HashSet<int> Reachable(Node root)
    {
        var seen = new HashSet<int>();
        var stack = new Stack<Node>([root]);
        while (stack.Count > 0)
        {
            var n = stack.Pop();
            if (seen.Add(n.Id)) foreach (var a in n.Args) stack.Push(a);
        }
        return seen;
    }

    /// <summary>The vinj and = applications in a formula, outermost first, not looking inside values.</summary>
    static IEnumerable<Node> Atoms(Node root)
    {
        var seen = new HashSet<int>();
        var queue = new Queue<Node>([root]);
        while (queue.Count > 0)
        {
            var n = queue.Dequeue();
            if (!seen.Add(n.Id) || n.Sort != Sort.Bool) continue;
            if (n.IsApp("vinj") || n.IsApp("=")) { yield return n; continue; }
            foreach (var a in n.Args) queue.Enqueue(a);
        }
    }

    /// <summary>"vmx_exit: after the step, slot 12 (G_RBP) of CPU 3 does not inject: high = Vint 7, low = Vundef".</summary>
    static string Message(LemmaEncoding lemma, Obligation ob, Model m)
    {
        string prim = lemma.Prim.ToString();
        long cpu = m.Has(lemma.Context.T.Const("cpu_H", Sort.Int)) ? m.Int(lemma.Context.T.Const("cpu_H", Sort.Int)) : -1;
        if (ob.Kind == ObligationKind.LowGuard)
            return $"{prim}: the high spec succeeds but the low spec fails: {ob.Why.Split(": ", 2).Last()} (CPU {cpu})";
        var failing = FailingSkolem(lemma, ob, m);
        string where = failing is null ? ob.Clause : Where(failing, m, cpu);
        var scope = failing?.Instance ?? ob.Formula;
        var atom = Atoms(scope).FirstOrDefault(a => m.Has(a) && !m.Bool(a));
        if (atom is null) return $"{prim}: after the step, {ob.Clause} fails at {where}";
        if (atom.IsApp("vinj"))
            return $"{prim}: after the step, {where} does not inject: high = {m.Show(atom.Args[0])}, low = {m.Show(atom.Args[1])}";
        return $"{prim}: after the step, {where} differs: high = {m.Show(atom.Args[0])}, low = {m.Show(atom.Args[1])} ({SmtPrinter.Inline(atom)})";
    }

    /// <summary>The quantified part of a goal the model falsifies (null for a goal without quantifier or a low guard).</summary>
    static Skolem? FailingSkolem(LemmaEncoding lemma, Obligation ob, Model m)
    {
        if (ob.Kind == ObligationKind.LowGuard) return null;
        var reach = Reachable(ob.Formula);
        return lemma.Context.Skolems.FirstOrDefault(s => reach.Contains(s.Instance.Id) && m.Has(s.Instance) && !m.Bool(s.Instance));
    }

    static string Where(Skolem s, Model m, long cpu) => s.Kind switch
    {
        QuantKind.CpuSlot => $"{VmxSlots.Describe(m.Int(s.Index))} of CPU {m.Int(s.Cpu!)} ({s.Clause})",
        QuantKind.Slot => $"{VmxSlots.Describe(m.Int(s.Index))} of the current CPU {cpu} ({s.Clause})",
        _ => $"VMCS field {VmcsFields.Describe(m.Int(s.Index))} of CPU {m.Int(s.Cpu!)} ({s.Clause})",
    };

    /// <summary>Decodes the model and runs the case concretely; the text says whether it fails there too.</summary>
    static (ConcreteCase?, string) Replay(ModelDecoder decoder, Model m, Skolem? failing)
    {
        var (cex, why) = decoder.Decode(m, failing);
        if (cex is null)
            return (null, why!.StartsWith(NotReplayable, StringComparison.Ordinal) ? why : $"{EncodingError}: the model cannot be turned into a concrete case: {why}");
        try
        {
            var (w, run) = cex.Evaluate();
            string witness = string.Join("; ", w.Context.Witness.Select(kv => $"{kv.Key}: {kv.Value}"));
            if (!run.Hypothesis.B) return (cex, $"{EncodingError}: the decoded case does not satisfy the hypothesis ({witness})");
            if (!run.HighOk) return (cex, $"{EncodingError}: the high spec fails on the decoded case ({w.Context.Why})");
            if (!run.LowOk) return (cex, $"{Confirmed}: the low spec fails ({w.Context.Why})");
            var bad = run.Goals.Where(g => !g.Formula.B).Select(g => g.Clause).ToList();
            return bad.Count > 0
                ? (cex, $"{Confirmed}: {string.Join(", ", bad)} ({witness})")
                : (cex, $"{EncodingError}: every goal holds on the decoded case");
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or IndexOutOfRangeException)
        {
            return (cex, $"{EncodingError}: the decoded case cannot be run: {e.Message}");
        }
    }
}
