using System.Globalization;
using System.Text.Json.Nodes;
using VmxLayers.Report.Html;

namespace VmxLayers.Report.Sections;

/// <summary>
/// `prove`'s composed refinement (code ⊑ PVMXIntro by vertical composition): the relation and the rule, then per
/// primitive the composed verdict, each step's verdict and the reason; a refuted lemma's composed case with the step
/// whose relation it fails concretely and the clauses it violates.
/// </summary>
static class CompositionSection
{
    public static void Write(HtmlWriter w, Doc d, JsonObject composed)
    {
        string refinement = J.Str(composed, "refinement");
        var steps = J.Strings(composed, "steps").ToList();
        var lemmas = J.Items(composed, "lemmas").ToList();
        w.Element("h3", $"Composition: {refinement}");
        w.Open("p").Element("b", "relation: ").Element("code", J.Str(composed, "relation")).Close("p");
        w.Open("p").Element("b", "rule: ").Text(J.Str(composed, "rule")).Close("p");
        w.Open("table", ("class", "composition"), ("id", $"{d.Id}-composition"));
        w.Open("thead").HeaderRow(["primitive", "verdict", .. steps, "reason", "steps' time"]).Close("thead").Open("tbody");
        foreach (var l in lemmas)
        {
            string verdict = J.Str(l, "verdict");
            var stepVerdicts = J.Obj(l, "steps");
            w.Open("tr", ("data-primitive", J.Str(l, "primitive")));
            w.Element("td", J.Str(l, "primitive")).Open("td").Element("span", verdict, ("class", $"badge {ProofSection.Class(verdict)}")).Close("td");
            foreach (var s in steps)
            {
                string v = J.Str(stepVerdicts, s);
                w.Element("td", v, ("class", $"verdict {ProofSection.Class(v)}"), ("data-step", s));
            }
            w.Element("td", J.Str(l, "reason")).Element("td", J.OptNum(l, "timeMs") is { } t ? J.Ms(t) : "", ("class", "num"));
            w.Close("tr");
        }
        w.Close("tbody").Close("table");
        int k = 0;
        foreach (var l in lemmas)
            if (J.OptObj(l, "counterexample") is { } cx) Case(w, $"{d.Id}-composed-cx-{++k}", J.Str(l, "primitive"), cx);
    }

    /// <summary>A refuted composed lemma's case: where it ran, the step whose relation it fails, the violated clauses.</summary>
    static void Case(HtmlWriter w, string id, string primitive, JsonObject cx)
    {
        long cpu = J.Long(cx, "cpu");
        string step = J.Str(cx, "failingStep");
        w.Open("article", ("class", "counterexample composed"), ("id", id), ("data-primitive", primitive), ("data-failing-step", step),
            ("data-cpu", cpu.ToString(CultureInfo.InvariantCulture)));
        w.Element("h4", $"{primitive}: the composed case, CPU {cpu} of {J.Long(cx, "totalCpu")}");
        w.Open("p").Element("b", "failing step: ").Element("span", $"{CounterexampleSection.Mark} {step}", ("class", "clause")).Close("p");
        var violated = J.Strings(cx, "violated").ToList();
        w.Open("p").Element("b", "violated clause(s): ");
        if (violated.Count == 0) w.Text("none named");
        for (int i = 0; i < violated.Count; i++) { if (i > 0) w.Text(", "); w.Element("code", violated[i], ("class", "clause")); }
        w.Close("p").Close("article");
    }
}
