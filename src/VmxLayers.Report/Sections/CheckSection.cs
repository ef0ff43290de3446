using System.Text.Json.Nodes;
using VmxLayers.Report.Html;

namespace VmxLayers.Report.Sections;

/// <summary>
/// `check`: per primitive and concrete backend the cases, hypothesis held, high-ok rate, verdict and time — for the
/// main refinement, the code layer (code ⊑ VMCSInit) and the composition (code ⊑ PVMXIntro) when they ran; the
/// proofs; every counterexample.
/// </summary>
static class CheckSection
{
    public static void Write(HtmlWriter w, Doc d)
    {
        var tables = Tables(d);
        bool several = Several(tables);
        var all = new List<JsonNode>();
        foreach (var t in tables)
        {
            w.Element("h3", t.Title);
            if (t.Relation is { } relation) w.Open("p").Element("b", "relation: ").Element("code", relation).Close("p");
            Results(w, $"{d.Id}-{t.Key}", t.Results);
            all.AddRange(t.Results);
        }
        if (all.Count > 0)
        {
            w.Open("details").Element("summary", "the scopes (what each backend ran)").Open("ul");
            foreach (var t in tables)
                foreach (var r in t.Results)
                    w.Open("li").Element("b", $"{(several ? $"{t.Refinement}, " : "")}{J.Str(r, "primitive")}, {J.Str(r, "backend")}: ").Text(J.OptStr(r, "scope") ?? "").Close("li");
            w.Close("ul").Close("details");
        }
        if (d.Json["proofs"] is not null) ProofSection.WriteLemmas(w, d, J.Items(d.Json, "proofs").ToList(), "Proofs");
        string? main = J.OptStr(d.Json, "refinement");
        var found = tables.SelectMany(t => t.Results.Select(r => r["counterexample"]).OfType<JsonObject>().Select(cx => new CounterexampleSection.Found(cx, several ? t.Refinement : null))).ToList();
        found.AddRange(J.Items(d.Json, "proofs").Select(l => l["counterexample"]).OfType<JsonObject>().Select(cx => new CounterexampleSection.Found(cx, several ? main : null)));
        CounterexampleSection.WriteAll(w, d, found);
    }

    /// <summary>One results table: its title, the refinement it checks (null when the document does not say), its relation, its backend reports.</summary>
    internal sealed record Table(string Key, string Title, string? Refinement, string? Relation, IReadOnlyList<JsonNode> Results);

    /// <summary>Whether the tables are of more than the main refinement (then each names its own).</summary>
    internal static bool Several(IReadOnlyList<Table> tables) => tables.Any(t => t.Key != "results");

    /// <summary>
    /// The document's results tables: the main one (unless only the others ran), then `code` and `composed`'s.
    /// </summary>
    internal static List<Table> Tables(Doc d)
    {
        var j = d.Json;
        var code = J.OptObj(j, "code");
        var composed = J.OptObj(j, "composed");
        var main = J.Items(j, "results").ToList();
        string? refinement = J.OptStr(j, "refinement");
        var tables = new List<Table>();
        if (main.Count > 0 || (code is null && composed is null))
            tables.Add(new("results", refinement is null ? "Concrete backends" : $"Concrete backends: {refinement}", refinement, null, main));
        if (code is not null)
        {
            string name = J.Str(code, "refinement");
            tables.Add(new("code-results", $"Code layer: {name} — {J.Str(code, "layer")}", name, null, J.Items(code, "results").ToList()));
        }
        if (composed is not null)
        {
            string name = J.Str(composed, "refinement");
            tables.Add(new("composed-results", $"Composition: {name} ({string.Join(", then ", J.Strings(composed, "steps"))})", name, J.Str(composed, "relation"), J.Items(composed, "results").ToList()));
        }
        return tables;
    }

    static void Results(HtmlWriter w, string id, IReadOnlyList<JsonNode> results)
    {
        w.Open("table", ("class", "results"), ("id", id));
        w.Open("thead").HeaderRow("primitive", "backend", "cases", "hypothesis held", "high succeeded", "high ok", "verdict", "time", "seed").Close("thead").Open("tbody");
        foreach (var r in results)
        {
            string verdict = J.Str(r, "verdict");
            w.Open("tr", ("data-primitive", J.Str(r, "primitive")), ("data-backend", J.Str(r, "backend")));
            w.Element("td", J.Str(r, "primitive")).Element("td", J.Str(r, "backend"));
            w.Element("td", J.N(J.Num(r, "cases")), ("class", "num")).Element("td", J.N(J.Num(r, "hypothesisHeld")), ("class", "num"))
             .Element("td", J.N(J.Num(r, "highSucceeded")), ("class", "num")).Element("td", $"{J.N(100 * J.Num(r, "highShare"), 1)}%", ("class", "num"));
            w.Element("td", verdict == "pass" ? "pass" : verdict.ToUpperInvariant(), ("class", $"verdict {(verdict == "pass" ? "pass" : "fail")}"));
            w.Element("td", J.Ms(J.Num(r, "timeMs")), ("class", "num")).Element("td", J.OptStr(r, "seed") ?? "");
            w.Close("tr");
        }
        w.Close("tbody").Close("table");
    }
}
