using Spectre.Console;
using VmxLayers.Mutants;

namespace VmxLayers.Cli.Output;

/// <summary>The kill matrix as text: spec mutants, relation mutants, kill rates.</summary>
public static class MatrixText
{
    static readonly KillBackend[] Columns = Enum.GetValues<KillBackend>();

    static string Name(KillBackend b) => b.ToString().ToLowerInvariant();

    /// <summary>"killed", "survived", "equivalent" (not killed, argued equivalent) or "-" (not run).</summary>
    public static string Cell(KillRow x, KillBackend b) => x.Cell(b) switch
    {
        null => "-",
        { Killed: true } when x.Mutant.Equivalent is not null => "KILLED (marked equivalent)",
        { Killed: true } => "killed",
        _ when x.Mutant.Equivalent is not null => "equivalent",
        _ => "SURVIVED",
    };

    static string FirstKill(KillRow x) => x.FirstKill is { } f ? $"{Seconds(f.Time)} ({Name(f.Backend)})" : "-";

    static string Seconds(TimeSpan t) => t.TotalSeconds < 0.01 ? $"{t.TotalMilliseconds:F1} ms" : $"{t.TotalSeconds:F2} s";

    /// <summary>"k/n" over the non-equivalent spec mutants.</summary>
    public static string Rate(IReadOnlyList<KillRow> rows, KillBackend b)
    {
        var live = rows.Where(x => x.Mutant.Target != MutantTarget.Relation && x.Mutant.Equivalent is null).ToList();
        int k = live.Count(x => x.KilledBy(b));
        return $"{k}/{live.Count} ({100.0 * k / Math.Max(1, live.Count):F0}%)";
    }

    /// <summary>`mutants --list`: every mutant with its target, primitive, description and whether it is equivalent.</summary>
    public static Table CatalogTable()
    {
        var t = new Table().Border(TableBorder.Rounded).AddColumns("mutant", "target", "primitive", "description", "equivalent");
        foreach (var m in MutantCatalog.All)
            t.AddRow(m.Name, Commands.MutantsCommand.Target(m), m.Primitive?.ToString() ?? "all", Markup.Escape(m.Description),
                m.Equivalent is { } why ? Markup.Escape("yes: " + why) : "no");
        return t;
    }

    /// <summary>The code mutants' table (impl/mutants: code ⊑ VMCSInit's backends and the three-layer co-simulation) and their kill rates.</summary>
    public static void PrintCode(IReadOnlyList<CodeKillRow> rows)
    {
        var columns = CodeKillMatrix.Backends.Where(b => rows.Any(x => x.Cell(b) is not null)).ToList();
        var t = new Table().Border(TableBorder.Rounded).AddColumns(["code mutant", "description", .. columns.Select(Name)]);
        foreach (var x in rows)
            t.AddRow([x.Mutant.Name, Markup.Escape(x.Mutant.Description), .. columns.Select(b => Markup.Escape(x.Cell(b) switch
            {
                null => "-",
                { Killed: true } when x.Mutant.EquivalentBecause is not null => "KILLED (marked equivalent)",
                { Killed: true } => "killed",
                _ when x.Mutant.EquivalentBecause is not null => "equivalent",
                _ => "survived",
            }))]);
        AnsiConsole.Write(t);
        var live = rows.Where(x => x.Mutant.EquivalentBecause is null).ToList();
        foreach (var b in columns)
            AnsiConsole.WriteLine($"{Name(b)} kill rate: {live.Count(x => x.KilledBy(b))}/{live.Count} of the non-equivalent code mutants");
        AnsiConsole.WriteLine($"code mutants killed by no backend: {live.Count(x => !x.KilledSomewhere)}/{live.Count}");
    }

    public static void Print(IReadOnlyList<KillRow> rows, KillOptions o, TimeSpan elapsed)
    {
        var spec = new Table().Border(TableBorder.Rounded).AddColumns(["mutant", "description", .. Columns.Select(Name), "time to first kill"]);
        foreach (var x in rows.Where(x => x.Mutant.Target != MutantTarget.Relation))
            spec.AddRow([x.Mutant.Name, Markup.Escape(x.Mutant.Description), .. Columns.Select(b => Markup.Escape(Cell(x, b))), FirstKill(x)]);
        AnsiConsole.Write(spec);
        var rel = new Table().Border(TableBorder.Rounded).AddColumns(["relation mutant", "description", .. Columns.Select(Name), "relation tests", "time to first kill"]);
        foreach (var x in rows.Where(x => x.Mutant.Target == MutantTarget.Relation))
            rel.AddRow([x.Mutant.Name, Markup.Escape(x.Mutant.Description), .. Columns.Select(b => Markup.Escape(Cell(x, b))),
                x.RelationTest is { } t ? $"killed: {t.Test}" : "-", FirstKill(x)]);
        AnsiConsole.Write(rel);
        foreach (var b in o.Backends)
            AnsiConsole.WriteLine($"{Name(b)} kill rate: {Rate(rows, b)} of the non-equivalent spec mutants");
        var relation = rows.Where(x => x.Mutant.Target == MutantTarget.Relation).ToList();
        AnsiConsole.WriteLine($"relation mutants killed somewhere: {relation.Count(x => x.KilledSomewhere)}/{relation.Count}");
        var eq = rows.Where(x => x.Mutant.Equivalent is not null).ToList();
        AnsiConsole.WriteLine($"equivalent mutants killed by a backend (should be 0): {eq.Count(x => x.Cells.Any(c => c.Killed))}/{eq.Count}");
        AnsiConsole.WriteLine($"backends: {string.Join(", ", o.Backends.Select(Name))}; random budget {o.RandomBudget}/primitive, solver {Smt.Solvers.SolverFactory.NameOf(o.Solver)} (rlimit {o.Rlimit}), simulate {o.SimulateCpus} CPUs (default guests); total {elapsed.TotalSeconds:F1} s");
    }
}
