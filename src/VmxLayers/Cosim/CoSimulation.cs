using System.Diagnostics;
using VmxLayers.Guest;
using VmxLayers.Constants;
using VmxLayers.Machine;
using VmxLayers.Refinement;

namespace VmxLayers.Cosim;

/// <summary>
/// Several CPUs run guests through VM exits on both layers in lockstep (SPEC §5 simulate): each CPU's host
/// (<see cref="CpuRunner"/>) serves its guest with PVMXIntro primitives, the scheduler interleaves the CPUs one
/// primitive at a time, the relation is checked after every step (incrementally) and in full every
/// <see cref="SimulateOptions.FullCheckInterval"/> exits and at both ends.
/// </summary>
public static class CoSimulation
{
    /// <summary>Exits between two samples of the managed heap (a power of two).</summary>
    public const long HeapInterval = 1 << 16;

    /// <summary>Runs the shipped guests / .bin files named in the options (throws <see cref="GuestLoadException"/> for a bad one).</summary>
    public static SimulationReport Run(SimulateOptions options, Action<SimulationProgress>? progress = null)
    {
        var names = options.Guests.Count > 0 ? options.Guests : SimulateOptions.DefaultGuests;
        var programs = names.Select(n => GuestLibrary.Resolve(n, options.GuestMemory)).ToArray();
        return Run(options, cpu => new InterpretedGuest(programs[cpu % programs.Length], options.GuestBudget), progress);
    }

    /// <summary>Runs the guests `guestFor(cpu)` gives (the product uses <see cref="InterpretedGuest"/>; tests may script one).</summary>
    public static SimulationReport Run(SimulateOptions options, Func<int, IGuest> guestFor, Action<SimulationProgress>? progress = null)
    {
        if (options.Cpus < 1) throw new ArgumentOutOfRangeException(nameof(options), "at least one CPU");
        // loading the guests is set-up, like resolving their programs: not part of the measured run (an interpreted
        // guest builds Iced's decoder tables, about 0.1 s of JIT once per process)
        var guests = Enumerable.Range(0, options.Cpus).Select(guestFor).ToArray();
        var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
        long allocated0 = GC.GetAllocatedBytesForCurrentThread();
        var clock = Stopwatch.StartNew();
        var composed = options.Code is { } code ? new Layers.ComposedRefinement(code, options.Refinement) : null;
        var world = new CheckedWorld(World.Initial(options.Cpus, stackBlocks: options.Cpus), options.Refinement, owned: !options.Persistent && !options.VerifyTouchLog, options.VerifyTouchLog, composed, options.CodeFullEveryCall);
        long exits = 0;
        var byReason = new long[64];
        bool Restart() => options.MaxExits is not null;
        var runners = Enumerable.Range(0, options.Cpus).Select(c => new CpuRunner(world, c, guests[c], Restart)).ToArray();
        SimulationFailure? failure = null;
        var heap = new HeapSamples(HeapInterval, 0, 0, 0, 0, 0);
        bool interrupted = false;
        try
        {
            world.FullCheck("initial state");
            var scheduler = new Scheduler(runners, options);
            long nextFull = options.FullCheckInterval, nextReport = 0;
            while (scheduler.Next() is { } runner)
            {
                if (options.Cancel.IsCancellationRequested) { interrupted = true; break; }
                long before = runner.Exits;
                if (!runner.Advance()) scheduler.Retire(runner);
                if (runner.Exits == before) continue;
                exits++;
                byReason[Math.Min(runner.LastReason & 0xFFFF, 63)]++;
                if ((exits & (HeapInterval - 1)) == 0) heap = heap.Add(GC.GetTotalMemory(forceFullCollection: false));
                if (exits >= nextFull) { world.FullCheck($"after {exits} exits"); nextFull += options.FullCheckInterval; }
                if (progress is not null && (exits & 63) == 0 && clock.ElapsedMilliseconds >= nextReport)
                {
                    progress(new(exits, options.MaxExits, Sum(world), scheduler.Active, clock.Elapsed));
                    nextReport = clock.ElapsedMilliseconds + (long)options.ProgressInterval.TotalMilliseconds;
                }
                if (exits >= options.MaxExits) { runner.EndIfFinalExit(); break; }
            }
            if (!interrupted) world.FullCheck("final state");
        }
        catch (CosimStop stop) { failure = stop.Failure; }
        clock.Stop();
        var cpuTime = Process.GetCurrentProcess().TotalProcessorTime - cpu0;
        long allocated = GC.GetAllocatedBytesForCurrentThread() - allocated0;
        progress?.Invoke(new(exits, options.MaxExits, Sum(world), 0, clock.Elapsed));
        return Report(options, world, runners, exits, byReason, failure, clock.Elapsed, cpuTime, heap, allocated) with { Interrupted = interrupted };
    }

    static long Sum(CheckedWorld w) => w.TotalCalls;

    static SimulationReport Report(SimulateOptions options, CheckedWorld world, CpuRunner[] runners, long exits, long[] byReason,
        SimulationFailure? failure, TimeSpan elapsed, TimeSpan cpuTime, HeapSamples heap, long allocated)
    {
        var reasons = new Dictionary<string, long>();
        for (int r = 0; r < byReason.Length; r++) if (byReason[r] > 0) reasons[ExitReasons.Name(r)] = byReason[r];
        var calls = world.CallsByPrim.ToDictionary(c => c.Primitive.Name, c => c.Calls);
        var cpus = runners.Select((r, c) => new CpuReport(c, r.GuestName, r.Console.CompletedRuns, r.Exits, r.Console.Text, r.Expected) { GuestInstructions = r.GuestInstructions }).ToArray();
        using var self = Process.GetCurrentProcess();
        return new SimulationReport(options, failure, exits, reasons, calls, world.PassthroughCalls, world.GuestSteps, world.Checks,
            elapsed, cpuTime, cpus, GC.GetTotalMemory(forceFullCollection: false), self.PeakWorkingSet64, heap, allocated)
        {
            FinalWorld = world.World,
            CodeCalls = world.CodeCalls,
            GuestTime = TimeSpan.FromSeconds(runners.Sum(r => r.GuestTicks) / (double)Stopwatch.Frequency),
        };
    }

    /// <summary>Picks the CPU that takes the next step: round robin over the active ones, or uniformly at random.</summary>
    sealed class Scheduler(CpuRunner[] runners, SimulateOptions options)
    {
        readonly List<CpuRunner> active = [.. runners];
        readonly Random random = new(options.Seed);
        int turn = -1;

        public int Active => active.Count;

        public CpuRunner? Next()
        {
            if (active.Count == 0) return null;
            turn = options.Interleave == Interleave.Random ? random.Next(active.Count) : (turn + 1) % active.Count;
            return active[turn];
        }

        public void Retire(CpuRunner r)
        {
            int i = active.IndexOf(r);
            active.RemoveAt(i);
            if (i <= turn) turn--;
        }
    }
}
