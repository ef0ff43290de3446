using System.Globalization;
using System.Text.Json.Nodes;
using VmxLayers.Report.Html;
using VmxLayers.Report.Plots;

namespace VmxLayers.Report.Sections;

/// <summary>`simulate`: the counts, the code layer (three layers), exits per reason and per CPU (bars), checked calls/s over time (line), the failure, every guest's console.</summary>
static class SimulateSection
{
    public static void Write(HtmlWriter w, Doc d)
    {
        var j = d.Json;
        w.Open("table", ("class", "meta simulate")).Open("tbody");
        w.KeyValue("CPUs", J.N(J.Num(j, "cpus")));
        w.KeyValue("exits", J.N(J.Num(j, "exits")));
        w.KeyValue("checked primitive calls", J.N(J.Num(j, "primitiveCalls")));
        w.KeyValue("guest instructions", J.N(J.Num(j, "guestSteps")));
        w.KeyValue("elapsed", $"{J.N(J.Num(j, "elapsedSeconds"), 2)} s wall, {J.N(J.Num(j, "cpuSeconds"), 2)} s CPU");
        w.KeyValue("throughput", $"{J.N(J.Num(j, "callsPerSecond"))} checked calls/s, {J.N(J.Num(j, "exitsPerSecond"))} exits/s");
        if (J.OptObj(j, "relationChecks") is { } checks)
            w.KeyValue("relation checks", string.Join(", ", checks.Select(kv => $"{kv.Key} {J.N(J.Num(checks, kv.Key))}")));
        w.Close("tbody").Close("table");
        if (J.OptObj(j, "code") is { } code) CodeLayer(w, d, code);
        if (J.OptObj(j, "failure") is { } f)
        {
            w.Open("article", ("class", "counterexample"), ("id", $"{d.Id}-failure")).Element("h4", $"{J.Str(f, "kind")} on {(J.Long(f, "cpu") < 0 ? "all CPUs" : $"CPU {J.Long(f, "cpu")}")}, {J.Str(f, "step")}");
            w.Open("p").Element("b", "clause: ").Element("code", J.Str(f, "clause"), ("class", "clause")).Close("p");
            if (J.OptStr(f, "high") is { } high) w.Open("p").Element("b", "high: ").Element("code", high).Close("p");
            if (J.OptStr(f, "low") is { } low) w.Open("p").Element("b", "low: ").Element("code", low).Close("p");
            w.Close("article");
        }
        Plots(w, d);
        w.Element("h3", "Guest consoles");
        foreach (var g in J.Items(j, "guests"))
        {
            long cpu = J.Long(g, "cpu");
            w.Element("h4", $"CPU {cpu}: {J.Str(g, "guest")} — {J.N(J.Num(g, "completedRuns"))} completed run(s), {J.N(J.Num(g, "exits"))} exits");
            w.Element("pre", J.Str(g, "output"), ("class", "console"), ("data-cpu", cpu.ToString(CultureInfo.InvariantCulture)));
        }
    }

    /// <summary>
    /// The third layer of a co-simulation with --impl: the machine code run after VMCSInit on every call and judged by
    /// code ⊑ VMCSInit. Its failures are the ones that name that refinement in their clause or the code layer in their
    /// low side (how the co-simulation reports the code step); any other failure is the layer pair's.
    /// </summary>
    static void CodeLayer(HtmlWriter w, Doc d, JsonObject code)
    {
        string layer = J.Str(code, "layer"), refinement = J.Str(code, "refinement");
        double calls = J.Num(code, "calls");
        var f = J.OptObj(d.Json, "failure");
        bool codeFailed = f is not null && J.Str(f, "kind") == "Unrelated"
            && (J.Str(f, "clause").StartsWith($"{refinement}: ", StringComparison.Ordinal) || J.OptStr(f, "low")?.StartsWith($"{layer}: ", StringComparison.Ordinal) == true);
        var (status, cls) = f is null ? ($"related after each of its {J.N(calls)} call(s)", "pass")
            : codeFailed ? ($"{CounterexampleSection.Mark} NOT related at {J.Str(f, "step")} ({(J.Long(f, "cpu") < 0 ? "all CPUs" : $"CPU {J.Long(f, "cpu")}")}): {J.Str(f, "clause")}", "fail clause")
            : ($"related in its {J.N(calls)} call(s) before the run stopped (the failure below is not the code step's)", null);
        w.Element("h3", "Code layer");
        w.Open("table", ("class", "meta code"), ("id", $"{d.Id}-code")).Open("tbody");
        w.KeyValue("layer", layer).KeyValue("refinement", $"{refinement} (the machine code after VMCSInit on every call)");
        w.KeyValue("calls judged", J.N(calls));
        w.Open("tr", ("class", codeFailed ? "differs" : null)).Element("th", "related").Element("td", status, ("class", cls)).Close("tr");
        w.Close("tbody").Close("table");
    }

    static void Plots(HtmlWriter w, Doc d)
    {
        var j = d.Json;
        w.Element("h3", "Plots");
        var reasons = J.Counts(j, "exitsByReason").ToList();
        if (reasons.Count > 0) Figure(w, Charts.Bars($"{d.Id}-reasons", "Exits per reason", "exits", reasons), "VM exits by exit reason, all CPUs");
        var perCpu = J.Items(j, "guests").Select(g => ($"CPU {J.Long(g, "cpu")}", J.Num(g, "exits"))).ToList();
        if (perCpu.Count > 0) Figure(w, Charts.Bars($"{d.Id}-cpus", "Exits per CPU", "exits", perCpu, "#7a5195"), "VM exits each CPU's guest took");
        var calls = J.Counts(j, "primitiveCallsByName").ToList();
        if (calls.Count > 0) Figure(w, Charts.Bars($"{d.Id}-calls", "Checked calls per primitive", "calls", calls, "#2f7f5f"), "PVMXIntro primitive calls, each run on both layers and checked");
        var samples = J.Items(j, "timeline").ToList();
        if (samples.Count >= 2)
        {
            // The rate between consecutive samples, plotted at the end of each interval.
            var xs = new List<double>();
            var ys = new List<double>();
            for (int k = 1; k < samples.Count; k++)
            {
                double dt = J.Num(samples[k], "seconds") - J.Num(samples[k - 1], "seconds");
                if (dt <= 0) continue;
                xs.Add(J.Num(samples[k], "seconds"));
                ys.Add((J.Num(samples[k], "calls") - J.Num(samples[k - 1], "calls")) / dt);
            }
            if (xs.Count > 0) Figure(w, Charts.Line($"{d.Id}-rate", "Checked calls per second over time", "seconds", "calls/s", xs, ys),
                $"between consecutive progress samples ({samples.Count} samples)");
        }
        else w.Element("p", "the run was too short for a rate over time (fewer than two progress samples)", ("class", "muted"));
    }

    static void Figure(HtmlWriter w, string svg, string caption) => w.Open("figure").Raw(svg).Element("figcaption", caption).Close("figure");
}
