using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using VmxLayers.Report;

namespace VmxLayers.Tests.Report;

/// <summary>The page a report builds from --json documents: self-contained, escaped, reproducible, the failing entries marked.</summary>
public class HtmlReportTests
{
    static readonly DateTimeOffset Date = new(2025, 1, 31, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void TheMutantCheckMarksSlot10OnTheCpuOfEachCounterexample()
    {
        var doc = Fixtures.Load(Fixtures.CheckMutant);
        string html = HtmlReport.Build([doc], Date);
        var found = doc["results"]!.AsArray().Select(r => r!["counterexample"]).Concat(doc["proofs"]!.AsArray().Select(l => l!["counterexample"])).OfType<JsonObject>().ToList();
        Assert.NotEmpty(found);
        var articles = Regex.Matches(html, "<article class=\"counterexample\"[^>]*data-cpu=\"(\\d+)\">(.*?)</article>", RegexOptions.Singleline);
        Assert.Equal(found.Count, articles.Count);
        for (int k = 0; k < found.Count; k++)
        {
            string cpu = articles[k].Groups[1].Value;
            Assert.Equal((int)found[k]["cpu"]!, int.Parse(cpu));
            var marked = Regex.Matches(articles[k].Groups[2].Value, "<tr class=\"differs\" data-cpu=\"(\\d+)\" data-group=\"(\\w+)\" data-entry=\"([^\"]+)\"><td class=\"mark\">(.)</td>");
            var row = Assert.Single(marked);
            Assert.Equal((cpu, "vmx", "10 G_RDI", "✗"), (row.Groups[1].Value, row.Groups[2].Value, row.Groups[3].Value, row.Groups[4].Value));
        }
        Assert.Contains("verdict: FAIL", html);
    }

    [Fact]
    public void TheReportIsSelfContainedAndReproducible()
    {
        var docs = new[] { Fixtures.Load(Fixtures.CheckMutant), Fixtures.Load(Fixtures.ProveMutant), Fixtures.Load(Fixtures.MutantsAll) };
        string html = HtmlReport.Build(docs, Date);
        Assert.Equal(html, HtmlReport.Build(docs, Date));
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotMatch("<(link|img|iframe|object|embed)\\b", html);
        Assert.DoesNotMatch("(src|href)=\"(?!#)", html);             // only in-page links
        Assert.DoesNotContain("url(http", html);
        Assert.Contains("2025-01-31", html);
        Assert.Equal(3, Regex.Matches(html, "<section class=\"doc\"").Count);
        Assert.Contains("<svg", html);                                     // the plots are inline SVG
        // every plot's ids are its own: two inline SVGs must not share a clip path
        var ids = Regex.Matches(html, " id=\"([^\"]+)\"").Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());
    }

    [Fact]
    public void TextFromADocumentIsEscaped()
    {
        var doc = Fixtures.Load(Fixtures.MutantsAll);
        doc["mutants"]![0]!["description"] = "<script>alert(1)</script> & <b>bold</b>";
        string html = HtmlReport.Build([doc], Date);
        Assert.DoesNotContain("<script>alert", html);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;", html);
    }

    [Fact]
    public void TheKillMatrixHasACellPerMutantAndBackend()
    {
        var doc = Fixtures.Load(Fixtures.MutantsAll);
        string html = HtmlReport.Build([doc], Date);
        int mutants = doc["mutants"]!.AsArray().Count, backends = doc["backends"]!.AsArray().Count;
        // the spec mutants' grid, then the code mutants' (a cell per backend that ran on them)
        var code = doc["codeMutants"]!.AsArray();
        int codeCells = code.Sum(m => m!["backends"]!.AsObject().Count);
        Assert.Equal(mutants * backends + codeCells, Regex.Matches(html, "<td class=\"cell (killed|survived|equivalent|killed-equivalent|not-run)\"").Count);
        int killed = doc["mutants"]!.AsArray().Concat(code).Sum(m => m!["backends"]!.AsObject().Count(c => (bool)c.Value!["killed"]!));
        Assert.Equal(killed, Regex.Matches(html, "<td class=\"cell killed\"").Count);
    }

    [Fact]
    public void ABadDocumentNamesTheJsonPath()
    {
        var doc = Fixtures.Load(Fixtures.CheckMutant);
        doc["results"]![1]!.AsObject().Remove("cases");
        var e = Assert.Throws<ReportInputException>(() => HtmlReport.Build([doc]));
        Assert.Equal("$.results[1].cases: expected a number (missing)", e.Message);
        var other = new JsonObject { ["tool"] = new JsonObject { ["name"] = "vmxlayers", ["version"] = "1", ["commit"] = "x" }, ["command"] = "show" };
        Assert.Contains("a report shows check, prove, replay, simulate, mutants, not 'show'", Assert.Throws<ReportInputException>(() => HtmlReport.Build([other])).Message);
        Assert.Throws<ReportInputException>(() => HtmlReport.Build([]));
    }

    [Theory]
    [InlineData("2025-01-31", true, "2025-01-31T00:00:00Z")]
    [InlineData("2025-01-31T10:20:30Z", true, "2025-01-31T10:20:30Z")]
    [InlineData("2025-01-31T12:20:30+02:00", true, "2025-01-31T10:20:30Z")]
    [InlineData("31/01/2025", false, null)]
    [InlineData("yesterday", false, null)]
    public void ReportDatesAreParsedStrictly(string text, bool ok, string? utc)
    {
        Assert.Equal(ok, HtmlReport.TryParseDate(text, out var d));
        if (ok) Assert.Equal(utc, d.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture));
    }
}
