using System.Text.Json.Nodes;

namespace VmxLayers.Tests.Cli;

/// <summary>`--report FILE.html` on the commands and `vmxlayers report`: the same page from the run and from its saved --json; bad input is one line, exit 2.</summary>
public class ReportCommandTests
{
    static string Temp(string suffix) => Path.Combine(Path.GetTempPath(), $"vmx-report-{Guid.NewGuid():N}{suffix}");

    [Fact]
    public void TheReportFromTheRunEqualsTheReportFromItsJson()
    {
        string fromRun = Temp(".html"), json = Temp(".json"), fromJson = Temp(".html");
        try
        {
            var r = CliProcess.Run("check", "--mutant", "exit-skips-edi-store", "--primitive", "vmx_exit", "--backend", "exhaustive", "--no-prove",
                "--json", "--report", fromRun, "--report-date", "2025-01-31");
            Assert.Equal(1, r.ExitCode);
            var doc = JsonNode.Parse(r.Out)!;
            Assert.Equal("vmxlayers check --mutant exit-skips-edi-store --primitive vmx_exit --backend exhaustive --no-prove --json --report " + fromRun + " --report-date 2025-01-31",
                (string?)doc["commandLine"]);
            Assert.NotNull(doc["machine"]?["cores"]);
            File.WriteAllText(json, r.Out);
            var rep = CliProcess.Run("report", json, "-o", fromJson, "--report-date", "2025-01-31");
            Assert.True(rep.ExitCode == 0, rep.Err);
            string html = File.ReadAllText(fromRun);
            Assert.Equal(html, File.ReadAllText(fromJson));
            Assert.Contains("<tr class=\"differs\" data-cpu=\"0\" data-group=\"vmx\" data-entry=\"10 G_RDI\"><td class=\"mark\">✗</td>", html);
            Assert.Contains("vmxlayers replay counterexample.json", html);
        }
        finally { foreach (var f in new[] { fromRun, json, fromJson }) File.Delete(f); }
    }

    [Fact]
    public void ReplayReportsShowTheStateWhereTheRelationFirstFails()
    {
        string file = Temp(".html");
        try
        {
            var r = CliProcess.Run("replay", Path.Combine(Scenarios.ScenarioReplayTests.ExamplesDir(), "mutant-exit-skips-edi.json"), "--report", file);
            Assert.Equal(1, r.ExitCode);
            string html = File.ReadAllText(file);
            Assert.Contains("verdict: NOT RELATED — not related (first at step 2)", html);
            Assert.Contains("The layers after step 2, where the relation first fails", html);
            Assert.Contains("data-entry=\"10 G_RDI\"><td class=\"mark\">✗</td>", html);
        }
        finally { File.Delete(file); }
    }

    [Theory]
    [InlineData("check", "--no-prove --primitive vmx_readz --budget 10")]
    [InlineData("prove", "--primitive vmx_readz")]
    [InlineData("simulate", "--cpus 1")]
    [InlineData("mutants", "--list")]
    public void AnUnwritableReportPathIsRejectedBeforeAnyWork(string command, string options)
    {
        var r = CliProcess.Run([command, .. options.Split(' '), "--report", "/no/such/dir/r.html"]);
        Assert.Equal(2, r.ExitCode);
        Assert.Equal("", r.Out);
        Assert.Equal($"vmxlayers {command}: --report /no/such/dir/r.html: no such directory /no/such/dir\n", r.Err);
    }

    [Fact]
    public void BadReportOptionsAreOneLineAndExitTwo()
    {
        var date = CliProcess.Run("check", "--no-prove", "--primitive", "vmx_readz", "--report", Temp(".html"), "--report-date", "31/01/2025");
        Assert.Equal((2, "vmxlayers check: --report-date: expected YYYY-MM-DD or an ISO 8601 date and time, got '31/01/2025'\n"), (date.ExitCode, date.Err));
        var alone = CliProcess.Run("prove", "--primitive", "vmx_readz", "--report-date", "2025-01-31");
        Assert.Equal((2, "vmxlayers prove: --report-date sets the date of the report, which needs --report FILE.html\n"), (alone.ExitCode, alone.Err));
        string notJson = Temp(".json");
        File.WriteAllText(notJson, "{\"tool\": {\"name\": \"vmxlayers\", \"version\": \"1\", \"commit\": \"x\"}, \"command\": \"check\", \"results\": [{}]}");
        try
        {
            var bad = CliProcess.Run("report", notJson, "-o", Temp(".html"));
            Assert.Equal((2, $"vmxlayers report: {notJson}: $.results[0].cases: expected a number (missing)\n"), (bad.ExitCode, bad.Err));
        }
        finally { File.Delete(notJson); }
        var missing = CliProcess.Run("report", "/no/such.json", "-o", Temp(".html"));
        Assert.Equal((2, "vmxlayers report: /no/such.json: no such file or directory\n"), (missing.ExitCode, missing.Err));
        var noOutput = CliProcess.Run("report", "/no/such.json");
        Assert.Equal((2, "vmxlayers report: missing -o FILE.html (where to write the report)\n"), (noOutput.ExitCode, noOutput.Err));
    }
}
