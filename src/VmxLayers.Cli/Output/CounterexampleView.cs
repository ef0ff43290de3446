using System.Text.Json.Nodes;
using VmxLayers.Checking;
using VmxLayers.Constants;
using VmxLayers.Machine;
using VmxLayers.Refinement;
using VmxLayers.Scenarios;
using VmxLayers.Semantics;
using VmxLayers.Spec.Concrete;

namespace VmxLayers.Cli.Output;

/// <summary>
/// What a report shows of a counterexample, as JSON: the call, both layers' states side by side before and after it
/// (the current CPU, and every other CPU a failure names), every failing instance the relation's clauses reported
/// (<see cref="CaseOutcome.Failures"/>, marked on the rows at their coordinates), the place-by-place diff
/// (<see cref="StateDiff"/>), the commands that reproduce it and the replayable scenario.
/// </summary>
public static class CounterexampleView
{
    /// <summary>The file name the reproduce commands save the scenario as.</summary>
    public const string ScenarioFile = "counterexample.json";

    /// <summary>The view's members, added to <paramref name="o"/> (a counterexample object).</summary>
    /// <param name="getIt">The command that finds this counterexample again and saves it (without --save-counterexample).</param>
    /// <param name="saves">Whether the command can save it as a scenario that replay runs (the layer pair's only).</param>
    public static void AddTo(JsonObject o, CaseOutcome outcome, string getIt, string? mutant, bool saves = true)
    {
        var c = outcome.Case;
        o["primitive"] = c.Prim.Name;
        o["call"] = Call(c);
        o["cpus"] = States(outcome);
        o["failures"] = new JsonArray([.. outcome.Failures.Select(f => (JsonNode)Failure(f, c.Cpu))]);
        o["reproduce"] = saves ? new JsonArray($"{getIt} --save-counterexample {ScenarioFile}", $"vmxlayers replay {ScenarioFile}") : new JsonArray(getIt);
        o["scenario"] = Scenario(c, mutant);
    }

    static string Call(Cases.ConcreteCase c) => c.Prim.IsAsm
        ? $"{c.Prim} on CPU {c.Cpu} of {c.TotalCpu}, registers as below"
        : $"{c.Prim}({string.Join(", ", c.ArgsHigh.Zip(c.ArgsLow).Select(a => a.First == a.Second ? ValueText.Of(a.First) : $"{ValueText.Of(a.First)} ↦ {ValueText.Of(a.Second)}"))}) on CPU {c.Cpu} of {c.TotalCpu}";

    static JsonObject Failure(ClauseWitness f, int currentCpu) => new()
    {
        ["clause"] = f.Clause, ["where"] = f.Where, ["kind"] = f.Kind.ToString().ToLowerInvariant(),
        ["cpu"] = f.Kind == WitnessKind.Whole ? null : f.Cpu < 0 ? currentCpu : f.Cpu,
        ["index"] = f.Kind == WitnessKind.Whole ? null : f.Index,
    };

    /// <summary>The current CPU's table (with the call's registers or arguments and result), then each other CPU a failure names.</summary>
    static JsonArray States(CaseOutcome o)
    {
        var c = o.Case;
        if (o.Error is not null) return [];
        var before = o.World;
        var after = o.Run is { Post: { } post } ? new World(before.Context, before.High.Commit(c.Cpu, post.High, post.MemHigh), before.Low.Commit(c.Cpu, post.Low, post.MemLow)) : null;
        var failures = o.Failures.Select(f => f with { Cpu = f.Cpu < 0 ? c.Cpu : f.Cpu }).ToList();
        var cpus = failures.Where(f => f.Kind != WitnessKind.Whole).Select(f => (int)f.Cpu).Append(c.Cpu).Distinct().Order();
        var tables = new JsonArray();
        foreach (int cpu in cpus)
        {
            var mine = failures.Where(f => f.Cpu == cpu && f.Kind != WitnessKind.Whole).ToList();
            var rows = StateView.Cpu(after is null ? null : before, after ?? before, cpu, mine.Where(f => f.Kind == WitnessKind.VmcsField).Select(f => f.Index));
            if (after is null) rows = [.. rows.Select(r => r with { HighBefore = r.High, LowBefore = r.Low, High = null, Low = null })];
            foreach (var f in mine) StateView.Mark(rows, f);
            if (cpu == c.Cpu)
            {
                rows.InsertRange(0, CallRows(o));
                if (o.Violated.Contains(VmxRelation.RelateFlags)) StateView.MarkFlags(rows, VmxRelation.RelateFlags);
            }
            tables.Add(StateView.Json(cpu, cpu == c.Cpu, rows));
        }
        return tables;
    }

    /// <summary>The arguments and result of a C primitive, or the registers of an asm one (those defined on some side), marked where a result or register goal failed.</summary>
    static IEnumerable<StateRow> CallRows(CaseOutcome o)
    {
        var c = o.Case;
        var run = o.Run is { HighOk: true, LowOk: true } r ? r : null;
        if (!c.Prim.IsAsm)
        {
            for (int k = 0; k < c.ArgsHigh.Length; k++)
                yield return new StateRow(StateView.Arguments, $"argument {k + 1}", ValueText.Of(c.ArgsHigh[k]), ValueText.Of(c.ArgsLow[k]), null, null);
            if (run is null) yield break;
            var result = new StateRow(StateView.Result, "returned value", null, null, ValueText.Of(run.RetHigh.Raw.V), ValueText.Of(run.RetLow.Raw.V));
            if (o.Violated.Contains(VmxRelationCode<CTerm, ConcreteDomain>.Result)) result.Failing.Add(VmxRelationCode<CTerm, ConcreteDomain>.Result);
            yield return result;
            yield break;
        }
        RegSet? outHigh = run?.RegsHigh.Raw.As<RegBox>().Regs, outLow = run?.RegsLow.Raw.As<RegBox>().Regs;
        foreach (var reg in PregInfo.All)
        {
            Val[] values = [c.RegsHigh[reg], c.RegsLow[reg], outHigh?[reg] ?? Val.Vundef, outLow?[reg] ?? Val.Vundef];
            if (values.All(v => v.IsUndef)) continue;
            var row = new StateRow(StateView.Registers, reg.ToString(), ValueText.Of(values[0]), ValueText.Of(values[1]),
                run is null ? null : ValueText.Of(values[2]), run is null ? null : ValueText.Of(values[3]));
            string clause = VmxRelationCode<CTerm, ConcreteDomain>.RegisterClause(reg);
            if (o.Violated.Contains(clause)) row.Failing.Add(clause);
            yield return row;
        }
    }

    /// <summary>The one-step scenario that rebuilds the case (null when it cannot be written as one).</summary>
    static JsonObject? Scenario(Cases.ConcreteCase c, string? mutant)
    {
        try { return ScenarioWriter.ToJson(ScenarioWriter.ToScenario(c, mutant: mutant)); }
        catch (ArgumentException) { return null; }
    }
}
