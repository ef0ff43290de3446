using System.Diagnostics;
using VmxLayers.Cases;
using VmxLayers.Checking;
using VmxLayers.Cosim;
using VmxLayers.Layers;
using VmxLayers.Smt;
using VmxLayers.Smt.Solvers;

namespace VmxLayers.Mutants;

/// <summary>The checkers of the kill matrix, in column order.</summary>
public enum KillBackend { Prove, Exhaustive, Random, Simulate }

/// <summary>One backend on one mutant: killed or not, the time it took (to the kill, or in total), and where/why.</summary>
public sealed record KillCell(KillBackend Backend, bool Killed, TimeSpan Time, string? Where);

/// <summary>
/// One mutant's row: a cell per backend run, and for relation mutants the relation test whose case the mutant
/// flips (<see cref="RelationProbes"/>), null when none does.
/// </summary>
public sealed record KillRow(Mutant Mutant, IReadOnlyList<KillCell> Cells, RelationProbe? RelationTest)
{
    public KillCell? Cell(KillBackend b) => Cells.FirstOrDefault(c => c.Backend == b);

    public bool KilledBy(KillBackend b) => Cell(b)?.Killed == true;

    /// <summary>Killed by some backend or by the relation's own tests.</summary>
    public bool KilledSomewhere => Cells.Any(c => c.Killed) || RelationTest is not null;

    /// <summary>The fastest kill among the backends (each backend's own time to its kill).</summary>
    public KillCell? FirstKill => Cells.Where(c => c.Killed).MinBy(c => c.Time);
}

/// <summary>How the matrix runs: backends, random budget per primitive, the solver and its budget per obligation, the co-simulation's CPUs; Cancel stops it (OperationCanceledException).</summary>
public sealed record KillOptions(IReadOnlyList<KillBackend> Backends, int RandomBudget = 1500, SolverKind Solver = SolverKind.Libz3, int SimulateCpus = 2, int Threads = 0, long Rlimit = ProveOptions.DefaultRlimit, CancellationToken Cancel = default);

/// <summary>
/// Runs every mutant under each selected backend. A spec mutant is tried on its own primitive, a relation
/// mutant on each primitive in turn until the backend kills it. Killed means: prove — REFUTED with a decoded
/// counterexample that fails concretely; exhaustive/random — a counterexample; simulate — an unrelated step
/// or a wrong guest output.
/// </summary>
public static class KillMatrix
{
    public static IReadOnlyList<KillRow> Run(KillOptions o, Action<KillRow>? progress = null) =>
        [.. MutantCatalog.All.Select(m => { var r = Row(m, o); progress?.Invoke(r); return r; })];

    public static KillRow Row(Mutant m, KillOptions o)
    {
        var refinement = m.On(VmxLayerPair.Refinement);
        var cells = o.Backends.Select(b => b switch
        {
            KillBackend.Prove => Prove(m, refinement, o.Solver, o.Rlimit, o.Cancel),
            KillBackend.Exhaustive => Concrete(m, refinement, b, def => ExhaustiveBackend.Run(refinement, def, o.Threads, o.Cancel)),
            KillBackend.Random => Concrete(m, refinement, b, def => RandomBackend.Run(refinement, def, new RandomOptions(o.RandomBudget, ShrinkSeconds: 0, Threads: o.Threads, Cancel: o.Cancel))),
            KillBackend.Simulate => Simulate(refinement, m.Name, o.SimulateCpus, o.Cancel),
            _ => throw new ArgumentOutOfRangeException(nameof(o), b, "unknown backend"),
        }).ToList();
        return new KillRow(m, cells, m.Target == MutantTarget.Relation ? RelationProbes.Killer(m) : null);
    }

    static IEnumerable<PrimitiveDef> Defs(Mutant m, RefinementDef r) => m.Primitive is { } p ? [r.Def(p)] : r.Primitives;

    static KillCell Concrete(Mutant m, RefinementDef r, KillBackend b, Func<PrimitiveDef, BackendReport> run)
    {
        var sw = Stopwatch.StartNew();
        foreach (var def in Defs(m, r))
            if (run(def).Counterexample is { } cx)
                return new KillCell(b, true, sw.Elapsed, $"{def.Name}: {string.Join("; ", cx.Clauses)}");
        return new KillCell(b, false, sw.Elapsed, null);
    }

    static KillCell Prove(Mutant m, RefinementDef r, SolverKind solver, long rlimit, CancellationToken cancel) =>
        Prove(Defs(m, r), r, solver, rlimit, cancel);

    /// <summary>Killed: some primitive's lemma REFUTED with a decoded counterexample that fails concretely (the spec and code mutants' prove column).</summary>
    internal static KillCell Prove(IEnumerable<PrimitiveDef> defs, RefinementDef r, SolverKind solver, long rlimit, CancellationToken cancel)
    {
        var sw = Stopwatch.StartNew();
        string? note = null;
        foreach (var def in defs)
        {
            var result = ProveOnce(r, def, new ProveOptions(solver, rlimit, StopAtFirstRefutation: true, Cancel: cancel), out var error);
            if (result is null) { note ??= $"{def.Name}: prover error: {error}"; continue; }
            if (result.Verdict == Verdict.Refuted && result.CounterexampleConfirmed)
                return new KillCell(KillBackend.Prove, true, sw.Elapsed, result.FirstRefuted?.Message);
            // a refutation whose model cannot be replayed concretely is not a kill, but worth saying
            if (result.Verdict != Verdict.Proved) note ??= $"{def.Name}: {result.Verdict.ToString().ToUpperInvariant()}, {result.Replay?.ToString() ?? result.Obligations.FirstOrDefault(x => x.Verdict == Verdict.Unknown)?.ReasonUnknown}";
        }
        return new KillCell(KillBackend.Prove, false, sw.Elapsed, note);
    }

    /// <summary>A proof; an exception inside the prover is retried once, then reported (never a kill, never a crash of the matrix).</summary>
    static LemmaResult? ProveOnce(RefinementDef r, PrimitiveDef def, ProveOptions o, out string? error)
    {
        error = null;
        for (int attempt = 0; attempt < 2; attempt++)
        {
            try { return Prover.Prove(r.Statement(def), o, r.Name); }
            catch (Exception e) when (e is AggregateException or InvalidOperationException) { error = e.Message; }
        }
        return null;
    }

    static KillCell Simulate(RefinementDef r, string mutant, int cpus, CancellationToken cancel)
    {
        var sw = Stopwatch.StartNew();
        var report = CoSimulation.Run(new SimulateOptions { Cpus = cpus, Refinement = r, MutantName = mutant, Cancel = cancel });
        cancel.ThrowIfCancellationRequested();
        bool killed = report.Failure?.Kind is FailureKind.Unrelated or FailureKind.GuestOutput;
        return new KillCell(KillBackend.Simulate, killed, sw.Elapsed, report.Failure?.ToString());
    }
}
