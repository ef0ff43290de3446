using VmxLayers.Cases;
using VmxLayers.Layers;

namespace VmxLayers.Checking;

/// <summary>
/// The composed refinement's statement on one concrete case: the upper step (PVMXIntro over the middle state), and, when
/// it holds, the lower step from the same middle state (the bottom layer starting there). The middle layer's run is the
/// witness of the composed relation after the call: the composed statement holds iff both steps hold, and a case's
/// outcome is the first step's that does not hold (its <see cref="CaseOutcome.Statement"/> names the step).
/// </summary>
public static class ComposedCheck
{
    public static CaseOutcome Evaluate(ComposedRefinement r, ConcreteCase c)
    {
        var upper = CaseCheck.Evaluate(r.Upper.Statement(c.Prim), c);
        if (upper.Status != CaseStatus.Holds) return upper;
        var lower = CaseCheck.Evaluate(r.Lower.Statement(c.Prim), r.LowerCase(c));
        // The middle state is related to itself and the middle spec ran on it once already: a lower step that is vacuous
        // or whose upper (middle) side fails would mean the construction is wrong, never that the statement holds.
        return lower.Status is CaseStatus.Vacuous or CaseStatus.HighFails
            ? lower with { Status = CaseStatus.Violated, Violated = [CaseCheck.Crash], Error = $"the lower step's case is {lower.Status} although the upper step held: {lower.Why}" }
            : lower;
    }

    /// <summary>Which step an outcome of <see cref="Evaluate"/> comes from.</summary>
    public static RefinementDef StepOf(ComposedRefinement r, CaseOutcome o) =>
        ReferenceEquals(o.Statement.Relation, r.Lower.Relation) && ReferenceEquals(o.Statement.Lower, r.Lower.Lower.Spec(o.Statement.Primitive)) ? r.Lower : r.Upper;

    /// <summary>The exhaustive backend over the upper step's scope, each case judged by the composed statement.</summary>
    public static BackendReport Exhaustive(ComposedRefinement r, PrimitiveDef def, int threads = 0, CancellationToken cancel = default) =>
        ExhaustiveBackend.Run(def, c => Evaluate(r, c), o => o, threads, cancel);

    /// <summary>The random backend over the upper step's generator, each case judged by the composed statement.</summary>
    public static BackendReport Random(ComposedRefinement r, PrimitiveDef def, RandomOptions options) =>
        RandomBackend.Run(def, c => Evaluate(r, c), o => o, options);
}
