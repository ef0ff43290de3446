using Spectre.Console;
using VmxLayers.Checking;
using VmxLayers.Smt;

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
            t.AddRow(r.Prim.Name, r.Backend.ToString().ToLowerInvariant(), r.Cases.ToString("N0"),
                r.HypothesisHeld.ToString("N0"), $"{r.HighSucceeded:N0} ({r.HighShare * 100:F0}%)",
                Verdict(r), $"{r.Time.TotalSeconds:F2} s");
        return t;
    }

    /// <summary>The same table with a proof column: each primitive's lemma verdict and time on its first row.</summary>
    public static Table Reports(IReadOnlyList<BackendReport> reports, IReadOnlyList<LemmaResult> lemmas)
    {
        var t = new Table().Border(TableBorder.Rounded)
            .AddColumns("primitive", "backend", "cases", "hyp. held", "high ok", "verdict", "time", "proof");
        var shown = new HashSet<Spec.Primitive>();
        foreach (var r in reports)
        {
            var lemma = shown.Add(r.Prim) ? lemmas.FirstOrDefault(l => l.Prim == r.Prim) : null;
            t.AddRow(r.Prim.Name, r.Backend.ToString().ToLowerInvariant(), r.Cases.ToString("N0"),
                r.HypothesisHeld.ToString("N0"), $"{r.HighSucceeded:N0} ({r.HighShare * 100:F0}%)",
                Verdict(r), $"{r.Time.TotalSeconds:F2} s", lemma is null ? "" : Proof(lemma));
        }
        return t;
    }

    /// <summary>A concrete backend's verdict, coloured.</summary>
    static string Verdict(BackendReport r) => r.Verdict switch
    {
        CheckVerdict.Pass => "[green]pass[/]",
        CheckVerdict.Counterexample => "[red]COUNTEREXAMPLE[/]",
        CheckVerdict.Vacuous => "[red]VACUOUS[/]",
        _ => throw new ArgumentOutOfRangeException(nameof(r), r.Verdict, "unknown verdict"),
    };

    /// <summary>"PROVED 0.41 s" coloured by verdict.</summary>
    public static string Proof(LemmaResult l) => l.Verdict switch
    {
        Smt.Verdict.Proved => $"[green]PROVED[/] {l.Time.TotalSeconds:F2} s",
        Smt.Verdict.Refuted => $"[red]REFUTED[/] {l.Time.TotalSeconds:F2} s",
        Smt.Verdict.Vacuous => $"[red]VACUOUS[/] {l.Time.TotalSeconds:F2} s",
        Smt.Verdict.Unknown => $"[yellow]UNKNOWN[/] {l.Time.TotalSeconds:F2} s",
        _ => throw new ArgumentOutOfRangeException(nameof(l), l.Verdict, "unknown verdict"),
    };
}
