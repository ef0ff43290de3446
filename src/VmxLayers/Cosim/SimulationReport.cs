namespace VmxLayers.Cosim;

/// <summary>Why a co-simulation stopped early.</summary>
public enum FailureKind
{
    /// <summary>A step left the layers unrelated (result, register or relation clause).</summary>
    Unrelated,
    /// <summary>The high spec refused a call the host handler made (a broken high spec or host).</summary>
    HighStepFailed,
    /// <summary>A guest printed something other than its expected output.</summary>
    GuestOutput,
    /// <summary>The guest interpreter could not go on.</summary>
    GuestFault,
    /// <summary>The host could not serve the exit (unexpected reason, non-integer register, ...).</summary>
    Host,
}

/// <summary>The first failure: where (CPU, or -1 for a full relation check over all CPUs; step), which clause, and what each layer did.</summary>
public sealed record SimulationFailure(FailureKind Kind, int Cpu, string Step, string Clause, string? High = null, string? Low = null)
{
    /// <summary>"CPU 3", or "all CPUs" for a full relation check.</summary>
    public string Where => Cpu < 0 ? "all CPUs" : $"CPU {Cpu}";

    public override string ToString() =>
        $"{Kind}: {Where}, {Step}: {Clause}" + (High is null ? "" : $"; high: {High}") + (Low is null ? "" : $"; low: {Low}");
}

/// <summary>One CPU at the end: its guest, runs completed, exits taken, and the first run's console output.</summary>
public sealed record CpuReport(int Cpu, string Guest, long CompletedRuns, long Exits, string Output, string? ExpectedOutput)
{
    /// <summary>Guest instructions this CPU executed (all runs; exiting instructions not counted).</summary>
    public long GuestInstructions { get; init; }
}

/// <summary>Relation checks done: incremental (after every step), slots they checked, full ones.</summary>
public readonly record struct CheckCounts(long Incremental, long Slots, long VmcsFields, long Full);

/// <summary>The outcome of <see cref="CoSimulation.Run(SimulateOptions, Action{SimulationProgress}?)"/>.</summary>
public sealed record SimulationReport(
    SimulateOptions Options,
    SimulationFailure? Failure,
    long Exits,
    IReadOnlyDictionary<string, long> ExitsByReason,
    IReadOnlyDictionary<string, long> PrimitiveCallsByName,
    long PassthroughCalls,
    long GuestSteps,
    CheckCounts Checks,
    TimeSpan Elapsed,
    TimeSpan CpuTime,
    IReadOnlyList<CpuReport> Cpus,
    long ManagedBytes,
    long PeakWorkingSet,
    HeapSamples Heap,
    long AllocatedBytes = 0)
{
    /// <summary>Stopped by <see cref="SimulateOptions.Cancel"/> (Ctrl-C) before the guests or the exit cap ended it; the counts are what finished.</summary>
    public bool Interrupted { get; init; }
    /// <summary>Calls the machine code ran under the middle layer, each judged by code ⊑ VMCSInit's relation (0 unless <see cref="SimulateOptions.Code"/>).</summary>
    public long CodeCalls { get; init; }
    /// <summary>The world at the end (tests compare runs by it; after a failure it may hold part of the failing step).</summary>
    internal Machine.World? FinalWorld { get; init; }

    /// <summary>Time spent interpreting guest instructions (inside <see cref="IGuest.RunUntilExit"/>).</summary>
    public TimeSpan GuestTime { get; init; }
    /// <summary>Guest instructions executed on all CPUs.</summary>
    public long GuestInstructions => Cpus.Sum(c => c.GuestInstructions);
    /// <summary>Millions of guest instructions per second of interpretation.</summary>
    public double GuestMips => GuestInstructions / Math.Max(GuestTime.TotalSeconds, 1e-9) / 1e6;

    /// <summary>Bytes the run allocated per checked primitive call (everything on the simulating thread: guests, host, both layers, checks).</summary>
    public double AllocatedPerCall => AllocatedBytes / (double)Math.Max(PrimitiveCalls, 1);
    /// <summary>Related after every step and every guest printed its expected output (an interrupted run has not passed).</summary>
    public bool Passed => Failure is null && !Interrupted;
    /// <summary>For mutation runs: the mutant was detected.</summary>
    public bool Killed => Failure is not null;
    /// <summary>No unrelated step was found (a guest may still have printed the wrong thing, or a high step failed).</summary>
    public bool Related => Failure?.Kind != FailureKind.Unrelated;
    /// <summary>Calls of the six PVMXIntro primitives, each run on both layers and checked.</summary>
    public long PrimitiveCalls => PrimitiveCallsByName.Values.Sum();
    public double CallsPerSecond => PrimitiveCalls / Math.Max(Elapsed.TotalSeconds, 1e-9);
    public double ExitsPerSecond => Exits / Math.Max(Elapsed.TotalSeconds, 1e-9);
    /// <summary>Checked calls per second of CPU time the process used (robust against other processes on the machine).</summary>
    public double CallsPerCpuSecond => PrimitiveCalls / Math.Max(CpuTime.TotalSeconds, 1e-9);
    public double ExitsPerCpuSecond => Exits / Math.Max(CpuTime.TotalSeconds, 1e-9);
}

/// <summary>
/// The managed heap (GC.GetTotalMemory) sampled every <see cref="Interval"/> exits: the first sample, the
/// smallest and largest, and the last — flat memory means Max stays near First however long the run.
/// </summary>
public readonly record struct HeapSamples(long Interval, int Count, long First, long Min, long Max, long Last)
{
    public HeapSamples Add(long bytes) => Count == 0
        ? new(Interval, 1, bytes, bytes, bytes, bytes)
        : new(Interval, Count + 1, First, Math.Min(Min, bytes), Math.Max(Max, bytes), bytes);
}

/// <summary>Progress of a running co-simulation.</summary>
public readonly record struct SimulationProgress(long Exits, long? MaxExits, long PrimitiveCalls, int ActiveCpus, TimeSpan Elapsed);
