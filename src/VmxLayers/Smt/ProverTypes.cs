using VmxLayers.Machine;
using VmxLayers.Refinement;
using VmxLayers.Spec;

namespace VmxLayers.Smt;

/// <summary>A lemma's verdict. Unknown is never reported as Proved.</summary>
public enum Verdict { Proved, Refuted, Unknown }

/// <summary>How to prove: the mutant switched on, the solver ("libz3", "z3", "cvc5"), its budget per query, where to write the queries.</summary>
/// <remarks>StopAtFirstRefutation skips the obligations not yet started once one is refuted (the verdict is the same; the table shows them as skipped).
/// Cancel interrupts the running queries: the proof then throws OperationCanceledException and has no verdict.</remarks>
public sealed record ProveOptions(MutantId Mutant = MutantId.None, string Solver = "libz3", long Rlimit = ProveOptions.DefaultRlimit, string? EmitDir = null, bool StopAtFirstRefutation = false, CancellationToken Cancel = default)
{
    /// <summary>Z3 resource units per obligation: ≥ 10× the largest obligation of the real lemmas (≈1.5M, docs/prover.md).</summary>
    public const long DefaultRlimit = 20_000_000;
}

/// <summary>One obligation's outcome; Message says, for a refuted one, what fails with the model's values.</summary>
public sealed record ObligationResult(string Clause, string Why, Verdict Verdict, TimeSpan Time, long Resources, string? Message, string? ReasonUnknown, string? File = null);

/// <summary>A lemma's outcome; for a refuted one, the decoded counterexample and what its concrete replay said.</summary>
public sealed record LemmaResult(
    Prim Prim,
    Verdict Verdict,
    IReadOnlyList<ObligationResult> Obligations,
    TimeSpan Time,
    long Resources,
    ConcreteCase? Counterexample,
    string? CounterexampleCheck)
{
    /// <summary>True when the counterexample failed concretely too (the check text starts "replayed concretely: fails").</summary>
    public bool CounterexampleConfirmed => CounterexampleCheck?.StartsWith(Prover.Confirmed, StringComparison.Ordinal) == true;

    /// <summary>The first refuted obligation, if any.</summary>
    public ObligationResult? FirstRefuted => Obligations.FirstOrDefault(o => o.Verdict == Verdict.Refuted);
}
