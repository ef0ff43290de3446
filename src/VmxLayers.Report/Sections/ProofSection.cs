using System.Text.Json.Nodes;
using VmxLayers.Report.Html;
using VmxLayers.Report.Plots;

namespace VmxLayers.Report.Sections;

/// <summary>The lemmas of `prove` (and `check`'s proofs): verdict, obligations, time and resources per lemma, every obligation expandable with its message.</summary>
static class ProofSection
{
    public static void WriteProve(HtmlWriter w, Doc d)
    {
        w.Element("p", $"solver {J.Str(d.Json, "solver")}, resource limit {J.N(J.Num(d.Json, "rlimit"))} per obligation");
        var lemmas = J.Items(d.Json, "lemmas").ToList();
        var code = J.OptObj(d.Json, "code");
        var composed = J.OptObj(d.Json, "composed");
        // "lemmas" are the first refinement's (the layer pair's, or the code's when only it was proved)
        string? first = J.Strings(d.Json, "refinements").FirstOrDefault();
        WriteLemmas(w, d, lemmas, first is null ? "Lemmas" : $"Lemmas: {first}");
        bool several = code is not null || composed is not null;
        var found = lemmas.Select(l => l["counterexample"]).OfType<JsonObject>().Select(cx => new CounterexampleSection.Found(cx, several ? first : null)).ToList();
        if (code is not null)
        {
            string refinement = J.Str(code, "refinement");
            var codeLemmas = J.Items(code, "lemmas").ToList();
            WriteLemmas(w, d, codeLemmas, $"Lemmas: {refinement}", "code-lemmas",
                $"the code layer: {J.Str(code, "layer")}" + (J.OptStr(code, "statedFor") is { } states ? $"; the lemma is stated for {states}" : ""));
            found.AddRange(codeLemmas.Select(l => l["counterexample"]).OfType<JsonObject>().Select(cx => new CounterexampleSection.Found(cx, refinement)));
        }
        if (composed is not null) CompositionSection.Write(w, d, composed);
        CounterexampleSection.WriteAll(w, d, found);
    }

    /// <summary>A table of lemmas titled <paramref name="title"/> (and <paramref name="note"/> under it), their obligations and a solve-time plot; <paramref name="key"/> makes the HTML ids unique on the page.</summary>
    public static void WriteLemmas(HtmlWriter w, Doc d, IReadOnlyList<JsonNode> lemmas, string title, string key = "lemmas", string? note = null)
    {
        w.Element("h3", title);
        if (note is not null) w.Element("p", note, ("class", "muted note"));
        w.Open("table", ("class", "lemmas"), ("id", $"{d.Id}-{key}"));
        w.Open("thead").HeaderRow("primitive", "solver", "verdict", "obligations proved", "premises satisfiable", "time", "resources").Close("thead").Open("tbody");
        foreach (var l in lemmas)
        {
            string verdict = J.Str(l, "verdict");
            var obligations = J.Items(l, "obligations").ToList();
            w.Open("tr", ("data-primitive", J.Str(l, "primitive")));
            w.Element("td", J.Str(l, "primitive")).Element("td", J.OptStr(l, "solver") ?? "");
            w.Element("td", verdict, ("class", $"verdict {Class(verdict)}"));
            w.Element("td", obligations.Count == 0 ? "" : $"{J.N(J.OptNum(l, "obligationsProved") ?? 0)}/{obligations.Count}", ("class", "num"));
            w.Element("td", J.OptStr(l, "premisesSatisfiable") ?? "");
            w.Element("td", J.OptNum(l, "timeMs") is { } t ? J.Ms(t) : "", ("class", "num")).Element("td", J.OptNum(l, "resources") is { } res ? J.N(res) : "", ("class", "num"));
            w.Close("tr");
        }
        w.Close("tbody").Close("table");
        foreach (var l in lemmas.Where(l => J.Items(l, "obligations").Any())) Obligations(w, l);
        var timed = lemmas.Where(l => J.OptNum(l, "timeMs") is not null).Select(l => (J.Str(l, "primitive"), J.Num(l, "timeMs") / 1000)).ToList();
        if (timed.Count > 1)
            w.Open("figure").Raw(Charts.Bars($"{d.Id}-{key}-time", "Solve time per lemma", "seconds", timed)).Element("figcaption", $"wall-clock time of each lemma's obligations and its vacuity check ({title})").Close("figure");
    }

    public static string Class(string verdict) => verdict switch { "PROVED" => "pass", "UNKNOWN" or "INTERRUPTED" or "NOT STARTED" => "inconclusive", _ => "fail" };

    /// <summary>A lemma's obligations, expandable (open when the lemma was not proved): clause, what it says, verdict, time, resources, message.</summary>
    static void Obligations(HtmlWriter w, JsonNode l)
    {
        string verdict = J.Str(l, "verdict");
        var obligations = J.Items(l, "obligations").ToList();
        w.Open("details", ("class", "obligations"), ("open", verdict == "PROVED" ? null : ""));
        w.Open("summary").Text($"{J.Str(l, "primitive")}: {obligations.Count} obligations, ").Element("span", verdict, ("class", $"verdict {Class(verdict)}")).Close("summary");
        w.Open("table").Open("thead").HeaderRow("clause", "obligation", "verdict", "time", "resources", "message").Close("thead").Open("tbody");
        foreach (var o in obligations)
        {
            string v = J.Str(o, "verdict");
            w.Open("tr").Element("td", J.Str(o, "clause")).Element("td", J.Str(o, "why")).Element("td", v, ("class", $"verdict {Class(v)}"));
            w.Element("td", J.Ms(J.Num(o, "timeMs")), ("class", "num")).Element("td", J.N(J.Num(o, "resources")), ("class", "num"));
            w.Element("td", J.OptStr(o, "message") ?? J.OptStr(o, "reasonUnknown") ?? "").Close("tr");
        }
        w.Close("tbody").Close("table");
        if (J.OptStr(l, "counterexampleCheck") is { } check) w.Element("p", $"the prover's counterexample: {check}");
        w.Close("details");
    }
}
