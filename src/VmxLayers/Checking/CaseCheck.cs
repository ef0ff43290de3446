using VmxLayers.Cases;
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
/// <param name="Failures">Every failing instance of the violated clauses, as the relation's own clauses found them.</param>
public sealed record CaseOutcome(
    ConcreteCase Case,
    SimStatement Statement,
    CaseStatus Status,
    World World,
    SimRun<CTerm>? Run,
    string? Why,
    IReadOnlyList<string> Violated,
    IReadOnlyDictionary<string, string> Witness,
    IReadOnlyList<ClauseWitness> Failures,
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

    public static CaseOutcome Evaluate(SimStatement s, ConcreteCase c)
    {
        World w;
        SimRun<CTerm> run;
        var failures = new List<ClauseWitness>();
        try
        {
            w = c.ToWorld();
            var d = w.Domain();
            var input = c.ToInput(w);
            run = Simulation.Run(ref d, s, input);
            // the goals again, now listing every failing instance (only for a case that is a counterexample)
            if (run.Hypothesis.Raw.B && run is { HighOk: true, LowOk: true, Post: { } post } && run.Goals.Any(g => !g.Formula.Raw.B))
                failures = FailingInstances(w, s, run, post);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or IndexOutOfRangeException or NullReferenceException or KeyNotFoundException)
        {
            return new CaseOutcome(c, s, CaseStatus.Violated, World.Initial(1), null, null, [Crash], new Dictionary<string, string>(), [], $"{e.GetType().Name}: {e.Message}");
        }
        var ctx = w.Context;
        var witness = new Dictionary<string, string>(ctx.Witness);
        if (!run.Hypothesis.Raw.B) return new CaseOutcome(c, s, CaseStatus.Vacuous, w, run, ctx.Why, [], witness, []);
        if (!run.HighOk) return new CaseOutcome(c, s, CaseStatus.HighFails, w, run, ctx.Why, [], witness, []);
        if (!run.LowOk) return new CaseOutcome(c, s, CaseStatus.Violated, w, run, ctx.Why, [LowStepFails], witness, []);
        var violated = run.Goals.Where(g => !g.Formula.Raw.B).Select(g => g.Clause).ToList();
        return new CaseOutcome(c, s, violated.Count == 0 ? CaseStatus.Holds : CaseStatus.Violated, w, run, ctx.Why, violated, witness, failures);
    }

    /// <summary>Every failing instance of the statement's goals, by the relation's own clauses (the quantifiers do not stop at the first).</summary>
    static List<ClauseWitness> FailingInstances(World w, SimStatement s, SimRun<CTerm> run, LayerPair<CTerm> post)
    {
        var failures = new List<ClauseWitness>();
        var d = w.Domain();
        w.Context.AllFailures = failures;
        try
        {
            var goals = new List<Goal<CTerm>>();
            s.Relation.Code<CTerm, ConcreteDomain>().StateGoals(ref d, s.Primitive, new SimOutput<CTerm>(post, run.RetHigh, run.RetLow, run.RegsHigh, run.RegsLow), goals);
        }
        finally { w.Context.AllFailures = null; }
        return failures;
    }
}
