using System.Collections.Immutable;
using VmxLayers.Layers;
using VmxLayers.Machine;
using VmxLayers.Refinement;
using VmxLayers.Semantics;

namespace VmxLayers.Scenarios;

/// <summary>One replayed step: both layers' outcomes and whether the layers are related afterwards (with why not).</summary>
public sealed record StepResult(int Index, ScenarioStep Step, SideOutcome High, SideOutcome Low, bool Related, string? Unrelated)
{
    /// <summary>The registers the step gave each layer (asm calls), to show what changed.</summary>
    public RegSet InputRegs(bool high) => Step is CallStep c ? (high ? c.RegsHigh : c.RegsLow) : RegSet.Undef;
}

/// <summary>A whole replay: the initial relation, every step, the final world, and the verdict.</summary>
/// <param name="Interrupted">Stopped (Ctrl-C) before the last step: Steps are the ones that ran, and the run is not "related throughout".</param>
public sealed record ReplayResult(World Initial, string? InitialUnrelated, ImmutableArray<StepResult> Steps, World Final, bool Interrupted = false)
{
    /// <summary>Related throughout: initially and after every step (an interrupted replay never is).</summary>
    public bool Related => !Interrupted && InitialUnrelated is null && Steps.All(s => s.Related);
}

/// <summary>
/// Replays a scenario with <see cref="Lockstep"/> (SPEC §6): the high step first; a failed high step changes
/// neither layer and leaves the relation as it was; otherwise the step commits and the relation is checked.
/// </summary>
public static class ScenarioReplay
{
    /// <summary>
    /// Replays s on the layer pair's refinement (under the scenario's mutant, if it names one), or on the given one;
    /// <paramref name="cancel"/> stops between two steps, <paramref name="progress"/> hears of each step begun.
    /// </summary>
    public static ReplayResult Run(Scenario s, RefinementDef? basis = null, CancellationToken cancel = default, Action<int>? progress = null)
    {
        var refinement = s.Refinement(basis ?? VmxLayerPair.Refinement);
        var relation = refinement.Relation as VmxRelation ?? throw new ArgumentException($"replay checks the VMX relation; {refinement.Name} has {refinement.Relation.Name}");
        var w = ScenarioWorld.Build(s);
        var initial = w;
        string? unrelated = WorldRelation.Check(w, relation);
        bool related = unrelated is null;
        var steps = ImmutableArray.CreateBuilder<StepResult>(s.Steps.Length);
        for (int k = 0; k < s.Steps.Length; k++)
        {
            if (cancel.IsCancellationRequested) return new ReplayResult(initial, unrelated, steps.ToImmutable(), w, Interrupted: true);
            progress?.Invoke(k);
            var step = s.Steps[k];
            var r = step switch
            {
                CallStep c => Lockstep.Call(w, c.Cpu, refinement.Statement(c.Prim), c.ArgsHigh.AsSpan(), c.ArgsLow.AsSpan(), c.RegsHigh, c.RegsLow),
                GuestStep g => Lockstep.Guest(w, g.Cpu, g.Vmcs.AsSpan(), relation),
                _ => throw new InvalidOperationException($"unknown step {step}"),
            };
            // A failed high step changes nothing, so the layers stay exactly as related as they were.
            string? why = r.High.Ok ? r.Unrelated : related ? null : "the layers were already unrelated before this step";
            related = why is null;
            steps.Add(new StepResult(k, step, r.High, r.Low, related, why));
            w = r.After;
        }
        return new ReplayResult(initial, unrelated, steps.ToImmutable(), w);
    }
}
