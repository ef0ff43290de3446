using System.Globalization;
using System.Text.Json.Nodes;
using VmxLayers.Report.Html;
using VmxLayers.Report.Sections;

namespace VmxLayers.Report;

/// <summary>
/// One self-contained HTML page from one or more `--json` documents of check, prove, replay, simulate and mutants:
/// inline CSS and SVG, no script, no network access; readable without JavaScript (expandable parts are
/// &lt;details&gt;) and printable. Everything shown comes from the documents, so a report built by a command and one
/// built later from its saved JSON are the same page.
/// </summary>
public static class HtmlReport
{
    /// <summary>The commands whose documents a report shows.</summary>
    public static readonly IReadOnlyList<string> Commands = ["check", "prove", "replay", "simulate", "mutants"];

    /// <param name="date">The date every header shows (fixed for reproducible files); null: each document's own run date.</param>
    public static string Build(IReadOnlyList<JsonObject> documents, DateTimeOffset? date = null)
    {
        if (documents.Count == 0) throw new ReportInputException("no document to report");
        var docs = documents.Select((d, i) => new Doc(d, i + 1, date)).ToList();
        var w = new HtmlWriter();
        w.Raw("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
        w.Element("title", $"VmxLayers report: {string.Join(", ", docs.Select(d => $"{d.Command} {d.Verdict.Word}"))}").Raw("\n");
        w.Raw("<style>\n").Raw(Style.Css).Raw("\n</style>\n</head>\n<body>\n");
        w.Open("header").Element("h1", "VmxLayers report");
        w.Element("p", $"{docs[0].Date} · {docs.Count} run(s) · {docs[0].Tool}", ("class", "muted"));
        if (docs.Count > 1)
        {
            w.Open("nav").Open("ul");
            foreach (var d in docs)
                w.Open("li").Open("a", ("href", $"#{d.Id}")).Text(d.Command).Close("a").Text(" ").Element("span", d.Verdict.Word, ("class", $"badge {d.Verdict.Class}")).Text($" — {d.Verdict.Line}").Close("li");
            w.Close("ul").Close("nav");
        }
        w.Close("header");
        foreach (var d in docs) DocumentSection.Write(w, d);
        w.Element("footer", "Built by vmxlayers from the runs' --json documents: self-contained (no scripts, no network access); expandable parts are <details>, opened when printed.");
        w.Raw("\n</body>\n</html>\n");
        return w.ToString();
    }

    /// <summary>Parses a --report-date value: "2025-01-31" or an ISO 8601 date and time (taken as UTC without an offset).</summary>
    public static bool TryParseDate(string text, out DateTimeOffset date) =>
        DateTimeOffset.TryParseExact(text, ["yyyy-MM-dd", "yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd'T'HH:mm:ssK", "yyyy-MM-dd'T'HH:mmK"],
            CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out date);
}
