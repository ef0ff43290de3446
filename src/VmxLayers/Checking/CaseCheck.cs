using VmxLayers.Machine;
using VmxLayers.Refinement;
using VmxLayers.Spec.Concrete;

namespace VmxLayers.Checking;

/// <summary>How one case of the simulation statement came out.</summary>
public enum CaseStatus
{
    /// <summary>The hypothesis (related states, invariants, injecting arguments) does not hold: nothing to check.</summary>
    Vacuous,
    /// <summary>The high spec has no behaviour: the statement holds trivially.</summary>
    HighFails,
    /// <summary>The high spec succeeded and every conclusion holds (the interesting path).</summary>
    Holds,
    /// <summary>The high spec succeeded and the low spec failed or a conclusion is false: a counterexample.</summary>
    Violated,
}

/// <summary>The evaluation of one case with everything a report needs.</summary>
public sealed record CaseOutcome(
    ConcreteCase Case,
    CaseStatus Status,
    World World,
    SimRun<CTerm>? Run,
    string? Why,
    IReadOnlyList<string> Violated,
    IReadOnlyDictionary<string, string> Witness,
    string? Error = null)
{
    /// <summary>The reason of the high step's failure (only when <see cref="CaseStatus.HighFails"/>).</summary>
    public string? HighWhy => Status == CaseStatus.HighFails ? Why : null;

    /// <summary>Why the low step failed (only when the high one succeeded and the low one did not).</summary>
    public string? LowWhy => Run is { HighOk: true, LowOk: false } ? Why : null;
}

/// <summary>Runs the simulation statement on one concrete case and classifies the result.</summary>
public static class CaseCheck
{
    /// <summary>Clause name when the low spec has no behaviour although the high one has.</summary>
    public const string LowStepFails = "the low spec succeeds";
    /// <summary>Clause name when the evaluation itself threw (a bug, reported as a failure).</summary>
    public const string Crash = "evaluation";

    public static CaseOutcome Evaluate(ConcreteCase c)
    {
        World w;
        SimRun<CTerm> run;
        try { (w, run) = c.Evaluate(); }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or IndexOutOfRangeException or NullReferenceException)
        {
            return new CaseOutcome(c, CaseStatus.Violated, World.Initial(1), null, null, [Crash], new Dictionary<string, string>(), $"{e.GetType().Name}: {e.Message}");
        }
        var ctx = w.Context;
        var witness = new Dictionary<string, string>(ctx.Witness);
        if (!run.Hypothesis.B) return new CaseOutcome(c, CaseStatus.Vacuous, w, run, ctx.Why, [], witness);
        if (!run.HighOk) return new CaseOutcome(c, CaseStatus.HighFails, w, run, ctx.Why, [], witness);
        if (!run.LowOk) return new CaseOutcome(c, CaseStatus.Violated, w, run, ctx.Why, [LowStepFails], witness);
        var violated = run.Goals.Where(g => !g.Formula.B).Select(g => g.Clause).ToList();
        return new CaseOutcome(c, violated.Count == 0 ? CaseStatus.Holds : CaseStatus.Violated, w, run, ctx.Why, violated, witness);
    }
}
