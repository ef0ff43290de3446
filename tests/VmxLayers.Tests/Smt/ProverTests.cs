using System.Diagnostics;
using VmxLayers.Mutants;
using VmxLayers.Refinement;
using VmxLayers.Smt;
using VmxLayers.Smt.Solvers;
using VmxLayers.Spec;
using VmxLayers.Tests.Smt.Solvers;

namespace VmxLayers.Tests.Smt;

/// <summary>The six lemmas proved from the real specs; every wrong spec refuted with a counterexample that fails concretely.</summary>
public class ProverTests
{
    static LemmaResult Prove(Prim p, MutantId m = MutantId.None) => Prover.Prove(p, new ProveOptions(m, StopAtFirstRefutation: m != MutantId.None));

    public static TheoryData<Prim> Prims() => [.. PrimInfo.All];

    /// <summary>Every non-equivalent low or high spec mutant of the catalog (each is proved against its own primitive only).</summary>
    public static TheoryData<MutantId> Refutable() =>
        [.. MutantCatalog.All.Where(m => m.Primitive is not null && m.Equivalent is null).Select(m => m.Id)];

    [Fact]
    public void EverySpecMutantIsCovered() =>
        Assert.Equal(MutantCatalog.All.Count(m => m.Target != MutantTarget.Relation), Refutable().Count + Equivalent().Count);

    /// <summary>With a budget too small for any scope, exit-wrong-stride38 stays undecided: unsat in the small scopes must never become PROVED.</summary>
    [SolverFact("libz3")]
    public void WrongStrideIsNeverProved() =>
        Assert.NotEqual(Verdict.Proved, Prover.Prove(Prim.vmx_exit, new ProveOptions(MutantId.ExitWrongStride38, Rlimit: 300_000, StopAtFirstRefutation: true)).Verdict);

    public static TheoryData<MutantId> Equivalent() =>
        [.. MutantCatalog.All.Where(m => m.Primitive is not null && m.Equivalent is not null).Select(m => m.Id)];

    [SolverTheory("libz3")]
    [MemberData(nameof(Prims))]
    public void RealSpecsAreProved(Prim p)
    {
        var r = Prove(p);
        Assert.True(r.Verdict == Verdict.Proved,
            string.Join("; ", r.Obligations.Where(o => o.Verdict != Verdict.Proved).Select(o => $"{o.Why}: {o.Verdict} {o.Message}{o.ReasonUnknown}")));
        Assert.All(r.Obligations, o => Assert.Equal(Verdict.Proved, o.Verdict));
        Assert.Null(r.Counterexample);
        Assert.Contains(r.Obligations, o => o.Clause == Relation.MatchAll);
    }

    [SolverTheory("libz3")]
    [MemberData(nameof(Refutable))]
    public void WrongSpecIsRefutedAndTheCounterexampleFailsConcretely(MutantId m)
    {
        var mutant = MutantCatalog.Get(m);
        var r = Prove(mutant.Primitive!.Value, m);
        Assert.Equal(Verdict.Refuted, r.Verdict);
        Assert.NotNull(r.Counterexample);
        Assert.True(r.CounterexampleConfirmed, r.CounterexampleCheck);
        Assert.Equal(m, r.Counterexample!.Mutant);
        // the replay is not just our word: the case fails when evaluated here again
        var (_, run) = r.Counterexample.Evaluate();
        Assert.True(run.Hypothesis.B && run.HighOk && (!run.LowOk || run.Goals.Any(g => !g.Formula.B)));
        Assert.StartsWith($"{mutant.Primitive}:", r.FirstRefuted!.Message);
    }

    [SolverTheory("libz3")]
    [MemberData(nameof(Equivalent))]
    public void EquivalentMutantStaysProved(MutantId m) =>
        Assert.Equal(Verdict.Proved, Prove(MutantCatalog.Get(m).Primitive!.Value, m).Verdict);

    // ---- relation mutants: what actually happens (docs/prover.md) ----

    [SolverTheory("libz3")]
    [InlineData(MutantId.MatchOnlyCurrentCpu, Prim.vmx_writez)]   // each primitive touches only its own CPU's slots
    [InlineData(MutantId.MatchOmitsLoadResult, Prim.vmx_readz)]   // equivalent: slots are Vundef/Vint/Vptr
    [InlineData(MutantId.RelateIgnoresVmcs, Prim.vmx_writez)]     // writez never reads the VMCS
    public void WeakerRelationThatStillProves(MutantId m, Prim p) => Assert.Equal(Verdict.Proved, Prove(p, m).Verdict);

    [SolverFact("libz3")]
    public void RelateIgnoringVmcsLosesExitPost()
    {
        var r = Prove(Prim.vmx_exit_post, MutantId.RelateIgnoresVmcs);
        Assert.Equal(Verdict.Refuted, r.Verdict);
        Assert.True(r.CounterexampleConfirmed, r.CounterexampleCheck);
    }

    [SolverFact("libz3")]
    public void MatchWithoutWritableIsRefutedWithAReadOnlyWord()
    {
        var r = Prove(Prim.vmx_writez, MutantId.MatchIgnoresWritable);
        Assert.Equal(Verdict.Refuted, r.Verdict);
        Assert.True(r.CounterexampleConfirmed, r.CounterexampleCheck);
        Assert.False(r.Counterexample!.LowReadOnly.IsDefaultOrEmpty);
        // the same case with VMX_LOC writable everywhere is no counterexample: the read-only word is what fails
        var (_, run) = (r.Counterexample with { LowReadOnly = [] }).Evaluate();
        Assert.True(run.LowOk && run.Goals.All(g => g.Formula.B));
    }

    [SolverFact("libz3")]
    public void RefutedGoalNamesTheSlotAndTheValues()
    {
        var r = Prove(Prim.vmx_exit, MutantId.ExitStoresEbxIntoSlot4);
        var msg = r.Obligations.First(o => o.Verdict == Verdict.Refuted && o.Clause == Relation.MatchAll).Message!;
        Assert.Matches(@"^vmx_exit: after the step, slot (2 \(G_RBX\)|4 \(G_RCX\)) of (the current )?CPU \d+ .*does not inject: high = .+, low = .+$", msg);
    }

    [SolverFact("libz3")]
    public void MalformedQueryIsAnErrorNotACrash()
    {
        var (outcome, error) = Prover.Check("libz3", "(assert (and true", 1000, []);
        Assert.Null(outcome);
        Assert.False(string.IsNullOrWhiteSpace(error));
        var (ok, none) = Prover.Check("libz3", "(declare-const x Int) (assert (> x 0))", 1000, ["x"]);
        Assert.Null(none);
        Assert.Equal(SatResult.Sat, ok!.Result);
    }

    [SolverFact("libz3")]
    public void TinyBudgetIsUnknownNeverProved()
    {
        var r = Prover.Prove(Prim.vmx_exit, new ProveOptions(Rlimit: 1));
        Assert.Equal(Verdict.Unknown, r.Verdict);
        Assert.Contains(r.Obligations, o => o.Verdict == Verdict.Unknown && o.ReasonUnknown is not null);
    }
}

/// <summary>An interrupted proof has no verdict: it throws, and never comes back PROVED.</summary>
public class ProverInterruptTests
{
    [SolverFact("libz3")]
    public void CancellingTheTokenStopsTheProofWithoutAVerdict()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(150));
        Assert.ThrowsAny<OperationCanceledException>(() => Prover.Prove(Prim.vmx_enter, new ProveOptions(Cancel: cts.Token)));
        Assert.ThrowsAny<OperationCanceledException>(() => Prover.Prove(Prim.vmx_readz, new ProveOptions(Cancel: cts.Token)));
    }
}
