using System.Diagnostics;
using System.Text.RegularExpressions;
using CsCheck;
using VmxLayers.Cases;
using VmxLayers.Layers;

namespace VmxLayers.Checking;

/// <summary>Options of the random backend.</summary>
/// <param name="Budget">Cases to draw (after a failure, the shrinker gets <paramref name="ShrinkSeconds"/> more).</param>
/// <param name="Seed">The master seed (a CsCheck seed): every case derives from it, so it reproduces the whole run on any
/// number of threads; its own case is drawn first (so a printed counterexample seed reproduces that case). Null: a fresh one.</param>
/// <param name="ShrinkSeconds">Extra time given to the shrinker once a counterexample is found.</param>
/// <param name="Threads">Worker threads (0 = one per core).</param>
/// <param name="Cancel">Stops the run (OperationCanceledException).</param>
public sealed record RandomOptions(int Budget = 1500, string? Seed = null, double ShrinkSeconds = 1.0, int Threads = 0, CancellationToken Cancel = default);

/// <summary>
/// Property-based checking with CsCheck: draws cases from <see cref="Gens.For"/>, fails on a
/// violated case, shrinks (CsCheck keeps the failing case of smallest size), prints the seed.
/// </summary>
public static partial class RandomBackend
{
    [GeneratedRegex("Set seed: \"([^\"]+)\"")]
    private static partial Regex SeedPattern();

    public static BackendReport Run(RefinementDef refinement, PrimitiveDef def, RandomOptions options)
    {
        var statement = refinement.Statement(def);
        return Run(def, c => CaseCheck.Evaluate(statement, c), o => ReplayableCase.Prefer(statement, o), options);
    }

    /// <summary>The cases of <paramref name="def"/> judged by <paramref name="evaluate"/> (a composed refinement's check); <paramref name="prefer"/> picks the reported outcome.</summary>
    public static BackendReport Run(PrimitiveDef def, Func<ConcreteCase, CaseOutcome> evaluate, Func<CaseOutcome, CaseOutcome> prefer, RandomOptions options)
    {
        var gen = Gens.For(def);
        var tally = new Tally();
        int threads = options.Threads > 0 ? options.Threads : Environment.ProcessorCount;
        string master = options.Seed ?? NewMasterSeed();
        var sw = Stopwatch.StartNew();
        long? first = null;
        var gate = new Lock();
        Parallel.For(0L, options.Budget, new ParallelOptions { MaxDegreeOfParallelism = threads, CancellationToken = options.Cancel }, (i, state) =>
        {
            var o = evaluate(gen.Generate(PCG.Parse(CaseSeed(master, def.Name, i)), null, out _));
            tally.Add(o.Status);
            if (o.Status != CaseStatus.Violated) return;
            lock (gate) if (first is null || i < first) first = i;
            state.Break();   // cases before this one still run, so the first failing case is the same on any number of threads
        });
        Counterexample? cx = null;
        string? seed = first is { } f ? CaseSeed(master, def.Name, f) : null;
        if (seed is not null)
        {
            if (options.ShrinkSeconds > 0 && !options.Cancel.IsCancellationRequested)
                seed = Sample(gen, c => evaluate(c).Status != CaseStatus.Violated, seed, 1, (int)Math.Ceiling(options.ShrinkSeconds), threads) ?? seed;
            options.Cancel.ThrowIfCancellationRequested();
            var c = gen.Generate(PCG.Parse(seed), null, out _);
            var outcome = evaluate(c);
            if (outcome.Status != CaseStatus.Violated)
                throw new InvalidOperationException($"seed {seed} does not reproduce its counterexample (nondeterministic evaluation?)");
            cx = new Counterexample(Backend.Random, prefer(outcome), seed);
        }
        var scope = $"{tally.Cases} random cases from master seed {master}: TOTAL_CPU ∈ {{{string.Join(",", Gens.TotalCpus)}}}, any cpu, 4 block layouts, every slot and the exit VMCS fields of every CPU drawn as related pairs";
        return new BackendReport(def.Primitive, Backend.Random, tally.Cases, tally.HypothesisHeld, tally.HighSucceeded, sw.Elapsed, scope, cx, seed ?? master);
    }

    /// <summary>A fresh master seed.</summary>
    public static string NewMasterSeed() => new PCG((uint)Random.Shared.Next(), (ulong)Random.Shared.NextInt64()).ToString();

    /// <summary>
    /// The CsCheck seed of case <paramref name="index"/> of the primitive named <paramref name="primitive"/>: case 0 is the
    /// master seed itself (so `--seed CASE-SEED --budget 1` replays a printed case), the others a SplitMix64 hash of
    /// (master, the name's FNV-1a hash, index).
    /// </summary>
    public static string CaseSeed(string master, string primitive, long index)
    {
        if (index == 0) return master;
        var pcg = PCG.Parse(master);
        ulong name = 14695981039346656037UL;
        foreach (char ch in primitive) name = (name ^ ch) * 1099511628211UL;
        ulong z = pcg.Seed + 0x9E3779B97F4A7C15UL * (ulong)(index + 1) + 0xD1B54A32D192ED03UL * name;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return new PCG(pcg.Stream, z ^ (z >> 31)).ToString();
    }

    /// <summary>Regenerates the case of a CsCheck seed (what `--seed` replays).</summary>
    public static ConcreteCase CaseOf(PrimitiveDef def, string seed) => Gens.For(def).Generate(PCG.Parse(seed), null, out _);

    /// <summary>Runs CsCheck; returns the seed of the smallest failing case, or null if all passed.</summary>
    static string? Sample(Gen<ConcreteCase> gen, Func<ConcreteCase, bool> ok, string? seed, long iter, int time, int threads)
    {
        try
        {
            Check.Sample(gen, ok, writeLine: _ => { }, seed: seed, iter: iter, time: time, threads: threads, print: Describe);
            return null;
        }
        catch (CsCheckException e)
        {
            var m = SeedPattern().Match(e.Message);
            return m.Success ? m.Groups[1].Value : throw new InvalidOperationException($"CsCheck reported a failure without a seed: {e.Message}", e);
        }
    }

    static string Describe(ConcreteCase c) => $"{c.Prim} TOTAL_CPU={c.TotalCpu} cpu={c.Cpu} {c.FlagsHigh}";
}
