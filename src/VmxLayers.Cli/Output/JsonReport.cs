using System.Text.Json.Nodes;
using VmxLayers.Checking;
using VmxLayers.Mutants;
using VmxLayers.Smt;
using VmxLayers.Spec;

namespace VmxLayers.Cli.Output;

/// <summary>Machine-readable documents of checker reports.</summary>
public static class JsonReport
{
    public static JsonObject Report(BackendReport r) => new()
    {
        ["primitive"] = r.Prim.Name,
        ["backend"] = r.Backend.ToString().ToLowerInvariant(),
        ["cases"] = r.Cases,
        ["hypothesisHeld"] = r.HypothesisHeld,
        ["highSucceeded"] = r.HighSucceeded,
        ["highShare"] = Math.Round(r.HighShare, 4),
        ["verdict"] = r.Verdict.ToString().ToLowerInvariant(),
        ["timeMs"] = Math.Round(r.Time.TotalMilliseconds, 1),
        ["scope"] = r.Scope,
        ["seed"] = r.Seed,
        ["counterexample"] = r.Counterexample is { } cx ? Counterexample(cx) : null,
    };

    public static JsonObject Counterexample(Counterexample cx)
    {
        var o = cx.Outcome;
        var witness = new JsonObject();
        foreach (var (k, v) in cx.Witnesses) witness[k] = v;
        return new JsonObject
        {
            ["backend"] = cx.Backend.ToString().ToLowerInvariant(),
            ["seed"] = cx.Seed,
            ["totalCpu"] = cx.Case.TotalCpu,
            ["cpu"] = cx.Case.Cpu,
            ["high"] = new JsonObject { ["ok"] = true },
            ["low"] = new JsonObject { ["ok"] = o.Run is { LowOk: true }, ["why"] = o.LowWhy },
            ["violated"] = new JsonArray([.. cx.Clauses.Select(c => (JsonNode)JsonValue.Create(c)!)]),
            ["witness"] = witness,
            ["diff"] = new JsonArray([.. cx.Diff.Select(d => (JsonNode)new JsonObject { ["where"] = d.Where, ["high"] = d.High, ["low"] = d.Low, ["why"] = d.Why })]),
            ["error"] = o.Error,
        };
    }

    /// <summary>One lemma's proof (the same object in `check` and `prove`): verdict, time, resources, every obligation, and the counterexample's concrete replay.</summary>
    public static JsonObject Lemma(LemmaResult l, string solver) => new()
    {
        ["primitive"] = l.Prim.Name,
        ["solver"] = solver,
        ["verdict"] = l.Verdict.ToString().ToUpperInvariant(),
        ["premisesSatisfiable"] = l.Vacuity.Result.ToString().ToLowerInvariant(),
        ["timeMs"] = Math.Round(l.Time.TotalMilliseconds, 1),
        ["resources"] = l.Resources,
        ["obligationsProved"] = l.Obligations.Count(x => x.Verdict == Verdict.Proved),
        ["obligations"] = new JsonArray([.. l.Obligations.Select(x => (JsonNode)new JsonObject
        {
            ["clause"] = x.Clause, ["why"] = x.Why, ["verdict"] = x.Verdict.ToString().ToUpperInvariant(),
            ["timeMs"] = Math.Round(x.Time.TotalMilliseconds, 1), ["resources"] = x.Resources,
            ["message"] = x.Message, ["reasonUnknown"] = x.ReasonUnknown, ["file"] = x.File,
        })]),
        ["counterexampleCheck"] = l.Replay?.ToString(),
        ["counterexampleConfirmed"] = l.Counterexample is null ? null : l.CounterexampleConfirmed,
    };

    /// <summary>A lemma the interrupt stopped (or never started): no verdict at all.</summary>
    public static JsonObject Unfinished(string primitive, string solver, bool started) => new()
    {
        ["primitive"] = primitive, ["solver"] = solver, ["verdict"] = started ? "INTERRUPTED" : "NOT STARTED",
    };

    /// <summary>Indented JSON, the form every --json document is printed in.</summary>
    public static string Text(JsonNode doc) => doc.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true });
}
