using System.Text.Json.Nodes;

namespace VmxLayers.Report.Sections;

/// <summary>A run's verdict: its word (PASS, FAIL, …), the CSS class that colours it, and the one line that says why.</summary>
sealed record Verdict(string Word, string Class, string Line);

/// <summary>The verdict line of each command, from the exit code the run reported and the counts in its document.</summary>
static class Verdicts
{
    public static Verdict Of(Doc d) => d.Command switch
    {
        "check" => Check(d),
        "prove" => Prove(d),
        "replay" => Replay(d),
        "simulate" => Simulate(d),
        "mutants" => Mutants(d),
        _ => throw new ReportInputException($"$.command: no report for '{d.Command}'"),
    };

    static Verdict ByCode(int code, string pass, string fail, string inconclusive, string interrupted) => code switch
    {
        0 => new("PASS", "pass", pass),
        1 => new("FAIL", "fail", fail),
        3 => new("INCONCLUSIVE", "inconclusive", inconclusive),
        4 => new("GUEST FAULT", "fail", fail),
        130 => new("INTERRUPTED", "interrupted", interrupted),
        _ => new($"EXIT {code}", "fail", fail),
    };

    static int Count(IEnumerable<JsonNode> xs, string key, string value) => xs.Count(x => J.OptStr(x, key) == value);

    static Verdict Check(Doc d)
    {
        var tables = CheckSection.Tables(d);
        var results = tables.SelectMany(t => t.Results).ToList();
        var lemmas = J.Items(d.Json, "proofs").ToList();
        long cases = results.Sum(r => J.Long(r, "cases"));
        int cx = Count(results, "verdict", "counterexample"), vacuous = Count(results, "verdict", "vacuous");
        // which runs failed, by refinement, when the document checked more than one
        string where = CheckSection.Several(tables) && cx + vacuous > 0
            ? $" ({string.Join("; ", tables.Where(t => t.Results.Any(Failed)).Select(t => $"{t.Refinement}: {string.Join(", ", t.Results.Where(Failed).Select(r => $"{J.Str(r, "primitive")} {J.Str(r, "backend")}"))}"))})" : "";
        string proofs = d.Json["proofs"] is null ? "" : $", {Count(lemmas, "verdict", "PROVED")}/{lemmas.Count} lemmas proved";
        string refinements = CheckSection.Several(tables) ? $" ({string.Join("; ", tables.Select(t => t.Refinement))})" : "";
        var v = ByCode(d.ExitCode,
            $"{J.N(cases)} cases{refinements}, no counterexample{proofs}",
            $"{cx} backend run(s) found a counterexample{where}, {vacuous} VACUOUS" + (d.Json["proofs"] is null ? "" : $", {Count(lemmas, "verdict", "REFUTED")} lemma(s) REFUTED, {Count(lemmas, "verdict", "VACUOUS")} VACUOUS"),
            $"no counterexample in {J.N(cases)} cases, but {Count(lemmas, "verdict", "UNKNOWN")} lemma(s) UNKNOWN",
            $"finished: {results.Count} backend run(s) ({cx} with a counterexample), {lemmas.Count(l => J.OptNum(l, "timeMs") is not null)} lemma(s); the rest has no verdict");
        int failed = cx + vacuous + lemmas.Count(l => J.OptStr(l, "verdict") is "REFUTED" or "VACUOUS");
        return d.ExitCode == 0 && failed > 0 ? Contradicted($"{cx} backend run(s) found a counterexample{where}, {vacuous} VACUOUS, {failed - cx - vacuous} lemma(s) REFUTED or VACUOUS") : v;
    }

    static bool Failed(JsonNode result) => J.Str(result, "verdict") is "counterexample" or "vacuous";

    /// <summary>Exit code 0 with a failure in the document: never shown as passed.</summary>
    static Verdict Contradicted(string failures) => new("EXIT 0", "fail", $"the run exited 0, yet {failures}");

    static Verdict Prove(Doc d)
    {
        var groups = ProveGroups(d);
        var lemmas = groups.SelectMany(g => g.Lemmas).ToList();
        string refuted = string.Join("; ", groups.Where(g => g.Lemmas.Any(Refuted))
            .Select(g => (g.Refinement is { } name ? $"{name}: " : "") + string.Join(", ", g.Lemmas.Where(Refuted).Select(l => J.Str(l, "primitive")))));
        var v = ByCode(d.ExitCode,
            $"all {lemmas.Count} lemma(s) PROVED ({J.Str(d.Json, "solver")})",
            $"{Count(lemmas, "verdict", "REFUTED")} lemma(s) REFUTED, {Count(lemmas, "verdict", "VACUOUS")} VACUOUS, {Count(lemmas, "verdict", "PROVED")} PROVED{(refuted == "" ? "" : $" ({refuted})")}",
            $"{Count(lemmas, "verdict", "UNKNOWN")} lemma(s) UNKNOWN, none refuted",
            $"{lemmas.Count(l => J.OptNum(l, "timeMs") is not null)} of {lemmas.Count} lemma(s) finished; the others have no verdict");
        int notProved = lemmas.Count(l => J.OptStr(l, "verdict") != "PROVED");
        if (d.ExitCode == 0 && notProved > 0) return Contradicted($"{notProved} of {lemmas.Count} lemma(s) are not PROVED{(refuted == "" ? "" : $" ({refuted})")}");
        return v.Word == "PASS" ? v with { Word = "PROVED" } : v;
    }

    static bool Refuted(JsonNode lemma) => J.Str(lemma, "verdict") is "REFUTED" or "VACUOUS";

    /// <summary>prove's lemmas by refinement: the first refinement's (`lemmas`), the code's, the composed ones.</summary>
    static List<(string? Refinement, List<JsonNode> Lemmas)> ProveGroups(Doc d)
    {
        var groups = new List<(string?, List<JsonNode>)> { (J.Strings(d.Json, "refinements").FirstOrDefault(), J.Items(d.Json, "lemmas").ToList()) };
        foreach (var key in new[] { "code", "composed" })
            if (J.OptObj(d.Json, key) is { } o) groups.Add((J.Str(o, "refinement"), J.Items(o, "lemmas").ToList()));
        return groups;
    }

    static Verdict Replay(Doc d)
    {
        var steps = J.Items(d.Json, "steps").ToList();
        var view = J.OptObj(d.Json, "view");
        if (d.ExitCode == 0) return new("RELATED", "pass", $"related initially and after every step ({steps.Count} step(s))");
        if (d.ExitCode == 130) return new("INTERRUPTED", "interrupted", $"after {steps.Count} step(s), related so far");
        string where = view is not null && J.OptStr(view, "initialUnrelated") is not null ? "initial state"
            : steps.FirstOrDefault(s => J.OptBool(s, "related") == false) is { } first ? $"first at step {J.Long(first, "index")}" : "?";
        return new("NOT RELATED", "fail", $"not related ({where})");
    }

    static Verdict Simulate(Doc d)
    {
        string code = J.OptObj(d.Json, "code") is { } c ? $", {J.N(J.Num(c, "calls"))} of them also run on the code" : "";
        string counts = $"{J.N(J.Num(d.Json, "exits"))} exits, {J.N(J.Num(d.Json, "primitiveCalls"))} checked primitive calls{code} on {J.Long(d.Json, "cpus")} CPU(s)";
        string failure = J.OptObj(d.Json, "failure") is { } f
            ? $"{J.Str(f, "kind")} on {(J.Long(f, "cpu") < 0 ? "all CPUs" : $"CPU {J.Long(f, "cpu")}")}, {J.Str(f, "step")}: {J.Str(f, "clause")}" : "failed";
        return ByCode(d.ExitCode, $"related after every step; {counts}", failure, counts, $"after {counts}, related so far");
    }

    static Verdict Mutants(Doc d)
    {
        var rows = J.Items(d.Json, "mutants").ToList();
        var code = J.Items(d.Json, "codeMutants").ToList();
        if (d.Json["backends"] is null) return new("CATALOG", "pass", $"{rows.Count} mutants (the catalog; no checker ran)");
        int survived = rows.Count(r => !J.Bool(r, "equivalent") && !KilledSomewhere(r));
        int eqKilled = rows.Count(r => J.Bool(r, "equivalent") && Cells(r).Any(c => J.Bool(c, "killed")));
        int codeSurvived = code.Count(r => !J.Bool(r, "equivalent") && Cells(r).Any() && !KilledSomewhere(r));
        int codeEqKilled = code.Count(r => J.Bool(r, "equivalent") && KilledSomewhere(r));
        string codeCount = code.Count > 0 ? $", {code.Count} code mutants" : "";
        string codeWrong = code.Count > 0 ? $"; code mutants: {codeSurvived} non-equivalent survived, {codeEqKilled} 'equivalent' killed" : "";
        var v = ByCode(d.ExitCode,
            $"every non-equivalent mutant killed ({rows.Count} mutants{codeCount}; equivalent ones survive)",
            $"{survived} non-equivalent mutant(s) survived every checker, {eqKilled} 'equivalent' mutant(s) killed{codeWrong}",
            "inconclusive",
            $"{rows.Count} mutant(s) finished; the others have no result");
        int wrong = survived + eqKilled + codeSurvived + codeEqKilled;
        return d.ExitCode == 0 && wrong > 0 ? Contradicted($"{survived + codeSurvived} non-equivalent mutant(s) survived, {eqKilled + codeEqKilled} 'equivalent' one(s) killed") : v;
    }

    public static IEnumerable<JsonNode> Cells(JsonNode row) => J.Obj(row, "backends").Select(kv => kv.Value ?? throw new ReportInputException($"{row.GetPath()}.backends.{kv.Key}: expected an object"));

    public static bool KilledSomewhere(JsonNode row) => Cells(row).Any(c => J.Bool(c, "killed")) || J.OptStr(row, "relationTest") is not null;
}
