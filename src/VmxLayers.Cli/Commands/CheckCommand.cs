using System.CommandLine;
using System.Text.Json.Nodes;
using CsCheck;
using Spectre.Console;
using VmxLayers.Checking;
using VmxLayers.Cli.Output;
using VmxLayers.Mutants;
using VmxLayers.Refinement;
using VmxLayers.Scenarios;
using VmxLayers.Smt;
using VmxLayers.Smt.Solvers;
using VmxLayers.Spec;

namespace VmxLayers.Cli.Commands;

/// <summary>`vmxlayers check`: the simulation statement of every primitive, by the exhaustive and random backends and the SMT prover.</summary>
public static class CheckCommand
{
    static readonly Option<string?> primitive = new("--primitive") { Description = "Check only this primitive: " + string.Join(", ", PrimInfo.All) + ".", HelpName = "P" };
    static readonly Option<string> backend = new("--backend") { Description = "Which concrete backends run: exhaustive, random or all (default all).", DefaultValueFactory = _ => "all", HelpName = "B" };
    static readonly Option<string?> seed = new("--seed") { Description = "Master seed of the random backend (printed by every run): it draws the same cases on any number of threads; its own case is drawn first, so a printed counterexample seed reproduces that case. Default: a fresh one.", HelpName = "S" };
    static readonly Option<int> budget = new("--budget") { Description = "Random cases per primitive. Default 3000.", DefaultValueFactory = _ => 3000, HelpName = "N" };
    static readonly Option<double> shrink = new("--shrink-seconds") { Description = "Extra time the shrinker gets once the random backend finds a counterexample, 0..3600. Default 1.", DefaultValueFactory = _ => 1.0, HelpName = "SECONDS" };
    static readonly Option<int> threads = new("--threads") { Description = "Worker threads of the concrete backends, 0..1024 (default 0: one per core).", HelpName = "N" };
    static readonly Option<bool> json = new("--json") { Description = "Print one JSON document (per primitive and backend: cases, hypothesis held, high succeeded, verdict, time, scope, counterexample)." };
    static readonly Option<string?> mutant = new("--mutant") { Description = "Run under a compiled-in mutant (see `mutants --list`); the check should then fail.", HelpName = "NAME" };
    static readonly Option<string> solver = new("--solver") { Description = "SMT solver of the proofs: libz3 (in-process, default), z3 or cvc5 (executables on PATH).", DefaultValueFactory = _ => "libz3", HelpName = "SOLVER" };
    static readonly Option<bool> noProve = new("--no-prove") { Description = "Skip the SMT proofs (only the concrete backends run; no proof column)." };
    static readonly Option<string?> save = new("--save-counterexample") { Description = "Write the first counterexample (a backend's, else the prover's) as a replayable scenario (docs/scenarios.md; run it with `replay FILE`). The path is checked before the work starts.", HelpName = "FILE" };

    const string Name = "check";
    const int MaxThreads = 1024;
    const double MaxShrinkSeconds = 3600;

    public static Command Create()
    {
        var command = new Command(Name,
            "Check the simulation statement of the six primitives with the exhaustive backend (a declared small scope), " +
            "the random backend (CsCheck, related-pair generators, shrinking) and, unless --no-prove, an SMT proof for all inputs (run alongside). " +
            "Exit 0 iff no counterexample and every lemma PROVED, 1 on a counterexample or a REFUTED lemma, 3 if a lemma is UNKNOWN and nothing failed, " +
            "2 on bad input, 130 on Ctrl-C (what finished is printed).")
        {
            primitive, backend, seed, budget, shrink, threads, json, mutant, solver, noProve, save,
        };
        command.SetAction(Run);
        return command;
    }

    /// <summary>Validated options.</summary>
    sealed record Plan(Prim[] Prims, bool Exhaustive, bool Random, RandomOptions RandomOptions, MutantId Mutant, int Threads, string? Solver, string? Save, bool Json);

    /// <summary>What finished: the backend reports and lemmas, in order, and whether Ctrl-C stopped the run.</summary>
    sealed record Outcome(List<BackendReport> Reports, List<LemmaResult> Lemmas, bool Interrupted);

    static int Run(ParseResult r)
    {
        if (Validate(r, out var plan) is { } bad) return Errors.Bad(Name, bad);
        var outcome = ProgressLine.Run(Name, report => Work(plan, report));
        var (saved, saveError) = Save(plan, outcome);
        int code = ExitCode(outcome);
        if (plan.Json) PrintJson(outcome, plan, saved, code);
        else PrintText(outcome, plan, saved);
        if (saveError is not null) Errors.Line(Name, saveError);
        return code;
    }

    /// <summary>The concrete backends, with the proofs alongside (the solver waits on memory as often as on the CPU).</summary>
    static Outcome Work(Plan plan, Action<string> report)
    {
        var cancel = Interrupts.Token;
        var lemmas = new List<LemmaResult>();
        var proofs = plan.Solver is { } sv
            ? Task.Run(() =>
            {
                foreach (var p in plan.Prims)
                {
                    var l = Prover.Prove(p, new ProveOptions(plan.Mutant, sv, Cancel: cancel));
                    lock (lemmas) lemmas.Add(l);
                }
            })
            : Task.CompletedTask;
        var reports = new List<BackendReport>();
        int runs = plan.Prims.Length * ((plan.Exhaustive ? 1 : 0) + (plan.Random ? 1 : 0));
        string Lemmas() { lock (lemmas) return plan.Solver is null ? "" : $", {lemmas.Count}/{plan.Prims.Length} lemmas done"; }
        try
        {
            foreach (var p in plan.Prims)
            {
                report($"{reports.Count}/{runs} backend runs done{Lemmas()}, checking {p}");
                if (plan.Exhaustive) reports.Add(ExhaustiveBackend.Run(p, plan.Mutant, plan.Threads, cancel));
                report($"{reports.Count}/{runs} backend runs done{Lemmas()}, checking {p}");
                if (plan.Random) reports.Add(RandomBackend.Run(p, plan.RandomOptions, plan.Mutant));
            }
            while (!proofs.Wait(200)) report($"{reports.Count}/{runs} backend runs done{Lemmas()}, proving");
            proofs.GetAwaiter().GetResult();
        }
        catch (Exception e) when (cancel.IsCancellationRequested && IsCancellation(e))
        {
            try { proofs.GetAwaiter().GetResult(); }
            catch (Exception inner) when (IsCancellation(inner)) { }
            lock (lemmas) return new Outcome(reports, [.. lemmas], Interrupted: true);
        }
        return new Outcome(reports, lemmas, Interrupted: false);
    }

    static bool IsCancellation(Exception e) =>
        e is OperationCanceledException || (e is AggregateException a && a.Flatten().InnerExceptions.All(x => x is OperationCanceledException));

    /// <summary>Saves the first counterexample (a concrete backend's, else the prover's decoded one): (saved path, error line).</summary>
    static (string? Saved, string? Error) Save(Plan plan, Outcome o)
    {
        if (plan.Save is not { } file) return (null, null);
        var c = o.Reports.Select(x => x.Counterexample?.Case).FirstOrDefault(x => x is not null)
            ?? o.Lemmas.Select(l => l.Counterexample).FirstOrDefault(x => x is not null);
        if (c is null) return (null, null);
        var error = CounterexampleFile.Save(file, c);
        return error is null ? (file, null) : (null, error);
    }

    /// <summary>130 when interrupted; 1 on a counterexample or a refuted lemma, else 3 if a lemma is unknown, else 0.</summary>
    static int ExitCode(Outcome o) =>
        o.Interrupted ? ExitCodes.Interrupted
        : o.Reports.Any(x => !x.Passed) || o.Lemmas.Any(l => l.Verdict == Verdict.Refuted) ? ExitCodes.Failed
        : o.Lemmas.Any(l => l.Verdict == Verdict.Unknown) ? ExitCodes.Inconclusive : ExitCodes.Ok;

    static string? Validate(ParseResult r, out Plan plan)
    {
        plan = null!;
        Prim[] prims = PrimInfo.All;
        if (r.GetValue(primitive) is { } name)
        {
            if (!PrimInfo.TryParse(name, out var p)) return $"--primitive: unknown primitive '{name}' (known: {string.Join(", ", PrimInfo.All)})";
            prims = [p];
        }
        string b = r.GetValue(backend)!;
        if (b is not ("all" or "exhaustive" or "random")) return $"--backend: expected exhaustive, random or all, got '{b}'";
        int n = r.GetValue(budget);
        if (n <= 0) return $"--budget: expected a positive number of cases, got {n}";
        double s = r.GetValue(shrink);
        if (!(s >= 0)) return $"--shrink-seconds: expected a non-negative number of seconds, got {s}";
        if (s > MaxShrinkSeconds) return $"--shrink-seconds: {s} is too large (at most {MaxShrinkSeconds})";
        string? sd = r.GetValue(seed);
        if (sd is not null)
        {
            try { PCG.Parse(sd); }
            catch (Exception e) when (e is CsCheckException or FormatException or ArgumentException or IndexOutOfRangeException or OverflowException)
            { return $"--seed: '{sd}' is not a CsCheck seed (as printed by a random check)"; }
        }
        if (b == "exhaustive" && (sd is not null || Given(r, budget) || Given(r, shrink)))
            return "--seed, --budget and --shrink-seconds configure the random backend, which --backend exhaustive does not run";
        var m = MutantId.None;
        if (r.GetValue(mutant) is { } mn)
        {
            if (!MutantCatalog.TryParse(mn, out var mut)) return $"--mutant: unknown mutant '{mn}' (see `vmxlayers mutants --list`)";
            m = mut.Id;
        }
        int t = r.GetValue(threads);
        if (t < 0) return $"--threads: expected a non-negative number, got {t}";
        if (t > MaxThreads) return $"--threads: {t} is too large (at most {MaxThreads})";
        bool skipProofs = r.GetValue(noProve);
        if (skipProofs && Given(r, solver)) return "--solver chooses the solver of the proofs, which --no-prove skips";
        string? sv = skipProofs ? null : r.GetValue(solver)!;
        if (sv is not null && !SolverFactory.Names.Contains(sv)) return $"--solver: unknown solver '{sv}' (expected one of: {string.Join(", ", SolverFactory.Names)})";
        if (sv is not null && !SolverFactory.IsAvailable(sv, out var why)) return $"--solver {sv}: not available: {why} (or pass --no-prove)";
        if (CounterexampleFile.Check(r.GetValue(save)) is { } bad) return bad;
        var random = new RandomOptions(n, sd ?? RandomBackend.NewMasterSeed(), s, t, Interrupts.Token);
        plan = new Plan(prims, b != "random", b != "exhaustive", random, m, t, sv, r.GetValue(save), r.GetValue(json));
        return null;
    }

    /// <summary>Given on the command line (an option's default does not count).</summary>
    static bool Given(ParseResult r, Option o) => r.GetResult(o) is { Implicit: false };

    static void PrintText(Outcome o, Plan plan, string? saved)
    {
        var console = AnsiConsole.Console;
        var (reports, lemmas) = (o.Reports, o.Lemmas);
        if (plan.Mutant != MutantId.None) console.MarkupLine($"mutant: [bold]{MutantCatalog.NameOf(plan.Mutant)}[/] — {Markup.Escape(MutantCatalog.Get(plan.Mutant).Description)}");
        console.Write(plan.Solver is null ? Tables.Reports(reports) : Tables.Reports(reports, lemmas));
        foreach (var r in reports.DistinctBy(x => (x.Prim, x.Backend)).Where(x => x.Backend == Backend.Exhaustive).Take(plan.Prims.Length == 1 ? 1 : 0))
            console.WriteLine($"exhaustive scope of {r.Prim}: {r.Scope}");
        if (plan.Random && reports.Any(x => x.Backend == Backend.Random))
            console.WriteLine($"random cases drawn from master seed {plan.RandomOptions.Seed} (--seed {plan.RandomOptions.Seed} draws the same cases on any number of threads)");
        foreach (var r in reports.Where(x => x.Counterexample is not null)) CounterexamplePrinter.Print(console, r.Counterexample!);
        foreach (var l in lemmas.Where(x => x.Verdict != Verdict.Proved)) PrintLemma(console, l);
        if (saved is not null) console.WriteLine($"first counterexample saved as a scenario: {saved} (vmxlayers replay {saved})");
        long cases = reports.Sum(x => x.Cases);
        string proved = plan.Solver is null ? "" : $", {lemmas.Count(x => x.Verdict == Verdict.Proved)}/{lemmas.Count} lemmas proved ({plan.Solver})";
        int failed = reports.Count(x => !x.Passed), refuted = lemmas.Count(x => x.Verdict == Verdict.Refuted), unknown = lemmas.Count(x => x.Verdict == Verdict.Unknown);
        console.MarkupLine(ExitCode(o) switch
        {
            ExitCodes.Ok => $"[green]verdict: PASS[/] — {cases} cases, no counterexample{proved}",
            ExitCodes.Failed => $"[red]verdict: FAIL[/] — {failed} backend run(s) found a counterexample, {refuted} lemma(s) REFUTED",
            ExitCodes.Interrupted => $"[yellow]verdict: INTERRUPTED[/] (Ctrl-C) — finished: {reports.Count} backend run(s) ({failed} with a counterexample), " +
                $"{lemmas.Count} lemma(s) ({refuted} REFUTED); the rest has no verdict",
            _ => $"[yellow]verdict: INCONCLUSIVE[/] — no counterexample in {cases} cases, but {unknown} lemma(s) UNKNOWN",
        });
    }

    /// <summary>A lemma that was not proved: its refuted obligations (with the model's values) or why the solver gave up.</summary>
    static void PrintLemma(IAnsiConsole console, LemmaResult l)
    {
        foreach (var ob in l.Obligations.Where(x => x.Verdict == Verdict.Refuted))
            console.WriteLine($"proof REFUTED: {ob.Message}");
        foreach (var ob in l.Obligations.Where(x => x.Verdict == Verdict.Unknown))
            console.WriteLine($"proof UNKNOWN: {l.Prim}: {ob.Why}: {ob.ReasonUnknown}");
        if (l.CounterexampleCheck is not null) console.WriteLine($"  prover's counterexample: {l.CounterexampleCheck}");
    }

    static void PrintJson(Outcome o, Plan plan, string? saved, int code)
    {
        var lemmas = o.Lemmas.Select(x => (JsonNode)JsonReport.Lemma(x, plan.Solver!)).ToList();
        if (plan.Solver is not null && o.Interrupted)
            lemmas.AddRange(plan.Prims.Skip(o.Lemmas.Count).Select(p => (JsonNode)JsonReport.Unfinished(p, plan.Solver, started: true)));
        var doc = new JsonObject
        {
            ["tool"] = ToolInfo.Json(),
            ["command"] = Name,
            ["mutant"] = plan.Mutant == MutantId.None ? null : MutantCatalog.NameOf(plan.Mutant),
            ["seed"] = plan.Random ? plan.RandomOptions.Seed : null,
            ["passed"] = !o.Interrupted && o.Reports.All(x => x.Passed),
            ["proved"] = plan.Solver is null ? null : !o.Interrupted && o.Lemmas.All(x => x.Verdict == Verdict.Proved),
            ["interrupted"] = o.Interrupted,
            ["exitCode"] = code,
            ["results"] = new JsonArray([.. o.Reports.Select(x => (JsonNode)JsonReport.Report(x))]),
            ["proofs"] = plan.Solver is null ? null : new JsonArray([.. lemmas]),
            ["savedCounterexample"] = saved,
        };
        Console.WriteLine(JsonReport.Text(doc));
    }
}
