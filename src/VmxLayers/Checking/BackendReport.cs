using VmxLayers.Spec;

namespace VmxLayers.Checking;

/// <summary>The concrete backends.</summary>
public enum Backend { Exhaustive, Random }

/// <summary>A concrete backend's verdict on one primitive.</summary>
public enum CheckVerdict
{
    /// <summary>No counterexample, and the high spec succeeded in some case.</summary>
    Pass,
    /// <summary>A case where the high spec succeeded and the statement's conclusion failed.</summary>
    Counterexample,
    /// <summary>No counterexample, but the high spec never succeeded: the check said nothing (SPEC §5).</summary>
    Vacuous,
}

/// <summary>What one backend did for one primitive; it never claims more than the cases it ran.</summary>
public sealed record BackendReport(
    Primitive Prim,
    Backend Backend,
    long Cases,
    long HypothesisHeld,
    long HighSucceeded,
    TimeSpan Time,
    string Scope,
    Counterexample? Counterexample = null,
    string? Seed = null)
{
    public CheckVerdict Verdict => Counterexample is not null ? CheckVerdict.Counterexample : HighSucceeded == 0 ? CheckVerdict.Vacuous : CheckVerdict.Pass;

    /// <summary>Passed and not vacuous.</summary>
    public bool Passed => Verdict == CheckVerdict.Pass;

    /// <summary>Share of the cases run in which the high spec succeeded (the interesting path).</summary>
    public double HighShare => Cases == 0 ? 0 : (double)HighSucceeded / Cases;

    /// <summary>The verdict as tables print it.</summary>
    public string VerdictText => Verdict switch
    {
        CheckVerdict.Pass => "pass",
        CheckVerdict.Counterexample => "COUNTEREXAMPLE",
        CheckVerdict.Vacuous => "VACUOUS",
        _ => throw new ArgumentOutOfRangeException(nameof(Verdict)),
    };
}
