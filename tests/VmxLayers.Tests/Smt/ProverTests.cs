using VmxLayers.Cases;
using VmxLayers.Mutants;
using VmxLayers.Refinement;
using VmxLayers.Smt;
using VmxLayers.Smt.Solvers;
using VmxLayers.Tests.Smt.Solvers;

namespace VmxLayers.Tests.Smt;

/// <summary>The six lemmas proved from the real specs; every wrong spec refuted with a counterexample that fails concretely.</summary>
public class ProverTests
{
    static LemmaResult Prove(PrimitiveDef p, string? mutant = null) =>
        Prover.Prove(Prims.Statement(p, mutant), new ProveOptions(StopAtFirstRefutation: mutant is not null));

    static PrimitiveDef Def(string name) => Prims.Real.Find(name)!;

    public static TheoryData<string> PrimNames() => [.. Prims.All.Select(p => p.Name)];

    /// <summary>Every non-equivalent low or high spec mutant of the catalog (each is proved against its own primitive only).</summary>
    public static TheoryData<string> Refutable() =>
        [.. MutantCatalog.All.Where(m => m.Primitive is not null && m.Equivalent is null).Select(m => m.Name)];

    public static TheoryData<string> Equivalent() =>
        [.. MutantCatalog.All.Where(m => m.Primitive is not null && m.Equivalent is not null).Select(m => m.Name)];

    [Fact]
    public void EverySpecMutantIsCovered() =>
        Assert.Equal(MutantCatalog.All.Count(m => m.Target != MutantTarget.Relation), Refutable().Count + Equivalent().Count);

    /// <summary>With a budget too small for any scope, exit-wrong-stride38 stays undecided: unsat in the small scopes must never become PROVED.</summary>
    [SolverFact("libz3")]
    public void WrongStrideIsNeverProved() =>
        Assert.NotEqual(Verdict.Proved, Prover.Prove(Prims.Statement(Prims.vmx_exit, "exit-wrong-stride38"), new ProveOptions(Rlimit: 300_000, StopAtFirstRefutation: true)).Verdict);

    [SolverTheory("libz3")]
    [MemberData(nameof(PrimNames))]
    public void RealSpecsAreProved(string name)
    {
        var r = Prove(Def(name));
        Assert.True(r.Verdict == Verdict.Proved,
            string.Join("; ", r.Obligations.Where(o => o.Verdict != Verdict.Proved).Select(o => $"{o.Why}: {o.Verdict} {o.Message}{o.ReasonUnknown}")) + $" vacuity: {r.Vacuity.Result} {r.Vacuity.Reason}");
        Assert.All(r.Obligations, o => Assert.Equal(Verdict.Proved, o.Verdict));
        Assert.Equal(SatResult.Sat, r.Vacuity.Result);
        Assert.Null(r.Counterexample);
        Assert.Contains(r.Obligations, o => o.Clause == VmxRelation.Match);
    }

    [SolverTheory("libz3")]
    [MemberData(nameof(Refutable))]
    public void WrongSpecIsRefutedAndTheCounterexampleFailsConcretely(string m)
    {
        var mutant = MutantCatalog.Get(m);
        var def = Prims.Real.Def(mutant.Primitive!);
        var r = Prove(def, m);
        Assert.Equal(Verdict.Refuted, r.Verdict);
        Assert.NotNull(r.Counterexample);
        Assert.True(r.CounterexampleConfirmed, r.Replay?.ToString());
        // the replay is not just our word: the case fails when evaluated here again
        var (_, run) = r.Counterexample!.Evaluate(Prims.Statement(def, m));
        Assert.True(run.Hypothesis.Raw.B && run.HighOk && (!run.LowOk || run.Goals.Any(g => !g.Formula.Raw.B)));
        Assert.StartsWith($"{mutant.Primitive}:", r.FirstRefuted!.Message);
    }

    [SolverTheory("libz3")]
    [MemberData(nameof(Equivalent))]
    public void EquivalentMutantStaysProved(string m) =>
        Assert.Equal(Verdict.Proved, Prove(Prims.Real.Def(MutantCatalog.Get(m).Primitive!), m).Verdict);

    // ---- relation mutants: what actually happens (docs/prover.md) ----

    [SolverTheory("libz3")]
    [InlineData("match-all-skips-last-cpu", "vmx_writez")]   // the lemmas use the current CPU's match only
    [InlineData("match-omits-load-result", "vmx_readz")]     // equivalent: slots are Vundef/Vint/Vptr
    [InlineData("relate-ignores-vmcs", "vmx_writez")]        // writez never reads the VMCS
    public void WeakerRelationThatStillProves(string m, string p) => Assert.Equal(Verdict.Proved, Prove(Def(p), m).Verdict);

    [SolverFact("libz3")]
    public void RelateIgnoringVmcsLosesExitPost()
    {
        var r = Prove(Prims.vmx_exit_post, "relate-ignores-vmcs");
        Assert.Equal(Verdict.Refuted, r.Verdict);
        Assert.True(r.CounterexampleConfirmed, r.Replay?.ToString());
    }

    [SolverFact("libz3")]
    public void MatchWithoutWritableIsRefutedWithAReadOnlyWord()
    {
        var r = Prove(Prims.vmx_writez, "match-ignores-writable");
        Assert.Equal(Verdict.Refuted, r.Verdict);
        Assert.True(r.CounterexampleConfirmed, r.Replay?.ToString());
        Assert.False(r.Counterexample!.LowReadOnly.IsDefaultOrEmpty);
        // the same case with VMX_LOC writable everywhere is no counterexample: the read-only word is what fails
        var (_, run) = (r.Counterexample with { LowReadOnly = [] }).Evaluate(Prims.Statement(Prims.vmx_writez, "match-ignores-writable"));
        Assert.True(run.LowOk && run.Goals.All(g => g.Formula.Raw.B));
    }

    [SolverFact("libz3")]
    public void RefutedGoalNamesTheSlotAndTheValues()
    {
        var r = Prove(Prims.vmx_exit, "exit-stores-ebx-into-slot4");
        var msg = r.Obligations.First(o => o.Verdict == Verdict.Refuted && o.Clause == VmxRelation.Match).Message!;
        Assert.Matches(@"^vmx_exit: after the step, slot (2 \(G_RBX\)|4 \(G_RCX\)) of (the current )?CPU \d+ .*does not inject: high = .+, low = .+$", msg);
    }

    [SolverFact("libz3")]
    public void MalformedQueryIsAnErrorNotACrash()
    {
        var (outcome, error) = Prover.Check(SolverKind.Libz3, "(assert (and true", 1000, []);
        Assert.Null(outcome);
        Assert.False(string.IsNullOrWhiteSpace(error));
        var (ok, none) = Prover.Check(SolverKind.Libz3, "(declare-const x Int) (assert (> x 0))", 1000, ["x"]);
        Assert.Null(none);
        Assert.Equal(SatResult.Sat, ok!.Result);
    }

    [SolverFact("libz3")]
    public void TinyBudgetIsUnknownNeverProved()
    {
        var r = Prover.Prove(Prims.Statement(Prims.vmx_exit), new ProveOptions(Rlimit: 1));
        Assert.Equal(Verdict.Unknown, r.Verdict);
        Assert.Contains(r.Obligations, o => o.Verdict == Verdict.Unknown && o.ReasonUnknown is not null);
    }
}

/// <summary>An interrupted proof has no verdict: it throws, and never comes back PROVED.</summary>
public class ProverInterruptTests
{
    /// <summary>Showing that the prime 2^62+135 has no 32-bit factors: z3 needs far more than 30 s, so the cancel always lands inside the query (no race with a fast machine).</summary>
    const string Factoring = "(declare-const x (_ BitVec 64)) (declare-const y (_ BitVec 64)) " +
        "(assert (bvult x #x0000000100000000)) (assert (bvult y #x0000000100000000)) (assert (bvugt x #x0000000000000001)) (assert (bvult x y)) " +
        "(assert (= (bvmul x y) #x4000000000000087))";

    [SolverFact("libz3")]
    public void CancellingTheTokenInterruptsARunningQuery()
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        Assert.ThrowsAny<OperationCanceledException>(() => Prover.Check(SolverKind.Libz3, Factoring, uint.MaxValue, [], cts.Token));
    }

    [SolverFact("libz3")]
    public void ACancelledProofHasNoVerdict()
    {
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        Assert.ThrowsAny<OperationCanceledException>(() => Prover.Prove(Prims.Statement(Prims.Real.Find("vmx_enter")!), new ProveOptions(Cancel: cts.Token)));
    }
}
