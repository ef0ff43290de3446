using System.Net;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using VmxLayers.Report;
using VmxLayers.Tests.Smt.Solvers;

namespace VmxLayers.Tests.Report;

/// <summary>
/// The code layer and the composition in the reports: prove's lemmas per refinement and its composition table, check's
/// code and composed results, the code mutants' kill matrix, simulate's third layer; a failure in any of them fails
/// the verdict line, even when the document's exit code says otherwise.
/// </summary>
[Collection("Console")]
public class CodeLayerReportTests
{
    static readonly DateTimeOffset Date = new(2025, 1, 31, 0, 0, 0, TimeSpan.Zero);

    static string Html(JsonObject doc) => WebUtility.HtmlDecode(HtmlReport.Build([doc], Date));

    /// <summary>"class: text" of the verdict line.</summary>
    static string VerdictLine(string html)
    {
        var m = Regex.Match(html, "<p class=\"verdict-line verdict (\\w+)\"[^>]*>([^<]*)</p>");
        Assert.True(m.Success, "no verdict line");
        return $"{m.Groups[1].Value}: {m.Groups[2].Value}";
    }

    /// <summary>The rows of the table with this id, each as its cells' text.</summary>
    static List<List<string>> Rows(string html, string id)
    {
        var table = Regex.Match(html, $"<table [^>]*id=\"{Regex.Escape(id)}\">(.*?)</table>", RegexOptions.Singleline);
        Assert.True(table.Success, $"no table {id}");
        var body = Regex.Match(table.Groups[1].Value, "<tbody>(.*)</tbody>", RegexOptions.Singleline).Groups[1].Value;
        return [.. Regex.Matches(body, "<tr[^>]*>(.*?)</tr>", RegexOptions.Singleline)
            .Select(r => Regex.Matches(r.Groups[1].Value, "<t[dh][^>]*>(.*?)</t[dh]>", RegexOptions.Singleline).Select(c => Regex.Replace(c.Groups[1].Value, "<[^>]+>", "")).ToList())];
    }

    static void UniqueIds(string html)
    {
        var ids = Regex.Matches(html, " id=\"([^\"]+)\"").Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());
    }

    [SolverFact("libz3")]
    public void TheProveReportHasALemmaTablePerRefinementAndTheComposition()
    {
        var (code, output, err) = Cli.InProcessCli.Run("prove", "--primitive", "vmx_writez", "--json");
        Assert.True(code == 0, err);
        string html = Html(JsonNode.Parse(output)!.AsObject());
        Assert.Equal("pass: verdict: PROVED — all 3 lemma(s) PROVED (libz3)", VerdictLine(html));
        Assert.Contains("<title>VmxLayers report: prove PROVED</title>", html);
        Assert.Contains("<h3>Lemmas: VMCSInit ⊑ PVMXIntro</h3>", html);
        Assert.Contains("<h3>Lemmas: code ⊑ VMCSInit</h3>", html);
        Assert.Contains("the code layer: code (impl/vmx.o); the lemma is stated for every two related VMCSInit states", html);
        foreach (var id in new[] { "doc-1-lemmas", "doc-1-code-lemmas" })
            Assert.Equal(("vmx_writez", "PROVED"), Rows(html, id).Select(r => (r[0], r[2])).Single());
        Assert.Contains("<h3>Composition: code ⊑ PVMXIntro</h3>", html);
        Assert.Contains("PROVED iff VMCSInit ⊑ PVMXIntro and code ⊑ VMCSInit are PROVED", html);
        var header = Regex.Match(html, "<table class=\"composition\" id=\"doc-1-composition\"><thead><tr>(.*?)</tr>").Groups[1].Value;
        Assert.Equal("<th>primitive</th><th>verdict</th><th>code ⊑ VMCSInit</th><th>VMCSInit ⊑ PVMXIntro</th><th>reason</th><th>steps' time</th>", header);
        var row = Rows(html, "doc-1-composition").Single();
        Assert.Equal(["vmx_writez", "PROVED", "PROVED", "PROVED", "both steps PROVED"], row.Take(5));
        Assert.DoesNotContain("<article", html);
        UniqueIds(html);
    }

    [Fact]
    public void ARefutedComposedLemmaFailsTheVerdictAndShowsTheFailingStep()
    {
        var doc = Fixtures.Load(Fixtures.ProveCodeMutant);
        string html = Html(doc);
        Assert.Equal("fail: verdict: FAIL — 2 lemma(s) REFUTED, 0 VACUOUS, 1 PROVED (code ⊑ VMCSInit: vmx_writez; code ⊑ PVMXIntro: vmx_writez)", VerdictLine(html));
        Assert.Equal(["vmx_writez", "REFUTED", "REFUTED", "PROVED"], Rows(html, "doc-1-composition").Single().Take(4));
        var composed = Regex.Match(html, "<article class=\"counterexample composed\" id=\"doc-1-composed-cx-1\" data-primitive=\"vmx_writez\" data-failing-step=\"([^\"]+)\" data-cpu=\"0\">(.*?)</article>", RegexOptions.Singleline);
        Assert.Equal("code ⊑ VMCSInit", composed.Groups[1].Value);
        Assert.Contains("failing step: </b><span class=\"clause\">✗ code ⊑ VMCSInit</span>", composed.Groups[2].Value);
        Assert.Contains("<code class=\"clause\">register ESP preserved</code>", composed.Groups[2].Value);
        // the code lemma's own counterexample, named by its refinement
        Assert.Matches("<article class=\"counterexample\" id=\"doc-1-cx-1\" data-primitive=\"vmx_writez\" data-backend=\"prove\" data-refinement=\"code ⊑ VMCSInit\" data-cpu=\"0\">", html);
        UniqueIds(html);

        // a document claiming exit 0 with a refuted lemma is still not proved
        doc["exitCode"] = 0;
        string claimed = Html(doc);
        Assert.StartsWith("fail: verdict: EXIT 0 — the run exited 0, yet 2 of 3 lemma(s) are not PROVED", VerdictLine(claimed));
        Assert.DoesNotContain("PROVED</title>", claimed);
        // only the composed lemma refuted
        doc["code"]!["lemmas"]![0]!["verdict"] = "PROVED";
        Assert.StartsWith("fail: verdict: EXIT 0 — the run exited 0, yet 1 of 3 lemma(s) are not PROVED (code ⊑ PVMXIntro: vmx_writez)", VerdictLine(Html(doc)));
    }

    [Fact]
    public void CheckReportsHaveAResultsTableForTheCodeLayer()
    {
        var doc = Fixtures.Load(Fixtures.CheckReadz);
        string html = Html(doc);
        long cases = doc["results"]!.AsArray().Concat(doc["code"]!["results"]!.AsArray()).Sum(r => (long)r!["cases"]!);
        Assert.Equal($"pass: verdict: PASS — {cases:#,0} cases (VMCSInit ⊑ PVMXIntro; code ⊑ VMCSInit), no counterexample, 1/1 lemmas proved", VerdictLine(html));
        Assert.Contains("<h3>Concrete backends: VMCSInit ⊑ PVMXIntro</h3>", html);
        Assert.Contains("<h3>Code layer: code ⊑ VMCSInit — code (impl/vmx.o)</h3>", html);
        foreach (var id in new[] { "doc-1-results", "doc-1-code-results" })
        {
            var rows = Rows(html, id);
            Assert.Equal([("vmx_readz", "exhaustive", "pass"), ("vmx_readz", "random", "pass")], rows.Select(r => (r[0], r[1], r[6])));
        }
        Assert.Equal($"{(long)doc["code"]!["results"]![0]!["cases"]!:#,0}", Rows(html, "doc-1-code-results")[0][2]);
        UniqueIds(html);
    }

    [Fact]
    public void AComposedCounterexampleFailsTheCheckVerdictAndIsShown()
    {
        var doc = Fixtures.Load(Fixtures.CheckComposedMutant);
        string html = Html(doc);
        Assert.Equal("fail: verdict: FAIL — 1 backend run(s) found a counterexample (code ⊑ PVMXIntro: vmx_exit random), 0 VACUOUS", VerdictLine(html));
        Assert.DoesNotContain("id=\"doc-1-results\"", html);      // only the composition ran
        Assert.Contains("<h3>Composition: code ⊑ PVMXIntro (code ⊑ VMCSInit, then VMCSInit ⊑ PVMXIntro)</h3>", html);
        Assert.Equal(("vmx_exit", "random", "COUNTEREXAMPLE"), Rows(html, "doc-1-composed-results").Select(r => (r[0], r[1], r[6])).Single());
        var article = Regex.Match(html, "<article class=\"counterexample\" id=\"doc-1-cx-1\" data-primitive=\"vmx_exit\" data-backend=\"random\" data-refinement=\"code ⊑ PVMXIntro\" data-cpu=\"1\">(.*?)</article>", RegexOptions.Singleline);
        Assert.True(article.Success);
        Assert.Contains("<tr class=\"differs\" data-cpu=\"1\" data-group=\"vmx\" data-entry=\"8 G_RSI\"><td class=\"mark\">✗</td>", article.Groups[1].Value);

        doc["exitCode"] = 0;
        Assert.StartsWith("fail: verdict: EXIT 0 — the run exited 0, yet 1 backend run(s) found a counterexample (code ⊑ PVMXIntro: vmx_exit random)", VerdictLine(Html(doc)));
    }

    /// <summary>The code mutants' grid: per row its mutant, whether marked, and its cells' (class, backend).</summary>
    static List<(string Mutant, bool Marked, List<(string Class, string Backend)> Cells)> CodeGrid(string html)
    {
        var grid = Regex.Match(html, "id=\"doc-1-code-kill\">(.*?)</table>", RegexOptions.Singleline);
        Assert.True(grid.Success, "no code mutants' grid");
        return [.. Regex.Matches(grid.Groups[1].Value, "<tr data-mutant=\"([^\"]+)\"( class=\"differs\")?>(.*?)</tr>", RegexOptions.Singleline).Select(r => (r.Groups[1].Value, r.Groups[2].Success,
            Regex.Matches(r.Groups[3].Value, "<td class=\"cell ([\\w-]+)\" data-backend=\"(\\w+)\"").Select(c => (c.Groups[1].Value, c.Groups[2].Value)).ToList()))];
    }

    [Fact]
    public void TheCodeMutantsHaveTheirOwnKillMatrix()
    {
        var doc = Fixtures.Load(Fixtures.MutantsAll);
        var code = doc["codeMutants"]!.AsArray();
        string html = Html(doc);
        Assert.StartsWith($"pass: verdict: PASS — every non-equivalent mutant killed ({doc["mutants"]!.AsArray().Count} mutants, {code.Count} code mutants;", VerdictLine(html));
        var rows = CodeGrid(html);
        Assert.Equal(code.Select(m => (string)m!["name"]!), rows.Select(r => r.Mutant));
        foreach (var (m, r) in code.Zip(rows))
        {
            bool equivalent = (bool)m!["equivalent"]!;
            var expected = m["backends"]!.AsObject().Select(c => ((bool)c.Value!["killed"]! ? equivalent ? "killed-equivalent" : "killed" : equivalent ? "equivalent" : "survived", c.Key)).ToList();
            Assert.Equal(["prove", "exhaustive", "random", "simulate"], expected.Select(e => e.Key));
            Assert.Equal(expected, r.Cells);
            Assert.False(r.Marked);
        }
        Assert.Equal(["equivalent", "equivalent", "equivalent", "equivalent"], rows.Single(r => r.Mutant == "c-readz-signed-index").Cells.Select(c => c.Class));
        Assert.Contains("simulate", rows.Single(r => r.Mutant == "c-readz-rejects-37").Cells.Where(c => c.Class == "survived").Select(c => c.Backend));
        Assert.Contains("of the non-equivalent code mutants killed; 0 killed by no backend.", html);
        UniqueIds(html);
    }

    [Fact]
    public void ASurvivingCodeMutantFailsTheMutantsVerdict()
    {
        var doc = Fixtures.Load(Fixtures.MutantsAll);
        var stdcall = doc["codeMutants"]!.AsArray().Single(m => (string)m!["name"]! == "c-writez-stdcall")!;
        foreach (var c in stdcall["backends"]!.AsObject()) c.Value!["killed"] = false;
        doc["exitCode"] = 1;
        string html = Html(doc);
        Assert.Equal("fail: verdict: FAIL — 0 non-equivalent mutant(s) survived every checker, 0 'equivalent' mutant(s) killed; code mutants: 1 non-equivalent survived, 0 'equivalent' killed", VerdictLine(html));
        var row = CodeGrid(html).Single(r => r.Mutant == "c-writez-stdcall");
        Assert.True(row.Marked);
        Assert.All(row.Cells, c => Assert.Equal("survived", c.Class));
        Assert.Contains("of the non-equivalent code mutants killed; 1 killed by no backend.", html);
        doc["exitCode"] = 0;
        Assert.StartsWith("fail: verdict: EXIT 0 — the run exited 0, yet 1 non-equivalent mutant(s) survived", VerdictLine(Html(doc)));
    }

    [Fact]
    public void AThreeLayerSimulationShowsTheCodeLayer()
    {
        var doc = Fixtures.Load(Fixtures.SimulateCode);
        string html = Html(doc);
        long calls = (long)doc["code"]!["calls"]!;
        Assert.StartsWith($"pass: verdict: PASS — related after every step; {(long)doc["exits"]!} exits, {(long)doc["primitiveCalls"]!} checked primitive calls, {calls} of them also run on the code", VerdictLine(html));
        var rows = Rows(html, "doc-1-code");
        Assert.Equal([["layer", "code (impl/vmx.o)"], ["refinement", "code ⊑ VMCSInit (the machine code after VMCSInit on every call)"], ["calls judged", $"{calls}"], ["related", $"related after each of its {calls} call(s)"]], rows);
        Assert.Contains("<tr><th>related</th><td class=\"pass\">", html);
    }

    [Fact]
    public void AnUnrelatedCodeStepIsShownOnTheCodeLayer()
    {
        var doc = Fixtures.Load(Fixtures.SimulateCodeMutant);
        string html = Html(doc);
        string clause = (string)doc["failure"]!["clause"]!;
        Assert.StartsWith("code ⊑ VMCSInit: ", clause);
        Assert.Equal($"fail: verdict: FAIL — Unrelated on CPU 0, vmx_exit: {clause}", VerdictLine(html));
        Assert.Contains($"<tr class=\"differs\"><th>related</th><td class=\"fail clause\">✗ NOT related at vmx_exit (CPU 0): {clause}</td></tr>", html);
        // a failure of the layer pair's (no code refinement in the clause, VMCSInit's state on the low side) is not the code's
        doc["failure"]!["clause"] = "match_all";
        doc["failure"]!["low"] = "VMCSInit: regs PC=Vptr 1 1";
        string pair = Html(doc);
        Assert.Contains($"<tr><th>related</th><td>related in its {(long)doc["code"]!["calls"]!} call(s) before the run stopped (the failure below is not the code step's)</td></tr>", pair);
        Assert.StartsWith("fail: verdict: FAIL", VerdictLine(pair));
    }
}
