using VmxLayers.Layers;

namespace VmxLayers.Cosim;

/// <summary>How the CPUs take turns: round robin or uniformly random (seeded), one primitive at a time.</summary>
public enum Interleave { RoundRobin, Random }

/// <summary>
/// A co-simulation run. Guests: names of shipped guests or paths of .bin files, assigned to CPUs round robin
/// (empty: hello, fib, sieve, regs). MaxExits null: every guest runs once; otherwise the run stops after that
/// many exits and guests that end are restarted from scratch.
/// </summary>
public sealed record SimulateOptions
{
    public int Cpus { get; init; } = 4;
    public IReadOnlyList<string> Guests { get; init; } = [];
    public long? MaxExits { get; init; }
    public Interleave Interleave { get; init; } = Interleave.RoundRobin;
    public int Seed { get; init; } = 1;
    /// <summary>The refinement whose layers run in lockstep (a mutant's, to show the co-simulation catches it).</summary>
    public RefinementDef Refinement { get; init; } = VmxLayerPair.Refinement;
    /// <summary>
    /// The code refinement (code ⊑ VMCSInit) whose machine code runs under <see cref="Refinement"/>'s lower layer, each
    /// call judged by its relation (three layers in lockstep); null: two layers.
    /// </summary>
    public RefinementDef? Code { get; init; }
    /// <summary>The name of the mutant <see cref="Refinement"/> carries, for reports (null: the real layers).</summary>
    public string? MutantName { get; init; }
    /// <summary>
    /// A full relation check every this many exits (besides the first and the last state); null: every
    /// <see cref="DefaultFullCheckPerCpu"/> × <see cref="Cpus"/> exits (1000 for 4 CPUs), because a full check costs
    /// O(CPUs) and so its cost per exit stays the same for any number of CPUs.
    /// </summary>
    public long? FullCheckEvery { get; init; }

    /// <summary>Exits per CPU between two full checks when <see cref="FullCheckEvery"/> is not given.</summary>
    public const long DefaultFullCheckPerCpu = 250;

    /// <summary>The exits between two full checks actually used.</summary>
    public long FullCheckInterval => FullCheckEvery ?? DefaultFullCheckPerCpu * Math.Max(1, Cpus);
    /// <summary>Tests: also diff the persistent structures after every step and fail on a change the touch log missed.</summary>
    internal bool VerifyTouchLog { get; init; }
    /// <summary>Tests: the code step's state goals in full after every call instead of its incremental check.</summary>
    internal bool CodeFullEveryCall { get; init; }
    /// <summary>Tests: run on the persistent world instead of one updated in place (<see cref="Machine.World.Owned"/>).</summary>
    internal bool Persistent { get; init; }
    /// <summary>Stops the run between two steps; the report then says <see cref="SimulationReport.Interrupted"/>.</summary>
    public CancellationToken Cancel { get; init; }
    /// <summary>The least time between two progress reports (the report's rate-over-time plot asks for more than a status line).</summary>
    public TimeSpan ProgressInterval { get; init; } = TimeSpan.FromMilliseconds(200);
    /// <summary>Instructions a guest may run between two exits before it is declared stuck.</summary>
    public long GuestBudget { get; init; } = 10_000_000;
    /// <summary>Bytes of memory of each guest (the stack starts at its top).</summary>
    public int GuestMemory { get; init; } = Guest.GuestCpu.DefaultMemorySize;

    /// <summary>The shipped guests assigned round robin when none are given.</summary>
    public static readonly IReadOnlyList<string> DefaultGuests = ["hello", "fib", "sieve", "regs"];
}
