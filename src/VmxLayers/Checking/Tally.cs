namespace VmxLayers.Checking;

/// <summary>Thread-safe counters of case outcomes.</summary>
internal sealed class Tally
{
    long cases, hypothesis, high;

    public long Cases => Interlocked.Read(ref cases);
    public long HypothesisHeld => Interlocked.Read(ref hypothesis);
    public long HighSucceeded => Interlocked.Read(ref high);

    public void Add(CaseStatus s)
    {
        Interlocked.Increment(ref cases);
        if (s != CaseStatus.Vacuous) Interlocked.Increment(ref hypothesis);
        if (s is CaseStatus.Holds or CaseStatus.Violated) Interlocked.Increment(ref high);
    }
}
