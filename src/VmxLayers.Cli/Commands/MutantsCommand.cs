using System.CommandLine;
using System.Diagnostics;
using System.Text.Json.Nodes;
using Spectre.Console;
using VmxLayers.Cli.Output;
using VmxLayers.Code;
using VmxLayers.Mutants;
using VmxLayers.Smt.Solvers;

namespace VmxLayers.Cli.Commands;

/// <summary>`vmxlayers mutants`: the compiled-in mutants (--list) and the kill matrix of the checkers (--backend).</summary>
public static class MutantsCommand
{
    static readonly Option<bool> list = new("--list") { Description = "List every mutant: name, target, primitive, description, equivalent or not (with the argument)." };
    static readonly Option<string?> backend = new("--backend") { Description = "Run the kill matrix with prove, exhaustive, random, simulate or all of them.", HelpName = "B" };
    static readonly Option<int> budget = new("--budget") { Description = "Random cases per primitive per mutant (random backend). Default 1500.", DefaultValueFactory = _ => 1500, HelpName = "N" };
    static readonly Option<string> solver = new("--solver") { Description = "SMT solver of the prove backend: libz3 (default), z3 or cvc5.", DefaultValueFactory = _ => "libz3", HelpName = "SOLVER" };
    static readonly Option<long> rlimit = new("--rlimit") { Description = $"Z3 resource budget per obligation of the prove column (as `prove --rlimit`). Default {VmxLayers.Smt.ProveOptions.DefaultRlimit}.", DefaultValueFactory = _ => VmxLayers.Smt.ProveOptions.DefaultRlimit, HelpName = "N" };
    static readonly Option<int> cpus = new("--cpus") { Description = "CPUs of the simulate column's co-simulation (default guests). Default 2.", DefaultValueFactory = _ => 2, HelpName = "N" };
    static readonly Option<bool> json = new("--json") { Description = "Print one JSON document instead of the tables." };
    static readonly Option<string?> report = ReportFile.Option();
    static readonly Option<string?> reportDate = ReportFile.DateOption();

    static readonly string[] Backends = ["prove", "exhaustive", "random", "simulate", "all"];

    const string Cmd = "mutants";

    public static Command Create()
    {
        var command = new Command(Cmd, "The compiled-in wrong variants of the specs and the relation, and which checker kills each. " +
            "Without --backend it lists them (--list, the default). Exit 0; 1 if a non-equivalent mutant survives every checker run " +
            "(or an 'equivalent' one is killed); 2 bad input; 130 on Ctrl-C (the finished rows are printed).")
        {
            list, backend, budget, solver, rlimit, cpus, json, report, reportDate,
        };
        command.SetAction(Run);
        return command;
    }

    static int Run(ParseResult r)
    {
        string? b = r.GetValue(backend);
        if (b is not null && !Backends.Contains(b)) return Errors.Bad(Cmd, $"--backend: expected {string.Join(", ", Backends)}, got '{b}'");
        if (b is not null && r.GetValue(list)) return Errors.Bad(Cmd, "--list and --backend exclude each other (--list prints the catalog, --backend runs the kill matrix)");
        KillBackend[] selected = b is null ? [] : b == "all" ? Enum.GetValues<KillBackend>() : [Enum.Parse<KillBackend>(b, ignoreCase: true)];
        if (Ignored(r, selected) is { } ignored) return Errors.Bad(Cmd, ignored);
        if (r.GetValue(budget) <= 0) return Errors.Bad(Cmd, $"--budget: expected a positive number, got {r.GetValue(budget)}");
        if (r.GetValue(rlimit) < 0) return Errors.Bad(Cmd, $"--rlimit: expected a non-negative number, got {r.GetValue(rlimit)}");
        if (r.GetValue(cpus) is < 1 or > 1024) return Errors.Bad(Cmd, $"--cpus: expected 1..1024, got {r.GetValue(cpus)}");
        if (ReportFile.Check(r.GetValue(report), r.GetValue(reportDate), out var date) is { } badReport) return Errors.Bad(Cmd, badReport);
        if (b is null)
        {
            var catalog = ListJson();
            if (r.GetValue(json)) Console.WriteLine(JsonReport.Text(catalog));
            else AnsiConsole.Write(MatrixText.CatalogTable());
            return WriteReport(r.GetValue(report), catalog, date, ExitCodes.Ok);
        }
        string svName = r.GetValue(solver)!;
        if (!SolverFactory.TryParse(svName, out var sv)) return Errors.Bad(Cmd, $"--solver: unknown solver '{svName}' (expected one of: {string.Join(", ", SolverFactory.Names)})");
        if (selected.Contains(KillBackend.Prove) && Selection.Solver(Cmd, svName, out _) is { } badSolver) return Errors.Bad(badSolver);
        var options = new KillOptions(selected, r.GetValue(budget), sv, r.GetValue(cpus), Rlimit: r.GetValue(rlimit), Cancel: Interrupts.Token);
        var sw = Stopwatch.StartNew();
        var rows = new List<KillRow>();
        var codeRows = new List<CodeKillRow>();
        bool interrupted = ProgressLine.Run(Cmd, report =>
        {
            try
            {
                KillMatrix.Run(options, row => { rows.Add(row); report($"{rows.Count}/{MutantCatalog.All.Count} mutants done, last {row.Mutant.Name}"); });
                if (selected.Any(CodeKillMatrix.Backends.Contains))
                    CodeKillMatrix.Run(options, row => { codeRows.Add(row); report($"{codeRows.Count}/{ImplObjects.Mutants.Count} code mutants done, last {row.Mutant.Name}"); });
                return false;
            }
            catch (OperationCanceledException) when (options.Cancel.IsCancellationRequested) { return true; }
        });
        int code = interrupted ? ExitCodes.Interrupted : rows.Any(Wrong) || codeRows.Any(x => x.Wrong) ? ExitCodes.Failed : ExitCodes.Ok;
        var doc = MatrixJson(rows, options, sw.Elapsed, interrupted, code);
        doc["codeMutants"] = codeRows.Count == 0 ? null : new JsonArray([.. codeRows.Select(x => (JsonNode)new JsonObject
        {
            ["name"] = x.Mutant.Name, ["description"] = x.Mutant.Description, ["equivalent"] = x.Mutant.EquivalentBecause is not null,
            ["backends"] = new JsonObject(x.Cells.Select(c => KeyValuePair.Create(c.Backend.ToString().ToLowerInvariant(), (JsonNode?)new JsonObject
            {
                ["killed"] = c.Killed, ["seconds"] = c.Time.TotalSeconds, ["where"] = c.Where,
            }))),
        })]);
        if (r.GetValue(json)) Console.WriteLine(JsonReport.Text(doc));
        else
        {
            MatrixText.Print(rows, options, sw.Elapsed);
            if (codeRows.Count > 0) MatrixText.PrintCode(codeRows);
            if (interrupted) AnsiConsole.WriteLine($"interrupted (Ctrl-C): {rows.Count} of {MutantCatalog.All.Count} mutants finished; the others have no result");
        }
        return WriteReport(r.GetValue(report), doc, date, code);
    }

    /// <summary>Writes --report (if given); the exit code stays the run's, a write error is one line on stderr.</summary>
    static int WriteReport(string? file, JsonObject doc, DateTimeOffset? date, int code)
    {
        if (file is not null && ReportFile.Write(file, doc, date) is { } error) Errors.Line(Cmd, error);
        return code;
    }

    /// <summary>An option the selected backends would not use: an error rather than silently ignored.</summary>
    static string? Ignored(ParseResult r, KillBackend[] selected)
    {
        (Option Option, KillBackend User)[] uses = [(budget, KillBackend.Random), (solver, KillBackend.Prove), (rlimit, KillBackend.Prove), (cpus, KillBackend.Simulate)];
        foreach (var (option, user) in uses)
            if (r.GetResult(option) is { Implicit: false } && !selected.Contains(user))
                return selected.Length == 0
                    ? $"{option.Name} needs --backend {Name(user)} (or all): without --backend, mutants only lists the catalog"
                    : $"{option.Name} configures the {Name(user)} backend, which --backend {string.Join(",", selected.Select(Name))} does not run";
        return null;
    }

    /// <summary>A non-equivalent mutant nothing kills, or an "equivalent" one a backend kills: the catalog or a checker is wrong.</summary>
    static bool Wrong(KillRow x) =>
        x.Mutant.Equivalent is null ? !x.KilledSomewhere : x.Cells.Any(c => c.Killed);

    internal static string Target(Mutant m) => m.Target switch { MutantTarget.LowSpec => "low spec", MutantTarget.HighSpec => "high spec", _ => "relation" };

    static JsonObject ListJson() => RunInfo.AddTo(new()
    {
        ["tool"] = ToolInfo.Json(),
        ["command"] = Cmd,
        ["mutants"] = new JsonArray([.. MutantCatalog.All.Select(m => (JsonNode)new JsonObject
        {
            ["name"] = m.Name, ["target"] = Target(m), ["primitive"] = m.Primitive?.ToString(),
            ["description"] = m.Description, ["equivalent"] = m.Equivalent is not null, ["argument"] = m.Equivalent,
        })]),
    });

    static JsonObject MatrixJson(IReadOnlyList<KillRow> rows, KillOptions o, TimeSpan elapsed, bool interrupted, int code)
    {
        var rates = new JsonObject();
        foreach (var b in o.Backends) rates[Name(b)] = MatrixText.Rate(rows, b);
        return RunInfo.AddTo(new JsonObject
        {
            ["tool"] = ToolInfo.Json(),
            ["command"] = Cmd,
            ["interrupted"] = interrupted,
            ["exitCode"] = code,
            ["backends"] = new JsonArray([.. o.Backends.Select(b => (JsonNode)Name(b)!)]),
            ["randomBudget"] = o.RandomBudget, ["solver"] = SolverFactory.NameOf(o.Solver), ["rlimit"] = o.Rlimit, ["simulateCpus"] = o.SimulateCpus,
            ["elapsedMs"] = Math.Round(elapsed.TotalMilliseconds),
            ["killRates"] = rates,
            ["mutants"] = new JsonArray([.. rows.Select(x => (JsonNode)Row(x))]),
        });
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
