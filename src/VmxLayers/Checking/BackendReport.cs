using VmxLayers.Refinement;

namespace VmxLayers.Checking;

/// <summary>The concrete backends.</summary>
public enum Backend { Exhaustive, Random }

/// <summary>What one backend did for one primitive; it never claims more than the cases it ran.</summary>
public sealed record BackendReport(
    Prim Prim,
    Backend Backend,
    long Cases,
    long HypothesisHeld,
    long HighSucceeded,
    TimeSpan Time,
    string Scope,
    Counterexample? Counterexample = null,
    string? Seed = null)
{
    public bool Passed => Counterexample is null;

    /// <summary>Share of the cases run in which the high spec succeeded (the interesting path).</summary>
    public double HighShare => Cases == 0 ? 0 : (double)HighSucceeded / Cases;

    public string Verdict => Passed ? "pass" : "COUNTEREXAMPLE";
}
