using System.CommandLine;
using System.Diagnostics;
using System.Text.Json.Nodes;
using Spectre.Console;
using VmxLayers.Cli.Output;
using VmxLayers.Mutants;
using VmxLayers.Smt.Solvers;

namespace VmxLayers.Cli.Commands;

/// <summary>`vmxlayers mutants`: the compiled-in mutants (--list) and the kill matrix of the checkers (--backend).</summary>
public static class MutantsCommand
{
    static readonly Option<bool> list = new("--list") { Description = "List every mutant: name, target, primitive, description, equivalent or not (with the argument)." };
    static readonly Option<string?> backend = new("--backend") { Description = "Run the kill matrix with prove, exhaustive, random, simulate or all of them.", HelpName = "B" };
    static readonly Option<int> budget = new("--budget") { Description = "Random cases per primitive per mutant. Default 1500.", DefaultValueFactory = _ => 1500, HelpName = "N" };
    static readonly Option<string> solver = new("--solver") { Description = "SMT solver of the prove column: libz3 (default), z3 or cvc5.", DefaultValueFactory = _ => "libz3", HelpName = "SOLVER" };
    static readonly Option<long> rlimit = new("--rlimit") { Description = $"Z3 resource budget per obligation of the prove column (as `prove --rlimit`). Default {VmxLayers.Smt.ProveOptions.DefaultRlimit}.", DefaultValueFactory = _ => VmxLayers.Smt.ProveOptions.DefaultRlimit, HelpName = "N" };
    static readonly Option<int> cpus = new("--cpus") { Description = "CPUs of the simulate column's co-simulation (default guests). Default 2.", DefaultValueFactory = _ => 2, HelpName = "N" };
    static readonly Option<bool> json = new("--json") { Description = "Print one JSON document instead of the tables." };

    static readonly string[] Backends = ["prove", "exhaustive", "random", "simulate", "all"];

    public static Command Create()
    {
        var command = new Command("mutants", "The compiled-in wrong variants of the specs and the relation, and which checker kills each: " +
            "exit 0; 1 if a non-equivalent mutant survives every checker run (or an 'equivalent' one is killed); 2 bad input.")
        {
            list, backend, budget, solver, rlimit, cpus, json,
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
        if (b is not null && !Backends.Contains(b)) return Errors.Bad($"mutants: --backend: expected {string.Join(", ", Backends)}, got '{b}'");
        if (r.GetValue(budget) <= 0) return Errors.Bad($"mutants: --budget: expected a positive number, got {r.GetValue(budget)}");
        if (r.GetValue(rlimit) < 0) return Errors.Bad($"mutants: --rlimit: expected a non-negative number, got {r.GetValue(rlimit)}");
        if (r.GetValue(cpus) is < 1 or > 1024) return Errors.Bad($"mutants: --cpus: expected 1..1024, got {r.GetValue(cpus)}");
        if (b is null)
        {
            if (r.GetValue(json)) Console.WriteLine(ListJson().ToJsonString(new() { WriteIndented = true }));
            else AnsiConsole.Write(ListTable());
            return 0;
        }
        KillBackend[] selected = b == "all" ? Enum.GetValues<KillBackend>() : [Enum.Parse<KillBackend>(b, ignoreCase: true)];
        string svName = r.GetValue(solver)!;
        if (!SolverFactory.TryParse(svName, out var sv)) return Errors.Bad($"mutants: --solver: unknown solver '{svName}' (expected one of: {string.Join(", ", SolverFactory.Names)})");
        if (selected.Contains(KillBackend.Prove) && Selection.Solver("mutants", svName, out _) is { } badSolver) return Errors.Bad(badSolver);
        var options = new KillOptions(selected, r.GetValue(budget), sv, r.GetValue(cpus), Rlimit: r.GetValue(rlimit));
        var sw = Stopwatch.StartNew();
        bool asJson = r.GetValue(json);
        var rows = KillMatrix.Run(options, asJson ? null : row => Console.Error.Write($"{row.Mutant.Name} "));
        if (!asJson) Console.Error.WriteLine();
        if (asJson) Console.WriteLine(MatrixJson(rows, options, sw.Elapsed).ToJsonString(new() { WriteIndented = true }));
        else MatrixText.Print(rows, options, sw.Elapsed);
        return rows.Any(Wrong) ? 1 : 0;
    }

    /// <summary>A non-equivalent mutant nothing kills, or an "equivalent" one a backend kills: the catalog or a checker is wrong.</summary>
    static bool Wrong(KillRow x) =>
        x.Mutant.Equivalent is null ? !x.KilledSomewhere : x.Cells.Any(c => c.Killed);

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

    static JsonObject MatrixJson(IReadOnlyList<KillRow> rows, KillOptions o, TimeSpan elapsed)
    {
        var rates = new JsonObject();
        foreach (var b in o.Backends) rates[Name(b)] = MatrixText.Rate(rows, b);
        return new JsonObject
        {
            ["backends"] = new JsonArray([.. o.Backends.Select(b => (JsonNode)Name(b)!)]),
            ["randomBudget"] = o.RandomBudget, ["solver"] = SolverFactory.NameOf(o.Solver), ["rlimit"] = o.Rlimit, ["simulateCpus"] = o.SimulateCpus,
            ["elapsedMs"] = Math.Round(elapsed.TotalMilliseconds),
            ["killRates"] = rates,
            ["mutants"] = new JsonArray([.. rows.Select(x => (JsonNode)Row(x))]),
        };
    }

    static JsonObject Row(KillRow x)
    {
        var cells = new JsonObject();
        foreach (var c in x.Cells)
            cells[Name(c.Backend)] = new JsonObject { ["killed"] = c.Killed, ["timeMs"] = Math.Round(c.Time.TotalMilliseconds, 1), ["where"] = c.Where };
        return new JsonObject
        {
            ["name"] = x.Mutant.Name, ["target"] = Target(x.Mutant), ["description"] = x.Mutant.Description,
            ["equivalent"] = x.Mutant.Equivalent is not null, ["backends"] = cells,
            ["relationTest"] = x.RelationTest?.Test,
            ["timeToFirstKillMs"] = x.FirstKill is { } f ? Math.Round(f.Time.TotalMilliseconds, 1) : null,
            ["firstKillBy"] = x.FirstKill is { } g ? Name(g.Backend) : null,
        };
    }

    internal static string Name(KillBackend b) => b.ToString().ToLowerInvariant();
}
