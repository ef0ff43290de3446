using VmxLayers.Code;
using VmxLayers.Code.Layering;
using System.Text.Json.Nodes;
using VmxLayers.Checking;
using VmxLayers.Layers;
using VmxLayers.Mutants;
using VmxLayers.Smt;
using VmxLayers.Spec;

namespace VmxLayers.Cli.Output;

/// <summary>Machine-readable documents of checker reports.</summary>
public static class JsonReport
{
    public static JsonObject Report(BackendReport r, string? mutant = null, Reproduction? how = null) => new()
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
        ["counterexample"] = r.Counterexample is { } cx ? Counterexample(cx, mutant, how) : null,
    };

    /// <summary>A concrete backend's counterexample: how it failed, and the view a report shows (<see cref="CounterexampleView"/>).</summary>
    public static JsonObject Counterexample(Counterexample cx, string? mutant = null, Reproduction? how = null)
    {
        var o = cx.Outcome;
        var witness = new JsonObject();
        foreach (var (k, v) in cx.Witnesses) witness[k] = v;
        var j = new JsonObject
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
        how ??= Reproduction.Pair;
        CounterexampleView.AddTo(j, o, FindAgain(cx, mutant, how), mutant, how.Saves);
        return j;
    }

    /// <summary>The check that finds this counterexample again: its backend alone on its primitive (the random one from its own seed).</summary>
    static string FindAgain(Counterexample cx, string? mutant, Reproduction how) =>
        $"vmxlayers check {how.Options}--primitive {cx.Case.Prim} --backend {cx.Backend.ToString().ToLowerInvariant()}"
        + (cx.Backend == Backend.Random && cx.Seed is { } s ? $" --seed {s}" : "") + " --no-prove" + MutantOption(mutant);

    static string MutantOption(string? mutant) => mutant is null ? "" : $" --mutant {mutant}";

    /// <summary>
    /// A refuted lemma's decoded counterexample, evaluated concretely by the simulation statement (the same evaluation
    /// the concrete backends do), in the shape of a backend's counterexample; null when the lemma has none.
    /// </summary>
    public static JsonObject? DecodedCounterexample(LemmaResult l, RefinementDef refinement, string? mutant)
    {
        if (l.Counterexample is not { } c) return null;
        var o = CaseCheck.Evaluate(refinement.Statement(c.Prim), c);
        var j = new JsonObject
        {
            ["backend"] = "prove",
            ["totalCpu"] = c.TotalCpu,
            ["cpu"] = c.Cpu,
            ["high"] = new JsonObject { ["ok"] = o.Run is { HighOk: true } },
            ["low"] = new JsonObject { ["ok"] = o.Run is { LowOk: true }, ["why"] = o.LowWhy },
            ["violated"] = new JsonArray([.. o.Violated.Select(v => (JsonNode)JsonValue.Create(v)!)]),
            ["diff"] = new JsonArray([.. StateDiff.Of(o).Select(d => (JsonNode)new JsonObject { ["where"] = d.Where, ["high"] = d.High, ["low"] = d.Low, ["why"] = d.Why })]),
            ["error"] = o.Error,
        };
        var how = refinement.Relation is CodeRelation ? Reproduction.Code(refinement) : Reproduction.Pair;
        CounterexampleView.AddTo(j, o, $"vmxlayers prove {how.Options}--primitive {c.Prim}{MutantOption(mutant)}", mutant, how.Saves);
        return j;
    }

    /// <summary>One lemma's proof (the same object in `check` and `prove`): verdict, time, resources, every obligation, and the counterexample's concrete replay.</summary>
    public static JsonObject Lemma(LemmaResult l, string solver, RefinementDef refinement, string? mutant) => new()
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
        ["counterexample"] = DecodedCounterexample(l, refinement, mutant),
    };

    /// <summary>A lemma the interrupt stopped (or never started): no verdict at all.</summary>
    public static JsonObject Unfinished(string primitive, string solver, bool started) => new()
    {
        ["primitive"] = primitive, ["solver"] = solver, ["verdict"] = started ? "INTERRUPTED" : "NOT STARTED",
    };

    /// <summary>Indented JSON, the form every --json document is printed in.</summary>
    public static string Text(JsonNode doc) => doc.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true });
}

/// <summary>
/// How a command finds a counterexample again: the options that select its refinement (empty for the layer pair), and
/// whether <c>--save-counterexample</c> and <c>replay</c> apply (a layer-pair scenario only).
/// </summary>
public sealed record Reproduction(string Options, bool Saves)
{
    public static readonly Reproduction Pair = new("", true);

    /// <summary>code ⊑ VMCSInit of a code refinement: its objects as --impl (impl/vmx.o for the default code).</summary>
    public static Reproduction Code(RefinementDef code, string? layers = null) =>
        new(string.Join("", Objects(code).Select(f => $"--impl {f} ")) + (layers is null ? "" : $"--layers {layers} "), false);

    /// <summary>The composition (either step's counterexample is found by the composed check).</summary>
    public static Reproduction Composed(RefinementDef code) => Code(code, "code:pvmxintro");

    /// <summary>The user's objects (impl/vmx.o gives the rest without being named), or impl/vmx.o alone.</summary>
    static IEnumerable<string> Objects(RefinementDef code)
    {
        var files = CodeLayer.SpecOf(code, code.Primitives[0].Primitive).Executor.Implementation.Objects.Select(o => o.File).Where(f => f != ImplObjects.DefaultName).ToList();
        return files.Count > 0 ? files : [ImplObjects.DefaultName];
    }
}
