using System.Globalization;
using System.Text.Json.Nodes;

namespace VmxLayers.Report.Sections;

/// <summary>One document of the report: its JSON, its place (the HTML id prefix), its command and verdict, the date its header shows.</summary>
sealed class Doc
{
    public Doc(JsonObject json, int index, DateTimeOffset? reportDate)
    {
        Json = json;
        Id = $"doc-{index}";
        var tool = J.Obj(json, "tool");
        if (J.Str(tool, "name") != "vmxlayers") throw new ReportInputException($"{tool.GetPath()}.name: expected \"vmxlayers\" (not a vmxlayers --json document)");
        Tool = $"vmxlayers {J.Str(tool, "version")}";
        Commit = J.Str(tool, "commit");
        Command = J.OptStr(json, "command") ?? (json.ContainsKey("steps") && json.ContainsKey("final") ? "replay" : throw new ReportInputException("$.command: expected the command that wrote the document (missing)"));
        if (!HtmlReport.Commands.Contains(Command))
            throw new ReportInputException($"$.command: a report shows {string.Join(", ", HtmlReport.Commands)}, not '{Command}'");
        Date = reportDate is { } d ? Format(d) : J.OptStr(json, "date") is { } s && HtmlReport.TryParseDate(s, out var run) ? Format(run) : "date unknown";
        Verdict = Verdicts.Of(this);
    }

    public JsonObject Json { get; }
    public string Id { get; }
    public string Tool { get; }
    public string Commit { get; }
    public string Command { get; }
    public string Date { get; }
    public Verdict Verdict { get; }

    /// <summary>The exit code the run reported (replay's document has none: related 0, interrupted 130, else 1).</summary>
    public int ExitCode => J.OptNum(Json, "exitCode") is { } c ? (int)c
        : J.OptBool(Json, "interrupted") == true ? 130 : J.OptBool(Json, "related") == true ? 0 : 1;

    static string Format(DateTimeOffset d) => d.ToUniversalTime().ToString(d.TimeOfDay == TimeSpan.Zero ? "yyyy-MM-dd" : "yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);
}
