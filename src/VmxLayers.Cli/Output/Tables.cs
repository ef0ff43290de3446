using Spectre.Console;
using VmxLayers.Checking;

namespace VmxLayers.Cli.Output;

/// <summary>Spectre tables shared by the commands.</summary>
public static class Tables
{
    /// <summary>primitive | backend | cases | hypothesis held | high spec succeeded (share) | verdict | time.</summary>
    public static Table Reports(IEnumerable<BackendReport> reports)
    {
        var t = new Table().Border(TableBorder.Rounded)
            .AddColumns("primitive", "backend", "cases", "hyp. held", "high ok", "verdict", "time");
        foreach (var r in reports)
            t.AddRow(r.Prim.ToString(), r.Backend.ToString().ToLowerInvariant(), r.Cases.ToString("N0"),
                r.HypothesisHeld.ToString("N0"), $"{r.HighSucceeded:N0} ({r.HighShare * 100:F0}%)",
                r.Passed ? "[green]pass[/]" : "[red]COUNTEREXAMPLE[/]", $"{r.Time.TotalSeconds:F2} s");
        return t;
    }
}
