using System.CommandLine;
using System.Text.Json.Nodes;
using CsCheck;
using Spectre.Console;
using VmxLayers.Checking;
using VmxLayers.Cli.Output;
using VmxLayers.Mutants;
using VmxLayers.Refinement;
using VmxLayers.Scenarios;
using VmxLayers.Spec;

namespace VmxLayers.Cli.Commands;

/// <summary>`vmxlayers check`: the simulation statement of every primitive, by the exhaustive and random backends.</summary>
public static class CheckCommand
{
    static readonly Option<string?> primitive = new("--primitive") { Description = "Check only this primitive: " + string.Join(", ", PrimInfo.All) + ".", HelpName = "P" };
    static readonly Option<string> backend = new("--backend") { Description = "Which concrete backends run: exhaustive, random or all (default all).", DefaultValueFactory = _ => "all", HelpName = "B" };
    static readonly Option<string?> seed = new("--seed") { Description = "CsCheck seed for the random backend: its case is drawn first, so a printed counterexample seed reproduces it.", HelpName = "S" };
    static readonly Option<int> budget = new("--budget") { Description = "Random cases per primitive (after a failure the rest shrink it). Default 3000.", DefaultValueFactory = _ => 3000, HelpName = "N" };
    static readonly Option<double> shrink = new("--shrink-seconds") { Description = "Extra time the shrinker gets once the random backend finds a counterexample. Default 1.", DefaultValueFactory = _ => 1.0, HelpName = "SECONDS" };
    static readonly Option<int> threads = new("--threads") { Description = "Worker threads (default: one per core).", HelpName = "N" };
    static readonly Option<bool> json = new("--json") { Description = "Print one JSON document (per primitive and backend: cases, hypothesis held, high succeeded, verdict, time, scope, counterexample)." };
    static readonly Option<string?> mutant = new("--mutant") { Description = "Run under a compiled-in mutant (see `mutants --list`); the check should then fail.", HelpName = "NAME" };
    static readonly Option<string?> save = new("--save-counterexample") { Description = "Write the first counterexample as a replayable scenario (SPEC §6; run it with `replay FILE`).", HelpName = "FILE" };

    public static Command Create()
    {
        var command = new Command("check",
            "Check the simulation statement (SPEC §4) of the six primitives with the exhaustive backend (a declared small scope) and " +
            "the random backend (CsCheck, related-pair generators, shrinking). Exit 0 iff no counterexample, 1 on a counterexample, 2 on bad input.")
        {
            primitive, backend, seed, budget, shrink, threads, json, mutant, save,
        };
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction(Run);
        return command;
    }

    /// <summary>Validated options.</summary>
    sealed record Plan(Prim[] Prims, bool Exhaustive, bool Random, RandomOptions RandomOptions, MutantId Mutant, int Threads);

    static int Run(ParseResult r)
    {
        if (r.Errors.Count > 0) return Errors.Bad($"check: {r.Errors[0].Message}");
        if (r.UnmatchedTokens.Count > 0) return Errors.Bad($"check: unknown argument '{r.UnmatchedTokens[0]}' (see check --help)");
        if (Validate(r, out var plan) is { } bad) return Errors.Bad(bad);
        var reports = new List<BackendReport>();
        bool asJson = r.GetValue(json);
        foreach (var p in plan.Prims)
        {
            if (plan.Exhaustive) reports.Add(ExhaustiveBackend.Run(p, plan.Mutant, plan.Threads));
            if (plan.Random) reports.Add(RandomBackend.Run(p, plan.RandomOptions, plan.Mutant));
        }
        var first = reports.Select(x => x.Counterexample).FirstOrDefault(x => x is not null);
        string? saved = null;
        if (first is not null && r.GetValue(save) is { } file)
        {
            if (SaveScenario(first, file, out saved) is { } error) return Errors.Bad(error);
        }
        if (asJson) PrintJson(reports, plan, saved);
        else PrintText(reports, plan, saved);
        return first is null ? 0 : 1;
    }

    static string? Validate(ParseResult r, out Plan plan)
    {
        plan = null!;
        Prim[] prims = PrimInfo.All;
        if (r.GetValue(primitive) is { } name)
        {
            if (!PrimInfo.TryParse(name, out var p)) return $"check: --primitive: unknown primitive '{name}' (known: {string.Join(", ", PrimInfo.All)})";
            prims = [p];
        }
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
        var m = MutantId.None;
        if (r.GetValue(mutant) is { } mn)
        {
            if (!MutantCatalog.TryParse(mn, out var mut)) return $"check: --mutant: unknown mutant '{mn}' (see mutants --list)";
            m = mut.Id;
        }
        int t = r.GetValue(threads);
        if (t < 0) return $"check: --threads: expected a non-negative number, got {t}";
        plan = new Plan(prims, b != "random", b != "exhaustive", new RandomOptions(n, sd, s, t), m, t);
        return null;
    }

    /// <summary>Writes the counterexample's case as a scenario; null on success, else the error line.</summary>
    static string? SaveScenario(Counterexample cx, string file, out string? saved)
    {
        saved = null;
        try
        {
            File.WriteAllText(file, ScenarioWriter.FromCase(cx.Case) + Environment.NewLine);
            saved = file;
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return $"check: --save-counterexample: {file}: {e.Message}";
        }
    }

    static void PrintText(List<BackendReport> reports, Plan plan, string? saved)
    {
        var console = AnsiConsole.Console;
        if (plan.Mutant != MutantId.None) console.MarkupLine($"mutant: [bold]{MutantCatalog.NameOf(plan.Mutant)}[/] — {Markup.Escape(MutantCatalog.Get(plan.Mutant).Description)}");
        console.Write(Tables.Reports(reports));
        foreach (var r in reports.DistinctBy(x => (x.Prim, x.Backend)).Where(x => x.Backend == Backend.Exhaustive).Take(plan.Prims.Length == 1 ? 1 : 0))
            console.WriteLine($"exhaustive scope of {r.Prim}: {r.Scope}");
        foreach (var r in reports.Where(x => x.Counterexample is not null)) CounterexamplePrinter.Print(console, r.Counterexample!);
        if (saved is not null) console.WriteLine($"first counterexample saved as a scenario: {saved} (vmxlayers replay {saved})");
        bool pass = reports.All(x => x.Passed);
        long cases = reports.Sum(x => x.Cases);
        console.MarkupLine(pass
            ? $"[green]verdict: PASS[/] — {cases} cases, no counterexample"
            : $"[red]verdict: FAIL[/] — {reports.Count(x => !x.Passed)} backend run(s) found a counterexample");
    }

    static void PrintJson(List<BackendReport> reports, Plan plan, string? saved)
    {
        var doc = new JsonObject
        {
            ["mutant"] = plan.Mutant == MutantId.None ? null : MutantCatalog.NameOf(plan.Mutant),
            ["passed"] = reports.All(x => x.Passed),
            ["results"] = new JsonArray([.. reports.Select(x => (JsonNode)JsonReport.Report(x))]),
            ["savedCounterexample"] = saved,
        };
        Console.WriteLine(doc.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
    }
}
