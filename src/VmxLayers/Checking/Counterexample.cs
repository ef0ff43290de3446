using VmxLayers.Cases;
using VmxLayers.Spec.Concrete;

namespace VmxLayers.Checking;

/// <summary>
/// A case where the high spec succeeded but the simulation statement's conclusion failed: the case,
/// both outcomes, the violated clauses with their witnesses, and how to reproduce it (backend, seed).
/// </summary>
public sealed record Counterexample(Backend Backend, CaseOutcome Outcome, string? Seed = null)
{
    public ConcreteCase Case => Outcome.Case;

    /// <summary>The violated clauses (e.g. "match (current CPU)", "register EDI", "the low spec succeeds").</summary>
    public IReadOnlyList<string> Clauses => Outcome.Violated;

    /// <summary>The first failing instance of each violated quantified clause.</summary>
    public IReadOnlyDictionary<string, string> Witnesses =>
        Outcome.Witness.Where(kv => Clauses.Contains(kv.Key)).ToDictionary(kv => kv.Key, kv => kv.Value);

    /// <summary>Every failing instance, as the relation's clauses reported it.</summary>
    public IReadOnlyList<ClauseWitness> Failures => Outcome.Failures;

    /// <summary>Place-by-place differences of the results and post-states.</summary>
    public IReadOnlyList<DiffLine> Diff => StateDiff.Of(Outcome);
}
