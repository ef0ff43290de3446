using System.Text.Json.Nodes;
using VmxLayers.Report.Html;

namespace VmxLayers.Report.Sections;

/// <summary>
/// Counterexamples: the call, the failing clauses, both layers' states side by side per CPU with the failing entries
/// marked (row class "differs", a printed ✗ and the clause), the place-by-place diff, the commands that reproduce it.
/// </summary>
static class CounterexampleSection
{
    /// <summary>A counterexample and the refinement it refutes (null: the document's only one).</summary>
    public sealed record Found(JsonObject Cx, string? Refinement);

    /// <summary>The printed mark of a failing entry (so a printout without colour still shows it).</summary>
    public const string Mark = "✗";

    public static void WriteAll(HtmlWriter w, Doc d, IReadOnlyList<JsonObject> found) => WriteAll(w, d, [.. found.Select(cx => new Found(cx, null))]);

    /// <summary>The counterexamples, numbered in order; each names its refinement when the document has several.</summary>
    public static void WriteAll(HtmlWriter w, Doc d, IReadOnlyList<Found> found)
    {
        if (found.Count == 0) return;
        w.Element("h3", found.Count == 1 ? "Counterexample" : $"Counterexamples ({found.Count})");
        for (int k = 0; k < found.Count; k++) Write(w, $"{d.Id}-cx-{k + 1}", found[k], k + 1);
    }

    static void Write(HtmlWriter w, string id, Found f, int number)
    {
        var cx = f.Cx;
        string backend = J.Str(cx, "backend");
        w.Open("article", ("class", "counterexample"), ("id", id), ("data-primitive", J.Str(cx, "primitive")), ("data-backend", backend),
            ("data-refinement", f.Refinement), ("data-cpu", J.Long(cx, "cpu").ToString(System.Globalization.CultureInfo.InvariantCulture)));
        w.Element("h4", $"{number}. {(f.Refinement is { } refinement ? $"{refinement}, " : "")}{J.Str(cx, "primitive")}, found by {(backend == "prove" ? "the prover (decoded model)" : $"the {backend} backend")}"
            + (J.OptStr(cx, "seed") is { } seed ? $" (seed {seed})" : ""));
        w.Open("p").Element("b", "call: ").Element("code", J.Str(cx, "call")).Close("p");
        var violated = J.Strings(cx, "violated").ToList();
        if (violated.Count > 0)
        {
            w.Open("p").Element("b", "failing relation clause(s): ");
            for (int i = 0; i < violated.Count; i++) { if (i > 0) w.Text(", "); w.Element("code", violated[i], ("class", "clause")); }
            w.Close("p");
        }
        var low = J.Obj(cx, "low");
        if (!J.Bool(low, "ok")) w.Element("p", $"the low layer has no behaviour: {J.OptStr(low, "why") ?? "(no reason given)"}", ("class", "fail"));
        if (J.OptStr(cx, "error") is { } error) w.Element("p", $"evaluation error: {error}", ("class", "fail"));
        WriteFailures(w, cx);
        WriteStates(w, id, J.Items(cx, "cpus").ToList());
        WriteDiff(w, cx);
        var reproduce = J.Strings(cx, "reproduce").ToList();
        if (reproduce.Count > 0)
        {
            w.Element("p", "reproduce it (find it again and save it as a scenario, then replay the scenario):");
            w.Element("pre", string.Join("\n", reproduce), ("class", "reproduce"));
        }
        if (J.OptObj(cx, "scenario") is { } scenario)
            w.Open("details").Element("summary", "the scenario (docs/scenarios.md)").Element("pre", scenario.ToJsonString(Indented)).Close("details");
        w.Close("article");
    }

    static readonly System.Text.Json.JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>Each failing instance the relation's clauses reported: clause, place, CPU.</summary>
    static void WriteFailures(HtmlWriter w, JsonObject cx)
    {
        var failures = J.Items(cx, "failures").ToList();
        if (failures.Count == 0) return;
        w.Open("table", ("class", "failures")).Open("thead").HeaderRow("clause", "where", "CPU").Close("thead").Open("tbody");
        foreach (var f in failures)
            w.Open("tr").Element("td", J.Str(f, "clause"), ("class", "clause")).Element("td", J.Str(f, "where"))
             .Element("td", J.OptNum(f, "cpu") is { } c ? J.N(c) : "all", ("class", "num")).Close("tr");
        w.Close("tbody").Close("table");
    }

    /// <summary>
    /// One table per CPU: entry, then high and low before the call and after it (or the one state there is), the
    /// failing rows with class "differs", data-cpu and data-entry, the mark ✗ and the clause that fails there.
    /// </summary>
    public static void WriteStates(HtmlWriter w, string id, IReadOnlyList<JsonNode> cpus)
    {
        if (cpus.Count == 0) return;
        w.Open("div", ("class", "states"));
        foreach (var t in cpus)
        {
            long cpu = J.Long(t, "cpu");
            bool current = J.Bool(t, "current");
            var rows = J.Items(t, "rows").ToList();
            bool before = rows.Any(r => J.OptStr(r, "highBefore") is not null), after = rows.Any(r => J.OptStr(r, "high") is not null);
            w.Open("div", ("class", "cpu-state"));
            w.Open("table", ("class", "state"), ("id", $"{id}-cpu-{cpu}"), ("data-cpu", cpu.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            w.Element("caption", $"CPU {cpu}{(current ? " (the CPU of the call)" : "")}: {rows.Count(r => J.Items(r, "failing").Any())} failing entr(ies)");
            w.Open("thead").Open("tr").Element("th", "").Element("th", "entry");
            if (before) w.Element("th", "high before").Element("th", "low before");
            if (after) w.Element("th", before ? "high after" : "high").Element("th", before ? "low after" : "low");
            w.Element("th", "failing clause").Close("tr").Close("thead").Open("tbody");
            string? group = null;
            int width = 3 + (before ? 2 : 0) + (after ? 2 : 0);
            foreach (var r in rows)
            {
                string g = J.Str(r, "group");
                if (g != group)
                {
                    group = g;
                    w.Open("tr", ("class", "group")).Element("th", GroupTitle(g), ("colspan", width.ToString(System.Globalization.CultureInfo.InvariantCulture))).Close("tr");
                }
                var failing = J.Strings(r, "failing").ToList();
                string entry = J.Str(r, "name");
                w.Open("tr", ("class", failing.Count > 0 ? "differs" : null), ("data-cpu", cpu.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                    ("data-group", g), ("data-entry", entry));
                w.Element("td", failing.Count > 0 ? Mark : "", ("class", "mark")).Element("td", entry);
                if (before) w.Element("td", J.OptStr(r, "highBefore") ?? "", ("class", "val")).Element("td", J.OptStr(r, "lowBefore") ?? "", ("class", "val"));
                if (after) w.Element("td", J.OptStr(r, "high") ?? "", ("class", "val")).Element("td", J.OptStr(r, "low") ?? "", ("class", "val"));
                w.Element("td", string.Join(", ", failing), ("class", "clause")).Close("tr");
            }
            w.Close("tbody").Close("table");
            if (J.OptStr(t, "vmcsNote") is { } note) w.Element("p", $"CPU {cpu}: {note}.", ("class", "muted note"));
            w.Close("div");
        }
        w.Close("div");
    }

    static string GroupTitle(string group) => group switch
    {
        "flags" => "flags",
        "vmx" => "VMX save area (38 slots: abstract on high, loaded from VMX_LOC on low)",
        "vmcs" => "VMCS fields",
        "registers" => "registers (the call's input, then its output)",
        "arguments" => "arguments",
        "result" => "result",
        _ => group,
    };

    static void WriteDiff(HtmlWriter w, JsonObject cx)
    {
        var diff = J.Items(cx, "diff").ToList();
        if (diff.Count == 0) return;
        w.Open("details", ("class", "diff")).Element("summary", $"place-by-place diff ({diff.Count} line(s))");
        w.Open("table").Open("thead").HeaderRow("where", "high", "low", "why").Close("thead").Open("tbody");
        foreach (var l in diff)
            w.Open("tr").Element("td", J.Str(l, "where")).Element("td", J.OptStr(l, "high") ?? "", ("class", "val"))
             .Element("td", J.OptStr(l, "low") ?? "", ("class", "val")).Element("td", J.OptStr(l, "why") ?? "").Close("tr");
        w.Close("tbody").Close("table").Close("details");
    }
}
