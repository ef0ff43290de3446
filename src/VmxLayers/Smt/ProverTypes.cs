using VmxLayers.Cases;
using VmxLayers.Smt.Solvers;
using VmxLayers.Spec;

namespace VmxLayers.Smt;

/// <summary>
/// A lemma's (or an obligation's) verdict. Unknown is never reported as Proved; Vacuous means the premises are
/// unsatisfiable together with the high step succeeding, so everything holds only because nothing satisfies them.
/// </summary>
public enum Verdict { Proved, Refuted, Vacuous, Unknown }

/// <summary>Why an obligation is UNKNOWN.</summary>
public enum UnknownCause
{
    /// <summary>Not unknown.</summary>
    None,
    /// <summary>The solver gave up (budget, incompleteness); <see cref="ObligationResult.ReasonUnknown"/> has its reason.</summary>
    Solver,
    /// <summary>The query could not be run or answered (malformed query, solver crash, missing executable).</summary>
    SolverError,
    /// <summary>Not attempted: another obligation of the lemma was already refuted (StopAtFirstRefutation).</summary>
    Skipped,
    /// <summary>Its full budget was not spent because the lemma was already refuted.</summary>
    NotSpent,
    /// <summary>A limit guard of the symbolic executor (step bound, unmodelled form) is reachable: a path was not explored.</summary>
    Unexplored,
}

/// <summary>How the concrete replay of a refutation's model went.</summary>
public enum ReplayStatus
{
    /// <summary>The decoded case fails concretely too: a genuine counterexample.</summary>
    Confirmed,
    /// <summary>The model is a genuine counterexample but no concrete case can express it (e.g. too many CPUs).</summary>
    NotReplayable,
    /// <summary>The decoded case does not fail concretely: the encoding and the concrete semantics disagree (a bug).</summary>
    EncodingError,
}

/// <summary>The replay of a refutation: its status and what it found, in words.</summary>
public sealed record CounterexampleReplay(ReplayStatus Status, string Detail)
{
    public override string ToString() => $"{Status switch
    {
        ReplayStatus.Confirmed => "replayed concretely: fails",
        ReplayStatus.NotReplayable => "NOT REPLAYABLE",
        ReplayStatus.EncodingError => "ENCODING ERROR",
        _ => throw new ArgumentOutOfRangeException(nameof(Status)),
    }}: {Detail}";
}

/// <summary>How to prove: the solver, its budget per query, where to write the queries.</summary>
/// <remarks>StopAtFirstRefutation skips the obligations not yet started once one is refuted (the verdict is the same; the table shows them as skipped).
/// Cancel interrupts the running queries: the proof then throws OperationCanceledException and has no verdict.</remarks>
public sealed record ProveOptions(SolverKind Solver = SolverKind.Libz3, long Rlimit = ProveOptions.DefaultRlimit, string? EmitDir = null, bool StopAtFirstRefutation = false, CancellationToken Cancel = default)
{
    /// <summary>Z3 resource units per obligation: ≥ 10× the largest obligation of the real lemmas (≈1.5M, docs/prover.md).</summary>
    public const long DefaultRlimit = 20_000_000;
}

/// <summary>One obligation's outcome; Message says, for a refuted one, what fails with the model's values.</summary>
public sealed record ObligationResult(string Clause, string Why, Verdict Verdict, TimeSpan Time, long Resources, string? Message,
    UnknownCause Cause = UnknownCause.None, string? ReasonUnknown = null, string? File = null);

/// <summary>
/// The lemma's vacuity query: are the premises (hypothesis and the high step's guards) satisfiable? Sat means the
/// lemma is about something; Unsat makes it VACUOUS; Unknown leaves it UNKNOWN (never PROVED).
/// </summary>
public sealed record VacuityCheck(SatResult Result, TimeSpan Time, long Resources, string? Reason, string? File = null)
{
    /// <summary>Not run: a refuted obligation already shows the premises satisfiable.</summary>
    public static readonly VacuityCheck ShownByRefutation = new(SatResult.Sat, TimeSpan.Zero, 0, "a refuted obligation satisfies the premises");
}

/// <summary>
/// A lemma's outcome: the obligations, the vacuity check (the premises' satisfiability query), and for a refuted
/// lemma the decoded counterexample and its concrete replay.
/// </summary>
public sealed record LemmaResult(
    Primitive Prim,
    Verdict Verdict,
    IReadOnlyList<ObligationResult> Obligations,
    VacuityCheck Vacuity,
    TimeSpan Time,
    long Resources,
    ConcreteCase? Counterexample,
    CounterexampleReplay? Replay)
{
    /// <summary>True when the counterexample failed concretely too.</summary>
    public bool CounterexampleConfirmed => Replay?.Status == ReplayStatus.Confirmed;

    /// <summary>The first refuted obligation, if any.</summary>
    public ObligationResult? FirstRefuted => Obligations.FirstOrDefault(o => o.Verdict == Verdict.Refuted);
}
