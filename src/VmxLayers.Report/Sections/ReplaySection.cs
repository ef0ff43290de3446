using VmxLayers.Report.Html;

namespace VmxLayers.Report.Sections;

/// <summary>`replay`: every step (CPU, call, what each layer did, related or why not), then the states where the relation first failed.</summary>
static class ReplaySection
{
    public static void Write(HtmlWriter w, Doc d)
    {
        var j = d.Json;
        if (J.OptStr(j, "scenario") is { } file) w.Open("p").Text("scenario ").Element("code", file).Text(J.OptStr(j, "description") is { } text ? $": {text}" : "").Close("p");
        var view = J.OptObj(j, "view");
        if (view is not null && J.OptStr(view, "initialUnrelated") is { } initial) w.Element("p", $"initial state: NOT related: {initial}", ("class", "fail"));
        else w.Element("p", "initial state: related");
        var steps = J.Items(j, "steps").ToList();
        w.Element("h3", $"Steps ({steps.Count})");
        w.Open("table", ("class", "steps"), ("id", $"{d.Id}-steps"));
        w.Open("thead").HeaderRow("#", "CPU", "call", "high", "low", "related").Close("thead").Open("tbody");
        var details = J.Items(j, "stepDetails").ToList();
        foreach (var (s, index) in steps.Select((s, i) => (s, i)))
        {
            var detail = index < details.Count ? details[index] : null;
            bool related = J.Bool(s, "related");
            w.Open("tr", ("class", related ? null : "differs"), ("data-step", J.N(J.Num(s, "index")).Replace(",", "")));
            w.Element("td", J.N(J.Num(s, "index")), ("class", "num")).Element("td", J.N(J.Num(s, "cpu")), ("class", "num"));
            w.Element("td", detail is null ? J.Str(s, "call") : J.Str(detail, "text"));
            w.Element("td", Side(J.Obj(s, "high"))).Element("td", Side(J.Obj(s, "low")));
            w.Element("td", related ? "related" : $"{CounterexampleSection.Mark} NOT related{(detail is not null && J.OptStr(detail, "unrelated") is { } why ? $": {why}" : "")}", ("class", related ? "pass" : "fail clause"));
            w.Close("tr");
        }
        w.Close("tbody").Close("table");
        if (view is null) return;
        w.Element("h3", J.OptNum(view, "step") is { } k ? $"The layers after step {J.N(k)}, where the relation first fails" : "The initial state, where the relation fails");
        var failures = J.Items(view, "failures").ToList();
        if (failures.Count > 0)
        {
            w.Open("p").Element("b", "failing relation clause(s): ");
            int i = 0;
            foreach (var f in failures) { if (i++ > 0) w.Text("; "); w.Element("code", J.Str(f, "clause"), ("class", "clause")).Text($" at {J.Str(f, "where")}"); }
            w.Close("p");
        }
        CounterexampleSection.WriteStates(w, $"{d.Id}-view", J.Items(view, "cpus").ToList());
    }

    /// <summary>"ok, returns 0", "ok", or "no behaviour: why".</summary>
    static string Side(System.Text.Json.Nodes.JsonObject o)
    {
        if (!J.Bool(o, "ok")) return $"no behaviour: {J.OptStr(o, "why") ?? ""}";
        return o["ret"] is { } ret ? $"ok, returns {ret.ToJsonString()}" : "ok";
    }
}
