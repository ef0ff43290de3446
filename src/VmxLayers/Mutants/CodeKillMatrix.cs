using System.Diagnostics;
using VmxLayers.Checking;
using VmxLayers.Code;
using VmxLayers.Code.Layering;
using VmxLayers.Cosim;
using VmxLayers.Layers;

namespace VmxLayers.Mutants;

/// <summary>One code mutant's row: a cell per backend run.</summary>
public sealed record CodeKillRow(CodeMutant Mutant, IReadOnlyList<KillCell> Cells)
{
    public KillCell? Cell(KillBackend b) => Cells.FirstOrDefault(c => c.Backend == b);

    public bool KilledBy(KillBackend b) => Cell(b)?.Killed == true;

    public bool KilledSomewhere => Cells.Any(c => c.Killed);

    /// <summary>A non-equivalent mutant no backend killed, or an equivalent one a backend killed.</summary>
    public bool Wrong => Mutant.EquivalentBecause is null ? Cells.Count > 0 && !KilledSomewhere : KilledSomewhere;
}

/// <summary>
/// The code mutants (impl/mutants) under the prover and the concrete backends, on code ⊑ VMCSInit, and the three-layer
/// co-simulation (the mutant's machine code under VMCSInit and PVMXIntro, default guests). Killed means: prove — some
/// primitive's lemma REFUTED with a counterexample that fails on the concrete executor; exhaustive/random — a
/// counterexample on some primitive; simulate — an unrelated step or a wrong guest output.
/// </summary>
public static class CodeKillMatrix
{
    /// <summary>The backends a code mutant has a column for.</summary>
    public static readonly KillBackend[] Backends = [KillBackend.Prove, KillBackend.Exhaustive, KillBackend.Random, KillBackend.Simulate];

    public static IReadOnlyList<CodeKillRow> Run(KillOptions o, Action<CodeKillRow>? progress = null) =>
        [.. ImplObjects.Mutants.Select(m => { var r = Row(m, o); progress?.Invoke(r); return r; })];

    public static CodeKillRow Row(CodeMutant m, KillOptions o)
    {
        var code = CodeLayer.Refinement(ImplementationLinker.Link([m.Object], ImplObjects.Default));
        var cells = o.Backends.Where(Backends.Contains).Select(b => b switch
        {
            KillBackend.Prove => KillMatrix.Prove(code.Primitives, code, o.Solver, o.Rlimit, o.Cancel),
            KillBackend.Exhaustive => Concrete(code, b, def => ExhaustiveBackend.Run(code, def, o.Threads, o.Cancel)),
            KillBackend.Random => Concrete(code, b, def => RandomBackend.Run(code, def, new RandomOptions(o.RandomBudget, ShrinkSeconds: 0, Threads: o.Threads, Cancel: o.Cancel))),
            KillBackend.Simulate => Simulate(code, m.Name, o.SimulateCpus, o.Cancel),
            _ => throw new ArgumentOutOfRangeException(nameof(o), b, "no code-mutant column for this backend"),
        }).ToList();
        return new CodeKillRow(m, cells);
    }

    static KillCell Concrete(RefinementDef code, KillBackend b, Func<Cases.PrimitiveDef, BackendReport> run)
    {
        var sw = Stopwatch.StartNew();
        foreach (var def in code.Primitives)
            if (run(def).Counterexample is { } cx)
                return new KillCell(b, true, sw.Elapsed, $"{def.Name}: {string.Join("; ", cx.Clauses)}");
        return new KillCell(b, false, sw.Elapsed, null);
    }

    static KillCell Simulate(RefinementDef code, string mutant, int cpus, CancellationToken cancel)
    {
        var sw = Stopwatch.StartNew();
        var report = CoSimulation.Run(new SimulateOptions { Cpus = cpus, Code = code, MutantName = $"code {mutant}", Cancel = cancel });
        cancel.ThrowIfCancellationRequested();
        bool killed = report.Failure?.Kind is FailureKind.Unrelated or FailureKind.GuestOutput;
        return new KillCell(KillBackend.Simulate, killed, sw.Elapsed, report.Failure?.ToString());
    }
}
