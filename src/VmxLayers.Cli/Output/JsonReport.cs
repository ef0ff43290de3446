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

    /// <summary>One lemma's proof: verdict, time, resources, refuted/unknown obligations and the counterexample's concrete replay.</summary>
    public static JsonObject Lemma(LemmaResult l, string solver) => new()
    {
        ["primitive"] = l.Prim.Name,
        ["solver"] = solver,
        ["verdict"] = l.Verdict.ToString().ToUpperInvariant(),
        ["premisesSatisfiable"] = l.Vacuity.Result.ToString().ToLowerInvariant(),
        ["timeMs"] = Math.Round(l.Time.TotalMilliseconds, 1),
        ["resources"] = l.Resources,
        ["obligations"] = l.Obligations.Count,
        ["proved"] = l.Obligations.Count(x => x.Verdict == Verdict.Proved),
        ["failing"] = new JsonArray([.. l.Obligations.Where(x => x.Verdict != Verdict.Proved).Select(x => (JsonNode)new JsonObject
        {
            ["clause"] = x.Clause, ["verdict"] = x.Verdict.ToString().ToUpperInvariant(), ["message"] = x.Message, ["reasonUnknown"] = x.ReasonUnknown,
        })]),
        ["counterexampleCheck"] = l.Replay?.ToString(),
        ["counterexampleConfirmed"] = l.Counterexample is null ? null : l.CounterexampleConfirmed,
    };
}
