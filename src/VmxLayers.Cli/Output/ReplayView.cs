using System.Text.Json.Nodes;
using VmxLayers.Layers;
using VmxLayers.Machine;
using VmxLayers.Refinement;
using VmxLayers.Scenarios;
using VmxLayers.Spec.Concrete;

namespace VmxLayers.Cli.Output;

/// <summary>
/// What a report shows of a replay that is not related throughout, as JSON: where the relation first fails (the
/// initial state, or after step k), every failing instance the relation's own clauses report there
/// (<see cref="WorldRelation.Failures"/>), and both layers' states side by side (before and after that step) on the
/// step's CPU and every CPU a failure names.
/// </summary>
public static class ReplayView
{
    /// <summary>The view, or null when the replay is related throughout (or was interrupted while related).</summary>
    public static JsonObject? Of(Scenario s, ReplayResult r)
    {
        var relation = s.Refinement(VmxLayerPair.Refinement).Relation as VmxRelation
            ?? throw new InvalidOperationException("replay checks the VMX relation");
        if (r.InitialUnrelated is not null) return View(null, r.Initial, relation, step: null, cpu: 0, r.InitialUnrelated);
        if (r.Steps.FirstOrDefault(x => !x.Related) is not { } first) return null;
        // The worlds around the step: the replay of the steps before it, and of those up to it (scenarios are small).
        var before = ScenarioReplay.Run(s with { Steps = s.Steps[..first.Index] }).Final;
        var after = ScenarioReplay.Run(s with { Steps = s.Steps[..(first.Index + 1)] }).Final;
        return View(before, after, relation, first.Index, first.Step.Cpu, null);
    }

    static JsonObject View(World? before, World after, VmxRelation relation, int? step, int cpu, string? initialUnrelated)
    {
        // A full-world check relates CPU 0's pair: a witness without a CPU is CPU 0's.
        var failures = WorldRelation.Failures(after, relation).Select(f => f with { Cpu = f.Cpu < 0 && f.Kind != WitnessKind.Whole ? 0 : f.Cpu }).ToList();
        var cpus = failures.Where(f => f.Kind != WitnessKind.Whole).Select(f => (int)f.Cpu).Append(cpu).Distinct().Order();
        var tables = new JsonArray();
        foreach (int c in cpus)
        {
            var mine = failures.Where(f => f.Cpu == c && f.Kind != WitnessKind.Whole).ToList();
            var rows = StateView.Cpu(before, after, c, mine.Where(f => f.Kind == WitnessKind.VmcsField).Select(f => f.Index));
            foreach (var f in mine) StateView.Mark(rows, f);
            if (failures.Any(f => f.Clause == VmxRelation.RelateFlags))
                foreach (var row in rows.Where(x => x.Group == StateView.Flags && x.High != x.Low)) row.Failing.Add(VmxRelation.RelateFlags);
            tables.Add(StateView.Json(c, c == cpu, rows));
        }
        return new JsonObject
        {
            ["step"] = step,
            ["initialUnrelated"] = initialUnrelated,
            ["failures"] = new JsonArray([.. failures.Select(f => (JsonNode)new JsonObject
            {
                ["clause"] = f.Clause, ["where"] = f.Where, ["kind"] = f.Kind.ToString().ToLowerInvariant(),
                ["cpu"] = f.Kind == WitnessKind.Whole ? null : f.Cpu, ["index"] = f.Kind == WitnessKind.Whole ? null : f.Index,
            })]),
            ["cpus"] = tables,
        };
    }
}
