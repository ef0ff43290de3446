using VmxLayers.Report.Html;

namespace VmxLayers.Report.Sections;

/// <summary>One run's section: the verdict in one line, the header (tool, commit, command line, seed, machine, date), then what its command produced.</summary>
static class DocumentSection
{
    public static void Write(HtmlWriter w, Doc d)
    {
        w.Open("section", ("class", "doc"), ("id", d.Id), ("data-command", d.Command));
        w.Open("h2").Text($"{d.Command} ").Element("span", d.Verdict.Word, ("class", $"badge {d.Verdict.Class}")).Close("h2");
        w.Open("p", ("class", $"verdict-line verdict {d.Verdict.Class}"), ("id", $"{d.Id}-verdict")).Text($"verdict: {d.Verdict.Word} — {d.Verdict.Line}").Close("p");
        Header(w, d);
        switch (d.Command)
        {
            case "check": CheckSection.Write(w, d); break;
            case "prove": ProofSection.WriteProve(w, d); break;
            case "replay": ReplaySection.Write(w, d); break;
            case "simulate": SimulateSection.Write(w, d); break;
            case "mutants": MutantsSection.Write(w, d); break;
            default: throw new ReportInputException($"$.command: no report for '{d.Command}'");
        }
        w.Close("section");
    }

    static void Header(HtmlWriter w, Doc d)
    {
        var j = d.Json;
        w.Open("table", ("class", "meta")).Open("tbody");
        w.KeyValue("tool", d.Tool).KeyValue("commit", d.Commit);
        if (J.OptStr(j, "commandLine") is { } line) w.Open("tr").Element("th", "command line").Open("td").Element("code", line).Close("td").Close("tr");
        // a random check's seed is a CsCheck string, simulate's an integer
        if (j["seed"] is System.Text.Json.Nodes.JsonValue seed && seed.GetValueKind() == System.Text.Json.JsonValueKind.Number) w.KeyValue("seed", seed.ToJsonString());
        else if (J.OptStr(j, "seed") is { } text) w.KeyValue("seed", text);
        if (J.OptStr(j, "mutant") is { } m) w.KeyValue("mutant", m);
        if (J.OptObj(j, "machine") is { } mc)
            w.KeyValue("machine", $"{J.OptStr(mc, "os")}, {J.OptStr(mc, "arch")}, {J.OptNum(mc, "cores")} core(s), {J.OptStr(mc, "runtime")}");
        w.KeyValue("date", d.Date);
        w.Close("tbody").Close("table");
    }
}
