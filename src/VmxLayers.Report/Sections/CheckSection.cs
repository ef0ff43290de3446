using VmxLayers.Report.Html;

namespace VmxLayers.Report.Sections;

/// <summary>`check`: per primitive and concrete backend the cases, hypothesis held, high-ok rate, verdict and time; the proofs; every counterexample.</summary>
static class CheckSection
{
    public static void Write(HtmlWriter w, Doc d)
    {
        var results = J.Items(d.Json, "results").ToList();
        w.Element("h3", "Concrete backends");
        w.Open("table", ("class", "results"), ("id", $"{d.Id}-results"));
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
        if (results.Count > 0)
        {
            w.Open("details").Element("summary", "the scopes (what each backend ran)").Open("ul");
            foreach (var r in results) w.Open("li").Element("b", $"{J.Str(r, "primitive")}, {J.Str(r, "backend")}: ").Text(J.OptStr(r, "scope") ?? "").Close("li");
            w.Close("ul").Close("details");
        }
        if (d.Json["proofs"] is not null) ProofSection.WriteLemmas(w, d, J.Items(d.Json, "proofs").ToList(), "Proofs");
        var found = results.Select(r => r["counterexample"]).Concat(J.Items(d.Json, "proofs").Select(l => l["counterexample"])).OfType<System.Text.Json.Nodes.JsonObject>().ToList();
        CounterexampleSection.WriteAll(w, d, found);
    }
}
