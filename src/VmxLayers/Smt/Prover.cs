using System.Diagnostics;
using System.Globalization;
using System.Text;
using VmxLayers.Cases;
using VmxLayers.Constants;
using VmxLayers.Refinement;
using VmxLayers.Smt.Solvers;
using VmxLayers.Spec.Concrete;

namespace VmxLayers.Smt;

/// <summary>
/// Proves the simulation lemma of a primitive for all inputs: one SMT query per obligation ("premises ∧
/// ¬obligation" unsat ⇒ proved), a vacuity query ("premises" sat ⇒ the lemma is about something), and for a
/// refuted lemma a decoded, concretely replayed counterexample.
/// </summary>
public static class Prover
{
    /// <summary>Budget of the first, full query of an obligation: ≈3× the largest obligation of the real lemmas (docs/prover.md).</summary>
    public const long ProbeRlimit = 5_000_000;
    /// <summary>Budget of each concrete small-scope query (after an UNKNOWN probe, or to find a replayable model).</summary>
    public const long SmallScopeRlimit = 5_000_000;
    /// <summary>Budget of each small-scope query of the retry that looks for a replayable model of an already refuted obligation.</summary>
    public const long ReplayRlimit = 10_000_000;
    const string SmallScopeNote = " [found in the small scope {0}]";

    public static LemmaResult Prove(SimStatement s, ProveOptions o, string label = "")
    {
        var clock = Stopwatch.StartNew();
        var lemma = LemmaEncoding.Build(s, label);
        var decoder = new ModelDecoder(lemma);
        var results = new ObligationResult[lemma.Obligations.Count];
        var models = new Model?[lemma.Obligations.Count];
        if (o.EmitDir is not null) Directory.CreateDirectory(o.EmitDir);
        // goals first: a wrong spec most often breaks a goal, and StopAtFirstRefutation then skips the rest
        var order = lemma.Obligations.OrderBy(x => x.Kind == ObligationKind.Goal ? 0 : 1).ThenBy(x => x.Index).Select(x => x.Index).ToArray();
        bool probing = o.Rlimit <= 0 || o.Rlimit > ProbeRlimit;
        // pass 1: every obligation's full query with the probe budget (decides all of the real lemmas)
        Pass(lemma, order, o, results, k => Solve(lemma, decoder, lemma.Obligations[k], probing ? o with { Rlimit = ProbeRlimit } : o, null), models);
        // pass 2: the undecided ones in the small scopes, where sat is a genuine counterexample and unsat proves nothing
        var open = order.Where(k => Undecided(results[k])).ToArray();
        Pass(lemma, open, o, results, k => Merge(results[k], SolveScoped(lemma, decoder, lemma.Obligations[k], SmallOptions(o), SmallScopes(decoder)), smallScope: true), models);
        // pass 3: the whole budget for the still undecided ones, only while it can still change the lemma's verdict
        open = [.. open.Where(k => probing && Undecided(results[k]))];
        if (results.Any(r => r?.Verdict == Verdict.Refuted))
            foreach (var k in open) results[k] = results[k] with { Cause = UnknownCause.NotSpent, ReasonUnknown = results[k].ReasonUnknown + "; full budget not spent: the lemma is already refuted" };
        else
            Pass(lemma, open, o, results, k => Merge(results[k], Solve(lemma, decoder, lemma.Obligations[k], o, null), smallScope: false), models);

        bool refuted = results.Any(r => r.Verdict == Verdict.Refuted);
        var vacuity = refuted ? VacuityCheck.ShownByRefutation : CheckVacuity(lemma, o);
        Verdict verdict = refuted ? Verdict.Refuted
            : vacuity.Result == SatResult.Unsat ? Verdict.Vacuous
            : results.All(r => r.Verdict == Verdict.Proved) && vacuity.Result == SatResult.Sat ? Verdict.Proved : Verdict.Unknown;
        var (cex, replay) = refuted ? ReplayFirstRefutation(lemma, decoder, o, results, models) : (null, null);
        return new LemmaResult(s.Primitive, verdict, results, vacuity, clock.Elapsed, results.Sum(r => r.Resources) + vacuity.Resources, cex, replay);
    }

    /// <summary>
    /// Decodes and replays the first refuted obligation's model; when that model cannot be replayed (two blocks mapped
    /// onto one, or more CPUs than a case has), retries in the small scopes and then in growing CPU bounds until a
    /// model replays.
    /// </summary>
    static (ConcreteCase?, CounterexampleReplay?) ReplayFirstRefutation(LemmaEncoding lemma, ModelDecoder decoder, ProveOptions o, ObligationResult[] results, Model?[] models)
    {
        int first = Array.FindIndex(results, r => r.Verdict == Verdict.Refuted);
        var ob = lemma.Obligations[first];
        var (cex, replay) = Replay(decoder, models[first]!, FailingSkolem(lemma, ob, models[first]!));
        if (lemma.OneLayer && cex?.Sides != CaseSides.LowOnBoth)
        {
            // one layer's data: a counterexample from one state on both sides is the checkers' shape, runs the code
            // where check and the composition do, and reads as one state — ask for one first
            var (onDiagonal, model) = SolveScoped(lemma, decoder, ob, SmallOptions(o, ReplayRlimit), DiagonalScopes(decoder));
            if (onDiagonal.Verdict == Verdict.Refuted && model is not null && Replay(decoder, model, FailingSkolem(lemma, ob, model)) is ({ } c, { Status: ReplayStatus.Confirmed } r))
            {
                results[first] = onDiagonal with { Time = results[first].Time + onDiagonal.Time, Resources = results[first].Resources + onDiagonal.Resources, File = results[first].File };
                return (c, r);
            }
        }
        if (replay.Status == ReplayStatus.Confirmed) return (cex, replay);
        var (scoped, scopedModel) = SolveScoped(lemma, decoder, ob, SmallOptions(o, ReplayRlimit), SmallScopes(decoder).Concat(BoundedScopes(decoder)));
        if (scoped.Verdict != Verdict.Refuted || scopedModel is null) return (cex, replay);
        var (cex2, replay2) = Replay(decoder, scopedModel, FailingSkolem(lemma, ob, scopedModel));
        if (replay2.Status != ReplayStatus.Confirmed && cex is not null) return (cex, replay);
        results[first] = scoped with { Time = results[first].Time + scoped.Time, Resources = results[first].Resources + scoped.Resources, File = results[first].File };
        return (cex2, replay2);
    }

    /// <summary>The vacuity query: the premises alone. Unsat = VACUOUS.</summary>
    static VacuityCheck CheckVacuity(LemmaEncoding lemma, ProveOptions o)
    {
        var query = new SmtPrinter.Query(lemma.PremisesOnly(), []);
        string? file = null;
        if (o.EmitDir is not null)
        {
            file = Path.Combine(o.EmitDir, lemma.VacuityStem + ".smt2");
            File.WriteAllText(file, Standalone(lemma, "premises satisfiable", "sat = the lemma is about something; unsat = VACUOUS (no related state lets the high step succeed)", query.Text));
        }
        var (outcome, error) = Check(o.Solver, query.Text, o.Rlimit, [], o.Cancel);
        if (outcome is null) return new VacuityCheck(SatResult.Unknown, TimeSpan.Zero, 0, $"solver error: {error}", file);
        return new VacuityCheck(outcome.Result, outcome.Time, outcome.Resources ?? 0, outcome.ReasonUnknown, file);
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
                const string skipped = "skipped: the lemma is already refuted";
                var prev = results[k];
                results[k] = prev is null
                    ? new ObligationResult(lemma.Obligations[k].Clause, lemma.Obligations[k].Why, Verdict.Unknown, TimeSpan.Zero, 0, null, UnknownCause.Skipped, skipped)
                    : prev with { Cause = UnknownCause.Skipped, ReasonUnknown = prev.ReasonUnknown + "; " + skipped };
                return;
            }
            (results[k], models[k]) = step(k);
            if (results[k].Verdict == Verdict.Refuted) Interlocked.Exchange(ref refuted, 1);
        });
    }

    static bool Undecided(ObligationResult r) => r.Verdict == Verdict.Unknown && r.Cause == UnknownCause.Solver;

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

    static IEnumerable<(string Name, IEnumerable<(string? Comment, Node Fact)> Facts)> SmallScopes(ModelDecoder decoder) =>
        ModelDecoder.Scopes.Select(s => ($"TOTAL_CPU = {s.Total}, CPU {s.Cpu}", decoder.SmallScope(s)));

    /// <summary>One state on both sides (one layer's data), alone and then in each small scope.</summary>
    static IEnumerable<(string Name, IEnumerable<(string? Comment, Node Fact)> Facts)> DiagonalScopes(ModelDecoder decoder) =>
        new[] { ("one state on both sides", decoder.Diagonal()) }
            .Concat(SmallScopes(decoder).Select(s => ($"one state on both sides, {s.Name}", decoder.Diagonal().Concat(s.Facts))));

    static IEnumerable<(string Name, IEnumerable<(string? Comment, Node Fact)> Facts)> BoundedScopes(ModelDecoder decoder) =>
        ModelDecoder.CpuBounds.Select(b => ($"TOTAL_CPU ≤ {b}", decoder.BoundedScope(b)));

    /// <summary>
    /// The obligation in each restricted scope in turn, each with the full budget of <paramref name="o"/>, up to the
    /// first sat: a genuine, injective counterexample. Unsat in every scope proves nothing, so the result is then
    /// UNKNOWN (time and resources summed over the scopes).
    /// </summary>
    static (ObligationResult, Model?) SolveScoped(LemmaEncoding lemma, ModelDecoder decoder, Obligation ob, ProveOptions o,
        IEnumerable<(string Name, IEnumerable<(string? Comment, Node Fact)> Facts)> scopes)
    {
        var (time, res) = (TimeSpan.Zero, 0L);
        var reasons = new List<string>();
        foreach (var (name, facts) in scopes)
        {
            var (r, m) = Solve(lemma, decoder, ob, o, facts);
            (time, res) = (time + r.Time, res + r.Resources);
            if (r.Verdict == Verdict.Refuted)
                return (r with { Time = time, Resources = res, Message = r.Message + string.Format(CultureInfo.InvariantCulture, SmallScopeNote, name) }, m);
            if (r.Cause == UnknownCause.SolverError) return (r with { Time = time, Resources = res }, null);
            reasons.Add($"{name}: {(r.Verdict == Verdict.Proved ? "unsat" : r.ReasonUnknown)}");
        }
        return (new ObligationResult(ob.Clause, ob.Why, Verdict.Unknown, time, res, null, UnknownCause.Solver, "small scopes: " + string.Join(", ", reasons)), null);
    }

    static (ObligationResult, Model?) Solve(LemmaEncoding lemma, ModelDecoder decoder, Obligation ob, ProveOptions o, IEnumerable<(string? Comment, Node Fact)>? scope)
    {
        if (ob.Formula.IsLit && ob.Formula.Num == 1)
            return (new ObligationResult(ob.Clause, ob.Why, Verdict.Proved, TimeSpan.Zero, 0, null), null);
        var probes = Probes(lemma, ob).ToList();
        var valueNodes = probes.Concat(decoder.Terms()).Distinct().ToList();
        var query = new SmtPrinter.Query(lemma.Assertions(ob, scope), valueNodes);
        string? file = null;
        if (o.EmitDir is not null)
        {
            file = Path.Combine(o.EmitDir, lemma.FileStem(ob) + ".smt2");
            File.WriteAllText(file, Standalone(lemma, ob.Clause, ob.Why, query.Text));
        }
        var (outcome, error) = Check(o.Solver, query.Text, o.Rlimit, [.. valueNodes.Select(query.Ref)], o.Cancel);
        if (outcome is null)
            return (new ObligationResult(ob.Clause, ob.Why, Verdict.Unknown, TimeSpan.Zero, 0, null, UnknownCause.SolverError, $"solver error: {error}", file), null);
        long res = outcome.Resources ?? 0;
        if (outcome.Result == SatResult.Unsat)
            return (new ObligationResult(ob.Clause, ob.Why, Verdict.Proved, outcome.Time, res, null, File: file), null);
        if (outcome.Result == SatResult.Unknown)
            return (new ObligationResult(ob.Clause, ob.Why, Verdict.Unknown, outcome.Time, res, null, UnknownCause.Solver, outcome.ReasonUnknown ?? "unknown", file), null);
        var model = new Model(valueNodes.Select((n, k) => (n, outcome.Values[k].Value)).ToDictionary(x => x.n.Id, x => x.Value));
        if (ob.Limit)   // a reachable unexplored path is no counterexample: the lemma stays undecided
            return (new ObligationResult(ob.Clause, ob.Why, Verdict.Unknown, outcome.Time, res, Message(lemma, ob, model), UnknownCause.Unexplored, "the symbolic execution did not explore a reachable path", file), null);
        return (new ObligationResult(ob.Clause, ob.Why, Verdict.Refuted, outcome.Time, res, Message(lemma, ob, model), File: file), model);
    }

    /// <summary>Runs one query; a malformed query or a solver crash becomes an error text, never an exception (an interrupt is one: OperationCanceledException).</summary>
    internal static (SolverOutcome? Outcome, string? Error) Check(SolverKind solverKind, string script, long rlimit, IReadOnlyList<string> valueTerms, CancellationToken cancel = default)
    {
        try
        {
            using var solver = SolverFactory.Create(solverKind, cancel);
            return (solver.Check(script, rlimit, valueTerms), null);
        }
        catch (Exception e) when (e is SolverException or InvalidOperationException or IOException or DllNotFoundException or ArgumentException or FormatException)
        {
            return (null, e.Message);
        }
    }

    /// <summary>A standalone SMT-LIB2 file: header comment, logic, the query, check-sat.</summary>
    public static string Standalone(LemmaEncoding lemma, string clause, string message, string body)
    {
        var sb = new StringBuilder();
        sb.AppendLine($"; primitive: {lemma.Prim}");
        sb.AppendLine($"; refinement: {lemma.Label}");
        sb.AppendLine($"; clause: {clause}");
        sb.AppendLine($"; message: {message}");
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
        yield return lemma.Symbols.High.Cpu;
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
        string prim = lemma.Prim.Name;
        long cpu = m.Has(lemma.Symbols.High.Cpu) ? m.Int(lemma.Symbols.High.Cpu) : -1;
        if (ob.Limit)
            return $"{prim}: a path the symbolic execution did not explore is reachable: {ob.Why} (CPU {cpu})";
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
        QuantKind.CpuField => $"VMCS field {VmcsFields.Describe(m.Int(s.Index))} of CPU {m.Int(s.Cpu!)} ({s.Clause})",
        _ => throw new ArgumentOutOfRangeException(nameof(s), s.Kind, "unknown quantifier kind"),
    };

    /// <summary>Decodes the model and runs the case concretely; says whether it fails there too.</summary>
    static (ConcreteCase?, CounterexampleReplay) Replay(ModelDecoder decoder, Model m, Skolem? failing)
    {
        var (cex, why, expressible) = decoder.Decode(m, failing);
        if (cex is null)
            return (null, expressible ? new(ReplayStatus.EncodingError, $"the model cannot be turned into a concrete case: {why}") : new(ReplayStatus.NotReplayable, why!));
        try
        {
            var (w, run) = cex.Evaluate(decoder.Statement);
            string witness = string.Join("; ", w.Context.Witness.Select(kv => $"{kv.Key}: {kv.Value}"));
            if (!run.Hypothesis.Raw.B) return (cex, new(ReplayStatus.EncodingError, $"the decoded case does not satisfy the hypothesis ({witness})"));
            if (!run.HighOk) return (cex, new(ReplayStatus.EncodingError, $"the high spec fails on the decoded case ({w.Context.Why})"));
            if (!run.LowOk) return (cex, new(ReplayStatus.Confirmed, $"the low spec fails ({w.Context.Why})"));
            var bad = run.Goals.Where(g => !g.Formula.Raw.B).Select(g => g.Clause).ToList();
            return bad.Count > 0
                ? (cex, new(ReplayStatus.Confirmed, $"{string.Join(", ", bad)} ({witness})"))
                : (cex, new(ReplayStatus.EncodingError, "every goal holds on the decoded case"));
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or IndexOutOfRangeException)
        {
            return (cex, new(ReplayStatus.EncodingError, $"the decoded case cannot be run: {e.Message}"));
        }
    }
}
