using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using VmxLayers.Report;
using VmxLayers.Tests.Cli;
using Xunit.Abstractions;

namespace VmxLayers.Tests.Report;

/// <summary>
/// The reports of check, prove, replay, simulate and mutants opened in a real browser (headless Chromium, one launch):
/// what it rendered — verdicts, table rows, the highlighted slot with its printed mark on the right CPU, the plots —
/// and a screenshot saved to the temp directory. check, prove and mutants come from saved --json outputs of their
/// default runs (too long for the suite); replay and simulate are run here with --report.
/// </summary>
public class ReportBrowserTests(ITestOutputHelper output)
{
    static readonly DateTimeOffset Date = new(2025, 1, 31, 0, 0, 0, TimeSpan.Zero);

    /// <summary>Where the screenshots stay after the run (for a person to look at).</summary>
    public static readonly string ScreenshotDir = Path.Combine(Path.GetTempPath(), "vmxlayers-report-screenshots");

    [ChromiumFact]
    public void EveryCommandsReportRendersWithTheFailingSlotMarked()
    {
        string dir = Path.Combine(Path.GetTempPath(), $"vmx-browser-{Guid.NewGuid():N}");
        Directory.CreateDirectory(dir);
        Directory.CreateDirectory(ScreenshotDir);
        try
        {
            var check = Fixtures.Load(Fixtures.CheckMutant);
            File.WriteAllText(Path.Combine(dir, "check.html"), HtmlReport.Build([check], Date));
            File.WriteAllText(Path.Combine(dir, "prove.html"), HtmlReport.Build([Fixtures.Load(Fixtures.ProveMutant)], Date));
            File.WriteAllText(Path.Combine(dir, "mutants.html"), HtmlReport.Build([Fixtures.Load(Fixtures.MutantsAll)], Date));
            var replay = CliProcess.Run("replay", Path.Combine(Scenarios.ScenarioReplayTests.ExamplesDir(), "mutant-exit-skips-edi.json"), "--report", Path.Combine(dir, "replay.html"), "--report-date", "2025-01-31");
            Assert.Equal(1, replay.ExitCode);
            var simulate = CliProcess.Run("simulate", "--cpus", "2", "--interleave", "random", "--seed", "7", "--report", Path.Combine(dir, "simulate.html"), "--report-date", "2025-01-31");
            Assert.True(simulate.ExitCode == 0, simulate.Err);
            string[] frames = ["check.html", "prove.html", "replay.html", "simulate.html", "mutants.html"];
            foreach (var f in frames) Assert.True(new FileInfo(Path.Combine(dir, f)).Length < 2 << 20, $"{f} is 2 MB or more");
            // the check report twice: its top, and scrolled to its first counterexample (what the screenshot should show)
            string[] shown = ["check.html#doc-1-cx-1", .. frames];
            File.WriteAllText(Path.Combine(dir, "harness.html"), Harness.Page(shown));
            string screenshot = Path.Combine(ScreenshotDir, "reports.png");
            string dom = Chromium.DumpDomAndScreenshot(Path.Combine(dir, "harness.html"), screenshot, Harness.Width, shown.Length * (Harness.FrameHeight + 6));
            output.WriteLine($"screenshot: {screenshot} ({new FileInfo(screenshot).Length:N0} bytes)");
            Assert.True(new FileInfo(screenshot).Length > 50_000, "the screenshot is (nearly) empty");
            var probe = JsonNode.Parse(WebUtility.HtmlDecode(Regex.Match(dom, "<pre id=\"probe\">(.*?)</pre>", RegexOptions.Singleline).Groups[1].Value))!;
            Assert.True(probe is JsonArray, $"the probe failed: {probe.ToJsonString()}");
            var pages = probe.AsArray().ToDictionary(p => (string)p!["src"]!, p => p!);
            foreach (var p in pages.Values)
            {
                Assert.Empty(p!["fetched"]!.AsArray());          // nothing fetched: self-contained
                Assert.Equal(0, (int)p["scripts"]!);
            }
            CheckPage(pages["check.html"]!, check);
            ProvePage(pages["prove.html"]!);
            ReplayPage(pages["replay.html"]!);
            SimulatePage(pages["simulate.html"]!);
            MutantsPage(pages["mutants.html"]!);
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    static void CheckPage(JsonNode p, JsonObject doc)
    {
        Assert.Equal(["check"], Strings(p["sections"]));
        Assert.StartsWith("verdict: FAIL — 2 backend run(s) found a counterexample", (string)p["verdict"]!);
        Assert.Equal(doc["results"]!.AsArray().Count, (int)p["results"]!);
        Assert.Equal(6, (int)p["lemmas"]!);
        // one marked row per counterexample: slot 10 (G_RDI), in the table of the CPU the call ran on, marked ✗ and highlighted
        var cpus = doc["results"]!.AsArray().Select(r => r!["counterexample"]).Concat(doc["proofs"]!.AsArray().Select(l => l!["counterexample"]))
            .OfType<JsonObject>().Select(c => ((int)c["cpu"]!).ToString()).ToList();
        var rows = p["differs"]!.AsArray();
        Assert.Equal(cpus, rows.Select(r => (string)r!["cpu"]!));
        foreach (var r in rows) SlotTenMarked(r!, "match (current CPU)", inArticle: true);
    }

    /// <summary>The row is slot 10, in its CPU's table (the call's), with the ✗ mark, the clause, and a background other rows do not have.</summary>
    static void SlotTenMarked(JsonNode r, string clause, bool inArticle)
    {
        Assert.Equal("10 G_RDI", (string)r["entry"]!);
        Assert.Equal((string)r["cpu"]!, (string)r["tableCpu"]!);
        if (inArticle) Assert.Equal((string)r["cpu"]!, (string)r["articleCpu"]!);
        Assert.Contains("(the CPU of the call)", (string)r["caption"]!);
        Assert.Equal("✗", (string)r["mark"]!);
        Assert.Equal(clause, (string)r["clause"]!);
        Assert.NotEqual((string)r["normalBackground"]!, (string)r["background"]!);
        Assert.True((double)r["height"]! > 5, "the marked row is not rendered");
    }

    static void ProvePage(JsonNode p)
    {
        Assert.Equal(["prove"], Strings(p["sections"]));
        Assert.StartsWith("verdict: FAIL — 1 lemma(s) REFUTED", (string)p["verdict"]!);
        Assert.Equal(6, (int)p["lemmas"]!);
        SlotTenMarked(Assert.Single(p["differs"]!.AsArray())!, "match (current CPU)", inArticle: true);
        Assert.Single(p["plots"]!.AsArray());
    }

    static void ReplayPage(JsonNode p)
    {
        Assert.Equal("verdict: NOT RELATED — not related (first at step 2)", (string)p["verdict"]!);
        Assert.True((int)p["failingSteps"]! >= 1);
        SlotTenMarked(Assert.Single(p["differs"]!.AsArray())!, "match_all", inArticle: false);
    }

    static void SimulatePage(JsonNode p)
    {
        Assert.StartsWith("verdict: PASS — related after every step", (string)p["verdict"]!);
        var consoles = Strings(p["consoles"]);
        Assert.Equal(2, consoles.Count);
        Assert.Equal("Hello from guest", consoles[0]);
        Assert.StartsWith("0\n1\n1\n2\n3\n5\n8", consoles[1]);
        var plots = p["plots"]!.AsArray();
        Assert.True(plots.Count >= 3, $"{plots.Count} plots");           // exits per reason, per CPU, calls per primitive (+ the rate when sampled)
        foreach (var plot in plots) Assert.True((double)plot!["width"]! > 200 && (int)plot["shapes"]! > 10, plot.ToJsonString());
    }

    static void MutantsPage(JsonNode p)
    {
        var doc = Fixtures.Load(Fixtures.MutantsAll);
        // two grids: the spec mutants' and the code mutants'
        var rows = doc["mutants"]!.AsArray().Concat(doc["codeMutants"]!.AsArray()).ToList();
        Assert.StartsWith("verdict: PASS — every non-equivalent mutant killed", (string)p["verdict"]!);
        Assert.Equal(rows.Count, (int)p["kill"]!);
        Assert.Equal(rows.Sum(m => m!["backends"]!.AsObject().Count(c => (bool)c.Value!["killed"]!)), (int)p["killed"]!);
        Assert.True((int)p["equivalent"]! > 0);
        Assert.Single(p["plots"]!.AsArray());
    }

    static List<string> Strings(JsonNode? a) => [.. a!.AsArray().Select(x => (string)x!)];
}
