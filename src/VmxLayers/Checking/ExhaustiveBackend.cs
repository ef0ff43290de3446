using System.Diagnostics;
using VmxLayers.Cases;
using VmxLayers.Layers;

namespace VmxLayers.Checking;

/// <summary>Runs every case of a primitive's declared scope; stops at the first counterexample in scope order (or when cancelled: OperationCanceledException).</summary>
public static class ExhaustiveBackend
{
    public static BackendReport Run(RefinementDef refinement, PrimitiveDef def, int threads = 0, CancellationToken cancel = default)
    {
        var statement = refinement.Statement(def);
        return Run(def, c => CaseCheck.Evaluate(statement, c), o => ReplayableCase.Prefer(statement, o), threads, cancel);
    }

    /// <summary>The scope of <paramref name="def"/> judged by <paramref name="evaluate"/> (a composed refinement's check); <paramref name="prefer"/> picks the reported outcome.</summary>
    public static BackendReport Run(PrimitiveDef def, Func<ConcreteCase, CaseOutcome> evaluate, Func<CaseOutcome, CaseOutcome> prefer, int threads = 0, CancellationToken cancel = default)
    {
        var scope = ExhaustiveScope.For(def);
        var tally = new Tally();
        var sw = Stopwatch.StartNew();
        (long Index, CaseOutcome Outcome)? first = null;
        var gate = new object();
        var options = new ParallelOptions { MaxDegreeOfParallelism = threads > 0 ? threads : Environment.ProcessorCount, CancellationToken = cancel };
        Parallel.ForEach(scope.Cases(), options, (c, state, index) =>
        {
            var o = evaluate(c);
            tally.Add(o.Status);
            if (o.Status != CaseStatus.Violated) return;
            lock (gate) if (first is null || index < first.Value.Index) first = (index, o);
            state.Break();   // cases before this one still run, so the reported one is the first in scope order
        });
        var cx = first is { } f ? new Counterexample(Backend.Exhaustive, prefer(f.Outcome), $"case #{f.Index}") : null;
        return new BackendReport(def.Primitive, Backend.Exhaustive, tally.Cases, tally.HypothesisHeld, tally.HighSucceeded, sw.Elapsed,
            $"{scope.Count} cases: {scope.Description}", cx);
    }
}
