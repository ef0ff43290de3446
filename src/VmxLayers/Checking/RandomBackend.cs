using System.Diagnostics;
using System.Text.RegularExpressions;
using CsCheck;
using VmxLayers.Cases;
using VmxLayers.Layers;

namespace VmxLayers.Checking;

/// <summary>Options of the random backend.</summary>
/// <param name="Budget">Cases to draw (CsCheck iterations; after a failure the rest are spent shrinking).</param>
/// <param name="Seed">A CsCheck seed: its case is drawn first (reproduces a printed counterexample).</param>
/// <param name="ShrinkSeconds">Extra time given to the shrinker once a counterexample is found.</param>
/// <param name="Threads">Worker threads (0 = one per core).</param>
public sealed record RandomOptions(int Budget = 1500, string? Seed = null, double ShrinkSeconds = 1.0, int Threads = 0);

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
        var gen = Gens.For(def);
        var statement = refinement.Statement(def);
        var tally = new Tally();
        int threads = options.Threads > 0 ? options.Threads : Environment.ProcessorCount;
        var sw = Stopwatch.StartNew();
        string? seed = Sample(gen, c => { var o = CaseCheck.Evaluate(statement, c); tally.Add(o.Status); return o.Status != CaseStatus.Violated; },
            options.Seed, options.Budget, -1, threads);
        Counterexample? cx = null;
        if (seed is not null)
        {
            if (options.ShrinkSeconds > 0)
                seed = Sample(gen, c => CaseCheck.Evaluate(statement, c).Status != CaseStatus.Violated, seed, 1, (int)Math.Ceiling(options.ShrinkSeconds), threads) ?? seed;
            var c = gen.Generate(PCG.Parse(seed), null, out _);
            var outcome = CaseCheck.Evaluate(statement, c);
            if (outcome.Status != CaseStatus.Violated)
                throw new InvalidOperationException($"seed {seed} does not reproduce its counterexample (nondeterministic evaluation?)");
            cx = new Counterexample(Backend.Random, outcome, seed);
        }
        var scope = $"{tally.Cases} random cases: TOTAL_CPU ∈ {{{string.Join(",", Gens.TotalCpus)}}}, any cpu, 4 block layouts, every slot and the exit VMCS fields of every CPU drawn as related pairs";
        return new BackendReport(def.Primitive, Backend.Random, tally.Cases, tally.HypothesisHeld, tally.HighSucceeded, sw.Elapsed, scope, cx, seed ?? options.Seed);
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
