using VmxLayers.Machine;

namespace VmxLayers.Checking;

/// <summary>
/// A case where the high spec succeeded but the simulation statement's conclusion failed: the case,
/// both outcomes, the violated clauses with their witnesses, and how to reproduce it (backend, seed).
/// </summary>
public sealed record Counterexample(string Backend, CaseOutcome Outcome, string? Seed = null)
{
    public ConcreteCase Case => Outcome.Case;

    /// <summary>The violated clauses (e.g. "match", "register EDI", "the low spec succeeds").</summary>
    public IReadOnlyList<string> Clauses => Outcome.Violated;

    /// <summary>The first failing instance of each violated quantified clause (ConcreteContext.Witness).</summary>
    public IReadOnlyDictionary<string, string> Witnesses =>
        Outcome.Witness.Where(kv => Clauses.Contains(kv.Key) || (kv.Key == Refinement.Relation.MatchCurrent && Clauses.Contains(Refinement.Relation.MatchAll)))
            .ToDictionary(kv => kv.Key, kv => kv.Value);

    /// <summary>Place-by-place differences of the results and post-states.</summary>
    public IReadOnlyList<DiffLine> Diff => StateDiff.Of(Outcome);
}
