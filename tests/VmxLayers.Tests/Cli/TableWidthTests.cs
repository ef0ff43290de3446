using Spectre.Console;
using VmxLayers.Checking;
using VmxLayers.Cli.Output;
using VmxLayers.Mutants;
using VmxLayers.Smt;

namespace VmxLayers.Tests.Cli;

/// <summary>The tables fit an 80-column terminal (Spectre wraps cells; nothing runs past the edge).</summary>
public class TableWidthTests
{
    static string Render(Action<IAnsiConsole> write)
    {
        var sw = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(sw), Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors });
        console.Profile.Width = 80;
        write(console);
        return sw.ToString();
    }

    static void AssertFits(string text) =>
        Assert.All(text.Split('\n'), line => Assert.True(line.TrimEnd('\r').Length <= 80, $"{line.Length} columns: {line}"));

    [Fact]
    public void TheCheckTableWithProofsFits()
    {
        var prims = VmxLayers.Layers.VmxLayerPair.Refinement.Primitives.Select(d => d.Primitive).ToList();
        var reports = prims.SelectMany(p => new[]
        {
            new BackendReport(p, Backend.Exhaustive, 1_234_567, 1_234_567, 654_321, TimeSpan.FromSeconds(12.5), "scope"),
            new BackendReport(p, Backend.Random, 3000, 2999, 1500, TimeSpan.FromSeconds(1.25), "scope"),
        }).ToList();
        var lemmas = prims.Select(p => new LemmaResult(p, Verdict.Unknown, [], VacuityCheck.ShownByRefutation, TimeSpan.FromSeconds(33.3), 1, null, null)).ToList();
        AssertFits(Render(c => c.Write(Tables.Reports(reports, lemmas))));
    }

    [Fact]
    public void TheMutantCatalogFits() =>
        AssertFits(Render(c => c.Write(MatrixText.CatalogTable())));
}
