using System.CommandLine;
using System.Diagnostics;
using System.Text.Json.Nodes;
using Spectre.Console;
using VmxLayers.Checking;
using VmxLayers.Cli.Output;
using VmxLayers.Mutants;
using VmxLayers.Refinement;

namespace VmxLayers.Cli.Commands;

/// <summary>`vmxlayers mutants`: the compiled-in mutants (--list) and which concrete backend kills each (--backend).</summary>
public static class MutantsCommand
{
    static readonly Option<bool> list = new("--list") { Description = "List every mutant: name, target, primitive, description, equivalent or not (with the argument)." };
    static readonly Option<string?> backend = new("--backend") { Description = "Run the kill matrix with exhaustive, random or all concrete backends (prove/simulate columns are added by their own tasks).", HelpName = "B" };
    static readonly Option<int> budget = new("--budget") { Description = "Random cases per primitive per mutant. Default 1500.", DefaultValueFactory = _ => 1500, HelpName = "N" };
    static readonly Option<bool> json = new("--json") { Description = "Print one JSON document instead of a table." };

    public static Command Create()
    {
        var command = new Command("mutants", "The compiled-in wrong variants of the specs and the relation, and which checker kills them (exit 0; 1 if a non-equivalent mutant survives every backend run; 2 bad input).")
        {
            list, backend, budget, json,
        };
        command.TreatUnmatchedTokensAsErrors = false;
        command.SetAction(Run);
        return command;
    }

    static int Run(ParseResult r)
    {
        if (r.Errors.Count > 0) return Errors.Bad($"mutants: {r.Errors[0].Message}");
        if (r.UnmatchedTokens.Count > 0) return Errors.Bad($"mutants: unknown argument '{r.UnmatchedTokens[0]}' (see mutants --help)");
        string? b = r.GetValue(backend);
        if (b is not (null or "exhaustive" or "random" or "all")) return Errors.Bad($"mutants: --backend: expected exhaustive, random or all, got '{b}'");
        if (r.GetValue(budget) <= 0) return Errors.Bad($"mutants: --budget: expected a positive number, got {r.GetValue(budget)}");
        if (b is null)
        {
            if (r.GetValue(json)) Console.WriteLine(ListJson().ToJsonString(new() { WriteIndented = true }));
            else AnsiConsole.Write(ListTable());
            return 0;
        }
        var rows = MutantCatalog.All.Select(m => Kill(m, b != "random", b != "exhaustive", r.GetValue(budget))).ToList();
        if (r.GetValue(json)) Console.WriteLine(MatrixJson(rows).ToJsonString(new() { WriteIndented = true }));
        else PrintMatrix(rows, b);
        return rows.Any(x => x.Mutant.Equivalent is null && x.Exhaustive != true && x.Random != true) ? 1 : 0;
    }

    static string Target(Mutant m) => m.Target switch { MutantTarget.LowSpec => "low spec", MutantTarget.HighSpec => "high spec", _ => "relation" };

    static Table ListTable()
    {
        var t = new Table().Border(TableBorder.Rounded).AddColumns("mutant", "target", "primitive", "description", "equivalent");
        foreach (var m in MutantCatalog.All)
            t.AddRow(m.Name, Target(m), m.Primitive?.ToString() ?? "all", Markup.Escape(m.Description),
                m.Equivalent is { } why ? Markup.Escape("yes: " + why) : "no");
        return t;
    }

    static JsonObject ListJson() => new()
    {
        ["mutants"] = new JsonArray([.. MutantCatalog.All.Select(m => (JsonNode)new JsonObject
        {
            ["name"] = m.Name, ["target"] = Target(m), ["primitive"] = m.Primitive?.ToString(),
            ["description"] = m.Description, ["equivalent"] = m.Equivalent is not null, ["argument"] = m.Equivalent,
        })]),
    };

    /// <summary>One row of the kill matrix: killed by each backend (null = not run), time to the first kill.</summary>
    sealed record KillRow(Mutant Mutant, bool? Exhaustive, bool? Random, TimeSpan? FirstKill, Prim? KilledAt, string? Clause);

    static KillRow Kill(Mutant m, bool exhaustive, bool random, int budget)
    {
        var prims = m.Primitive is { } p ? [p] : PrimInfo.All;
        bool? ex = exhaustive ? false : null, rn = random ? false : null;
        TimeSpan? first = null;
        Prim? at = null;
        string? clause = null;
        var sw = Stopwatch.StartNew();
        foreach (var prim in prims)
        {
            // Each backend stops at its first counterexample; it only has to kill on one primitive.
            if (ex == false && ExhaustiveBackend.Run(prim, m.Id) is { Passed: false } e) { ex = true; Note(e); }
            if (rn == false && RandomBackend.Run(prim, new RandomOptions(budget, ShrinkSeconds: 0), m.Id) is { Passed: false } q) { rn = true; Note(q); }
            if (ex != false && rn != false) break;
        }
        return new KillRow(m, ex, rn, first, at, clause);

        void Note(BackendReport report)
        {
            first ??= sw.Elapsed;
            at ??= report.Prim;
            clause ??= string.Join("; ", report.Counterexample!.Clauses);
        }
    }

    static string Cell(bool? killed) => killed switch { null => "-", true => "[green]killed[/]", false => "survived" };

    static void PrintMatrix(List<KillRow> rows, string b)
    {
        var t = new Table().Border(TableBorder.Rounded).AddColumns("mutant", "description", "equivalent", "exhaustive", "random", "time to first kill", "first kill");
        foreach (var x in rows)
            t.AddRow(x.Mutant.Name, Markup.Escape(x.Mutant.Description), x.Mutant.Equivalent is null ? "no" : "yes",
                Cell(x.Exhaustive), Cell(x.Random), x.FirstKill is { } f ? $"{f.TotalSeconds:F2} s" : "-",
                x.KilledAt is { } at ? Markup.Escape($"{at}: {x.Clause}") : "-");
        AnsiConsole.Write(t);
        var live = rows.Where(x => x.Mutant.Equivalent is null).ToList();
        if (b != "random") AnsiConsole.WriteLine($"exhaustive kill rate: {live.Count(x => x.Exhaustive == true)}/{live.Count} non-equivalent mutants");
        if (b != "exhaustive") AnsiConsole.WriteLine($"random kill rate: {live.Count(x => x.Random == true)}/{live.Count} non-equivalent mutants");
        var eq = rows.Where(x => x.Mutant.Equivalent is not null).ToList();
        AnsiConsole.WriteLine($"equivalent mutants killed (should be 0): {eq.Count(x => x.Exhaustive == true || x.Random == true)}/{eq.Count}");
    }

    static JsonObject MatrixJson(List<KillRow> rows) => new()
    {
        ["mutants"] = new JsonArray([.. rows.Select(x => (JsonNode)new JsonObject
        {
            ["name"] = x.Mutant.Name, ["equivalent"] = x.Mutant.Equivalent is not null,
            ["exhaustive"] = x.Exhaustive, ["random"] = x.Random,
            ["timeToFirstKillMs"] = x.FirstKill is { } f ? Math.Round(f.TotalMilliseconds, 1) : null,
            ["firstKill"] = x.KilledAt is { } at ? $"{at}: {x.Clause}" : null,
        })]),
    };
}
