using System.Text.Json.Nodes;
using VmxLayers.Report.Html;
using VmxLayers.Report.Plots;

namespace VmxLayers.Report.Sections;

/// <summary>`mutants`: the kill matrix as a grid (mutant × backend: killed with the time, survived, equivalent), the kill rates; or the catalog.</summary>
static class MutantsSection
{
    public static void Write(HtmlWriter w, Doc d)
    {
        var rows = J.Items(d.Json, "mutants").ToList();
        if (d.Json["backends"] is null) { Catalog(w, rows); return; }
        var backends = J.Strings(d.Json, "backends").ToList();
        w.Element("p", $"backends {string.Join(", ", backends)}; random budget {J.N(J.Num(d.Json, "randomBudget"))}, solver {J.Str(d.Json, "solver")}, " +
            $"simulate on {J.N(J.Num(d.Json, "simulateCpus"))} CPU(s); {J.Ms(J.Num(d.Json, "elapsedMs"))} in all");
        w.Element("h3", "Kill matrix");
        w.Open("table", ("class", "kill"), ("id", $"{d.Id}-kill"));
        w.Open("thead").Open("tr").Element("th", "mutant").Element("th", "target");
        foreach (var b in backends) w.Element("th", b);
        w.Element("th", "first kill").Close("tr").Close("thead").Open("tbody");
        foreach (var r in rows)
        {
            bool equivalent = J.Bool(r, "equivalent");
            string name = J.Str(r, "name");
            w.Open("tr", ("data-mutant", name), ("class", !equivalent && !Verdicts.KilledSomewhere(r) ? "differs" : null));
            w.Open("td").Element("code", name).Raw("<br>").Element("span", J.Str(r, "description"), ("class", "desc")).Close("td");
            w.Element("td", J.Str(r, "target") + (equivalent ? " (equivalent)" : ""));
            var cells = J.Obj(r, "backends");
            foreach (var b in backends) Cell(w, J.OptObj(cells, b), equivalent, b);
            w.Element("td", J.OptStr(r, "firstKillBy") is { } by ? $"{by}, {J.Ms(J.Num(r, "timeToFirstKillMs"))}"
                : J.OptStr(r, "relationTest") is { } test ? $"relation test {test}" : "—", ("class", "num"));
            w.Close("tr");
        }
        w.Close("tbody").Close("table");
        w.Element("p", "✓ killed (with the time to kill), ✗ survived (not killed: wrong unless the mutant is equivalent), = equivalent and not killed (as it should be), ! equivalent yet killed (the catalog or a checker is wrong).", ("class", "muted"));
        var rates = J.OptObj(d.Json, "killRates") is { } kr ? kr.Select(kv => (kv.Key, Percent(J.Str(kr, kv.Key)))).ToList() : [];
        if (rates.Count > 0)
            w.Open("figure").Raw(Charts.Bars($"{d.Id}-rates", "Kill rate per backend", "% of non-equivalent mutants killed", rates, "#2f7f5f"))
             .Element("figcaption", "the share of non-equivalent mutants each backend kills on its own").Close("figure");
        if (J.Items(d.Json, "codeMutants").ToList() is { Count: > 0 } code) CodeGrid(w, d, backends, code);
    }

    /// <summary>
    /// The code mutants (wrong machine code in impl/mutants, under code ⊑ VMCSInit and the three-layer co-simulation):
    /// the same grid, a column per backend that ran on them, and each backend's kill count.
    /// </summary>
    static void CodeGrid(HtmlWriter w, Doc d, IReadOnlyList<string> backends, IReadOnlyList<JsonNode> rows)
    {
        var columns = backends.Where(b => rows.Any(r => J.Obj(r, "backends").ContainsKey(b))).ToList();
        w.Element("h3", "Kill matrix of the code mutants");
        w.Open("table", ("class", "kill code"), ("id", $"{d.Id}-code-kill"));
        w.Open("thead").Open("tr").Element("th", "code mutant");
        foreach (var b in columns) w.Element("th", b);
        w.Close("tr").Close("thead").Open("tbody");
        foreach (var r in rows)
        {
            bool equivalent = J.Bool(r, "equivalent");
            string name = J.Str(r, "name");
            w.Open("tr", ("data-mutant", name), ("class", !equivalent && !Verdicts.KilledSomewhere(r) ? "differs" : null));
            w.Open("td").Element("code", name).Text(equivalent ? " (equivalent)" : "").Raw("<br>").Element("span", J.Str(r, "description"), ("class", "desc")).Close("td");
            var cells = J.Obj(r, "backends");
            foreach (var b in columns) Cell(w, J.OptObj(cells, b), equivalent, b);
            w.Close("tr");
        }
        w.Close("tbody").Close("table");
        var live = rows.Where(r => !J.Bool(r, "equivalent")).ToList();
        w.Element("p", string.Join(", ", columns.Select(b => $"{b} {live.Count(r => J.OptObj(J.Obj(r, "backends"), b) is { } c && J.Bool(c, "killed"))}/{live.Count}"))
            + $" of the non-equivalent code mutants killed; {live.Count(r => !Verdicts.KilledSomewhere(r))} killed by no backend.", ("class", "muted"));
    }

    /// <summary>One grid cell: killed (✓ time), survived (✗), equivalent (=), equivalent but killed (!), or not run.</summary>
    static void Cell(HtmlWriter w, JsonObject? c, bool equivalent, string backend)
    {
        if (c is null) { w.Element("td", "not run", ("class", "cell not-run"), ("data-backend", backend)); return; }
        bool killed = J.Bool(c, "killed");
        var (mark, cls) = (killed, equivalent) switch
        {
            (true, false) => ("✓ killed", "killed"),
            (false, false) => ("✗ survived", "survived"),
            (false, true) => ("= equivalent", "equivalent"),
            (true, true) => ("! killed", "killed-equivalent"),
        };
        w.Open("td", ("class", $"cell {cls}"), ("data-backend", backend), ("title", J.OptStr(c, "where")));
        w.Text(mark);
        if (killed) w.Element("span", $" {J.Ms(TimeMs(c))}", ("class", "muted"));
        w.Close("td");
    }

    /// <summary>A cell's time: the spec mutants' cells give milliseconds, the code mutants' seconds.</summary>
    static double TimeMs(JsonObject c) => J.OptNum(c, "timeMs") ?? 1000 * J.Num(c, "seconds");

    /// <summary>The percentage of a kill rate "k/n (p%)" (as the command prints it), from k and n.</summary>
    static double Percent(string rate)
    {
        var kn = rate.Split(' ')[0].Split('/');
        if (kn.Length != 2 || !double.TryParse(kn[0], System.Globalization.CultureInfo.InvariantCulture, out double k) || !double.TryParse(kn[1], System.Globalization.CultureInfo.InvariantCulture, out double n))
            throw new ReportInputException($"$.killRates: expected \"k/n (p%)\", got '{rate}'");
        return n == 0 ? 0 : Math.Round(100 * k / n, 1);
    }

    static void Catalog(HtmlWriter w, IReadOnlyList<JsonNode> rows)
    {
        w.Element("h3", "The mutant catalog");
        w.Open("table", ("class", "catalog")).Open("thead").HeaderRow("mutant", "target", "primitive", "description", "equivalent").Close("thead").Open("tbody");
        foreach (var r in rows)
            w.Open("tr").Open("td").Element("code", J.Str(r, "name")).Close("td").Element("td", J.Str(r, "target")).Element("td", J.OptStr(r, "primitive") ?? "all")
             .Element("td", J.Str(r, "description")).Element("td", J.Bool(r, "equivalent") ? $"yes: {J.OptStr(r, "argument")}" : "no").Close("tr");
        w.Close("tbody").Close("table");
    }
}
