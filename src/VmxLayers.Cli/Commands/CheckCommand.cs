using System.CommandLine;
using System.Text.Json.Nodes;
using CsCheck;
using Spectre.Console;
using VmxLayers.Cases;
using VmxLayers.Checking;
using VmxLayers.Cli.Output;
using VmxLayers.Layers;
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
    static readonly Option<string?> primitive = new("--primitive") { Description = "Check only this primitive: " + string.Join(", ", VmxLayerPair.Refinement.Names) + ".", HelpName = "P" };
    static readonly Option<string> backend = new("--backend") { Description = "Which concrete backends run: exhaustive, random or all (default all).", DefaultValueFactory = _ => "all", HelpName = "B" };
    static readonly Option<string?> seed = new("--seed") { Description = "CsCheck seed for the random backend: its case is drawn first, so a printed counterexample seed reproduces it.", HelpName = "S" };
    static readonly Option<int> budget = new("--budget") { Description = "Random cases per primitive (after a failure the rest shrink it). Default 3000.", DefaultValueFactory = _ => 3000, HelpName = "N" };
    static readonly Option<double> shrink = new("--shrink-seconds") { Description = "Extra time the shrinker gets once the random backend finds a counterexample. Default 1.", DefaultValueFactory = _ => 1.0, HelpName = "SECONDS" };
    static readonly Option<int> threads = new("--threads") { Description = "Worker threads (default: one per core).", HelpName = "N" };
    static readonly Option<bool> json = new("--json") { Description = "Print one JSON document (per primitive and backend: cases, hypothesis held, high succeeded, verdict, time, scope, counterexample)." };
    static readonly Option<string?> mutant = new("--mutant") { Description = "Run under a compiled-in mutant (see `mutants --list`); the check should then fail.", HelpName = "NAME" };
    static readonly Option<string> solver = new("--solver") { Description = "SMT solver of the proofs: libz3 (in-process, default), z3 or cvc5 (executables on PATH).", DefaultValueFactory = _ => "libz3", HelpName = "SOLVER" };
    static readonly Option<bool> noProve = new("--no-prove") { Description = "Skip the SMT proofs (only the concrete backends run; no proof column)." };
    static readonly Option<string?> save = new("--save-counterexample") { Description = "Write the first counterexample as a replayable scenario (SPEC §6; run it with `replay FILE`).", HelpName = "FILE" };

    public static Command Create()
    {
        var command = new Command("check",
            "Check the simulation statement (SPEC §4) of the six primitives with the exhaustive backend (a declared small scope), " +
            "the random backend (CsCheck, related-pair generators, shrinking) and, unless --no-prove, an SMT proof for all inputs (run alongside). " +
            "Exit 0 iff no counterexample and every lemma PROVED, 1 on a counterexample or a REFUTED lemma, 3 if a lemma is UNKNOWN and nothing failed, 2 on bad input.")
        {
            primitive, backend, seed, budget, shrink, threads, json, mutant, solver, noProve, save,
        };
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction(Run);
        return command;
    }

    /// <summary>Validated options.</summary>
    sealed record Plan(RefinementDef Refinement, PrimitiveDef[] Prims, bool Exhaustive, bool Random, RandomOptions RandomOptions, Mutant? Mutant, int Threads, SolverKind? Solver);

    static int Run(ParseResult r)
    {
        if (r.Errors.Count > 0) return Errors.Bad($"check: {r.Errors[0].Message}");
        if (r.UnmatchedTokens.Count > 0) return Errors.Bad($"check: unknown argument '{r.UnmatchedTokens[0]}' (see check --help)");
        if (Validate(r, out var plan) is { } bad) return Errors.Bad(bad);
        var reports = new List<BackendReport>();
        bool asJson = r.GetValue(json);
        // The proofs run alongside the concrete backends: the solver waits on memory as often as on the CPU.
        var proofs = plan.Solver is { } sv
            ? Task.Run(() => plan.Prims.Select(p => Prover.Prove(plan.Refinement.Statement(p), new ProveOptions(sv), plan.Refinement.Name)).ToList())
            : Task.FromResult(new List<LemmaResult>());
        foreach (var p in plan.Prims)
        {
            if (plan.Exhaustive) reports.Add(ExhaustiveBackend.Run(plan.Refinement, p, plan.Threads));
            if (plan.Random) reports.Add(RandomBackend.Run(plan.Refinement, p, plan.RandomOptions));
        }
        var lemmas = proofs.GetAwaiter().GetResult();
        var first = reports.Select(x => x.Counterexample).FirstOrDefault(x => x is not null);
        string? saved = null;
        if (first is not null && r.GetValue(save) is { } file)
        {
            if (SaveScenario(first, file, plan.Mutant?.Name, out saved) is { } error) return Errors.Bad(error);
        }
        if (asJson) PrintJson(reports, lemmas, plan, saved);
        else PrintText(reports, lemmas, plan, saved);
        return ExitCode(reports.Any(x => !x.Passed), lemmas);
    }

    /// <summary>1 on a counterexample, a vacuous check, or a refuted or vacuous lemma; else 3 if a lemma is unknown; else 0.</summary>
    static int ExitCode(bool failed, List<LemmaResult> lemmas) =>
        failed || lemmas.Any(l => l.Verdict is Verdict.Refuted or Verdict.Vacuous) ? 1
        : lemmas.Any(l => l.Verdict == Verdict.Unknown) ? 3 : 0;

    static string? Validate(ParseResult r, out Plan plan)
    {
        plan = null!;
        if (Selection.Refinement("check", r.GetValue(mutant), out var refinement, out var m) is { } badMutant) return badMutant;
        if (Selection.Primitives("check", refinement, r.GetValue(primitive), out var prims) is { } badPrim) return badPrim;
        string b = r.GetValue(backend)!;
        if (b is not ("all" or "exhaustive" or "random")) return $"check: --backend: expected exhaustive, random or all, got '{b}'";
        int n = r.GetValue(budget);
        if (n <= 0) return $"check: --budget: expected a positive number of cases, got {n}";
        double s = r.GetValue(shrink);
        if (s < 0) return $"check: --shrink-seconds: expected a non-negative number, got {s}";
        string? sd = r.GetValue(seed);
        if (sd is not null)
        {
            try { PCG.Parse(sd); }
            catch (Exception e) when (e is CsCheckException or FormatException or ArgumentException or IndexOutOfRangeException or OverflowException)
            { return $"check: --seed: '{sd}' is not a CsCheck seed (as printed by a failing random check)"; }
        }
        int t = r.GetValue(threads);
        if (t < 0) return $"check: --threads: expected a non-negative number, got {t}";
        SolverKind? sv = null;
        if (!r.GetValue(noProve))
        {
            if (Selection.Solver("check", r.GetValue(solver)!, out var kind) is { } badSolver) return badSolver + " (or pass --no-prove)";
            sv = kind;
        }
        plan = new Plan(refinement, prims, b != "random", b != "exhaustive", new RandomOptions(n, sd, s, t), m, t, sv);
        return null;
    }

    /// <summary>Writes the counterexample's case as a scenario; null on success, else the error line.</summary>
    static string? SaveScenario(Counterexample cx, string file, string? mutantName, out string? saved)
    {
        saved = null;
        try
        {
            File.WriteAllText(file, ScenarioWriter.FromCase(cx.Case, mutant: mutantName) + Environment.NewLine);
            saved = file;
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return $"check: --save-counterexample: {file}: {e.Message}";
        }
    }

    static void PrintText(List<BackendReport> reports, List<LemmaResult> lemmas, Plan plan, string? saved)
    {
        var console = AnsiConsole.Console;
        if (plan.Mutant is { } m) console.MarkupLine($"mutant: [bold]{m.Name}[/] — {Markup.Escape(m.Description)}");
        console.Write(plan.Solver is null ? Tables.Reports(reports) : Tables.Reports(reports, lemmas));
        foreach (var r in reports.DistinctBy(x => (x.Prim, x.Backend)).Where(x => x.Backend == Backend.Exhaustive).Take(plan.Prims.Length == 1 ? 1 : 0))
            console.WriteLine($"exhaustive scope of {r.Prim}: {r.Scope}");
        foreach (var r in reports.Where(x => x.Counterexample is not null)) CounterexamplePrinter.Print(console, r.Counterexample!, plan.Mutant?.Name);
        if (saved is not null) console.WriteLine($"first counterexample saved as a scenario: {saved} (vmxlayers replay {saved})");
        foreach (var l in lemmas.Where(x => x.Verdict != Verdict.Proved)) PrintLemma(console, l);
        long cases = reports.Sum(x => x.Cases);
        string proved = plan.Solver is not { } sv ? "" : $", {lemmas.Count(x => x.Verdict == Verdict.Proved)}/{lemmas.Count} lemmas proved ({SolverFactory.NameOf(sv)})";
        int failed = reports.Count(x => x.Verdict == CheckVerdict.Counterexample), vacuous = reports.Count(x => x.Verdict == CheckVerdict.Vacuous);
        int refuted = lemmas.Count(x => x.Verdict == Verdict.Refuted), vacuousLemmas = lemmas.Count(x => x.Verdict == Verdict.Vacuous), unknown = lemmas.Count(x => x.Verdict == Verdict.Unknown);
        console.MarkupLine(ExitCode(failed + vacuous > 0, lemmas) switch
        {
            0 => $"[green]verdict: PASS[/] — {cases} cases, no counterexample{proved}",
            1 => $"[red]verdict: FAIL[/] — {failed} backend run(s) found a counterexample, {vacuous} VACUOUS (the high spec never succeeded), {refuted} lemma(s) REFUTED, {vacuousLemmas} VACUOUS",
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
        if (l.Verdict == Verdict.Vacuous) console.WriteLine($"proof VACUOUS: {l.Prim}: no related state lets the high step succeed (the premises are unsatisfiable)");
        if (l.Vacuity.Result == SatResult.Unknown) console.WriteLine($"proof UNKNOWN: {l.Prim}: whether the premises are satisfiable: {l.Vacuity.Reason}");
        if (l.Replay is not null) console.WriteLine($"  prover's counterexample: {l.Replay}");
    }

    static void PrintJson(List<BackendReport> reports, List<LemmaResult> lemmas, Plan plan, string? saved)
    {
        var doc = new JsonObject
        {
            ["mutant"] = plan.Mutant?.Name,
            ["passed"] = reports.All(x => x.Passed),
            ["proved"] = plan.Solver is null ? null : lemmas.All(x => x.Verdict == Verdict.Proved),
            ["exitCode"] = ExitCode(reports.Any(x => !x.Passed), lemmas),
            ["results"] = new JsonArray([.. reports.Select(x => (JsonNode)JsonReport.Report(x))]),
            ["proofs"] = plan.Solver is not { } sv ? null : new JsonArray([.. lemmas.Select(x => (JsonNode)JsonReport.Lemma(x, SolverFactory.NameOf(sv)))]),
            ["savedCounterexample"] = saved,
        };
        Console.WriteLine(doc.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
    }
}
