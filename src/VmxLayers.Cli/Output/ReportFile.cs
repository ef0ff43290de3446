using System.CommandLine;
using System.Text.Json.Nodes;
using VmxLayers.Report;

namespace VmxLayers.Cli.Output;

/// <summary>
/// `--report FILE.html` and `--report-date DATE`: the path is checked before any work starts; the page is built from
/// the very document `--json` prints (so a report from the run and one from its saved JSON are the same) and written
/// atomically.
/// </summary>
public static class ReportFile
{
    public static Option<string?> Option() => new("--report")
    {
        Description = "Also write a self-contained HTML report (inline CSS and SVG plots, no scripts, printable) of this run to FILE.html; the path is checked before the work starts.",
        HelpName = "FILE.html",
    };

    public static Option<string?> DateOption() => new("--report-date")
    {
        Description = "The date the report shows (YYYY-MM-DD or an ISO 8601 date and time, UTC), for reproducible files; default the run's date.",
        HelpName = "DATE",
    };

    /// <summary>The validated report options: null, or the error line ("--report FILE: is a directory").</summary>
    public static string? Check(string? path, string? dateText, out DateTimeOffset? date, bool dateNeedsReport = true)
    {
        date = null;
        if (dateText is not null)
        {
            if (!HtmlReport.TryParseDate(dateText, out var d)) return $"--report-date: expected YYYY-MM-DD or an ISO 8601 date and time, got '{dateText}'";
            if (path is null && dateNeedsReport) return "--report-date sets the date of the report, which needs --report FILE.html";
            date = d;
        }
        if (path is not null && AtomicFile.WhyNotWritable(path) is { } why) return $"--report {path}: {why}";
        return null;
    }

    /// <summary>Builds and writes the report of one document; null on success, else the error line (the run's exit code stays the result's).</summary>
    public static string? Write(string path, JsonObject doc, DateTimeOffset? date) => Write(path, [doc], date);

    public static string? Write(string path, IReadOnlyList<JsonObject> docs, DateTimeOffset? date) =>
        AtomicFile.Write(path, HtmlReport.Build(docs, date)) is { } why ? $"--report {path}: cannot write the report: {why}" : null;
}
