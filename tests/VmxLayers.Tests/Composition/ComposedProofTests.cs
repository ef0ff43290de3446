using System.Collections.Concurrent;
using VmxLayers.Cases;
using VmxLayers.Checking;
using VmxLayers.Code;
using VmxLayers.Code.Layering;
using VmxLayers.Composition;
using VmxLayers.Layers;
using VmxLayers.Mutants;
using VmxLayers.Smt;
using VmxLayers.Smt.Solvers;
using VmxLayers.Tests.Smt;
using VmxLayers.Tests.Smt.Solvers;

namespace VmxLayers.Tests.Composition;

/// <summary>
/// code ⊑ PVMXIntro proved by vertical composition (issue 14 item 2): the verdict rule on given step verdicts, and on
/// real proofs — every representative code mutant's refutation lifts to a composed case that fails concretely, a
/// wrong PVMXIntro spec refutes the composition through its upper step, the correct code composes to PROVED.
/// </summary>
public class ComposedProofTests
{
    static readonly ComposedRefinement Composed = new(CodeLayer.Default, VmxLayerPair.Refinement);
    static readonly ConcurrentDictionary<string, LemmaResult> pairLemmas = new();

    /// <summary>The layer pair's lemma of a primitive, proved once for the class.</summary>
    static LemmaResult Pair(string prim) =>
        pairLemmas.GetOrAdd(prim, p => Prover.Prove(VmxLayerPair.Refinement.Statement(VmxLayerPair.Refinement.Find(p)!), new ProveOptions()));

    static LemmaResult Given(string prim, Verdict v) =>
        new(VmxLayerPair.Refinement.Find(prim)!.Primitive, v, [], new VacuityCheck(SatResult.Sat, TimeSpan.Zero, 0, null), TimeSpan.FromMilliseconds(1), 0, null, null);

    [Theory]
    [InlineData(Verdict.Proved, Verdict.Proved, Verdict.Proved)]
    [InlineData(Verdict.Vacuous, Verdict.Proved, Verdict.Vacuous)]
    [InlineData(Verdict.Proved, Verdict.Vacuous, Verdict.Vacuous)]
    [InlineData(Verdict.Unknown, Verdict.Proved, Verdict.Unknown)]
    [InlineData(Verdict.Proved, Verdict.Unknown, Verdict.Unknown)]
    [InlineData(Verdict.Unknown, Verdict.Vacuous, Verdict.Unknown)]
    // a refutation without a counterexample to lift proves nothing about the composition
    [InlineData(Verdict.Proved, Verdict.Refuted, Verdict.Unknown)]
    [InlineData(Verdict.Refuted, Verdict.Proved, Verdict.Unknown)]
    public void TheVerdictFollowsTheCompositionRule(Verdict upper, Verdict lower, Verdict composed)
    {
        var l = ComposedProof.Compose(Composed, Given("vmx_readz", lower), Given("vmx_readz", upper));
        Assert.Equal(composed, l.Verdict);
        Assert.Null(l.Counterexample);
    }

    [Fact]
    public void ACodeCounterexampleWithTwoStatesLeavesTheCompositionUnknown()
    {
        var c = new CaseBuilder(CodeLayer.Default.Find("vmx_readz")!, 2, 1, BlockLayout.Identity1).Build() with { Sides = CaseSides.TwoLowStates };
        var l = ComposedProof.Compose(Composed, Given("vmx_readz", Verdict.Refuted) with { Counterexample = c }, Given("vmx_readz", Verdict.Proved));
        Assert.Equal(Verdict.Unknown, l.Verdict);
        Assert.Contains("two different VMCSInit states", l.Reason);
    }

    [Fact]
    public void StepsAboutDifferentPrimitivesDoNotCompose() =>
        Assert.Throws<ArgumentException>(() => ComposedProof.Compose(Composed, Given("vmx_readz", Verdict.Proved), Given("vmx_writez", Verdict.Proved)));

    [SolverFact("libz3")]
    public void TheCorrectCodeComposesToProved()
    {
        var code = Prover.Prove(CodeLayer.Default.Statement(CodeLayer.Default.Find("vmx_writez")!), new ProveOptions());
        var l = ComposedProof.Compose(Composed, code, Pair("vmx_writez"));
        Assert.Equal(Verdict.Proved, l.Verdict);
    }

    [SolverTheory("libz3"), MemberData(nameof(Tests.SymbolicCode.CodeProofTests.Live), MemberType = typeof(Tests.SymbolicCode.CodeProofTests))]
    public void ACodeMutantsRefutationLiftsToAComposedCaseThatFailsConcretely(string mutant, string primitive)
    {
        var code = CodeLayer.Refinement(ImplementationLinker.Link([ImplObjects.Mutants.Single(m => m.Name == mutant).Object], ImplObjects.Default));
        var composed = new ComposedRefinement(code, VmxLayerPair.Refinement);
        var lower = Prover.Prove(code.Statement(code.Find(primitive)!), new ProveOptions(StopAtFirstRefutation: true));
        var upper = Pair(primitive);
        Assert.Equal((Verdict.Refuted, Verdict.Proved), (lower.Verdict, upper.Verdict));

        var l = ComposedProof.Compose(composed, lower, upper);
        Assert.True(l.Verdict == Verdict.Refuted, $"{mutant}: {l.Reason}");
        // judged again by the concrete composed check: the upper step holds there, the code fails
        var again = ComposedCheck.Evaluate(composed, l.Counterexample!);
        Assert.Equal(CaseStatus.Violated, again.Status);
        Assert.Null(again.Error);
        Assert.Same(composed.Lower, ComposedCheck.StepOf(composed, again));
        Assert.Equal(CaseStatus.Holds, CaseCheck.Evaluate(composed.Upper.Statement(l.Counterexample!.Prim), l.Counterexample).Status);
    }

    [SolverFact("libz3")]
    public void AWrongPVMXIntroSpecRefutesTheCompositionThroughItsUpperStep()
    {
        var pair = MutantCatalog.Get("high-readz-signed-range").On(VmxLayerPair.Refinement);
        var composed = new ComposedRefinement(CodeLayer.Default, pair);
        var upper = Prover.Prove(pair.Statement(pair.Find("vmx_readz")!), new ProveOptions(StopAtFirstRefutation: true));
        Assert.Equal(Verdict.Refuted, upper.Verdict);
        var l = ComposedProof.Compose(composed, Given("vmx_readz", Verdict.Proved), upper);
        Assert.True(l.Verdict == Verdict.Refuted, l.Reason);
        Assert.Same(composed.Upper, ComposedCheck.StepOf(composed, l.Replay!));
    }

    [Fact]
    public void OnlyACaseWithOneVmcsInitStateOnBothSidesLifts()
    {
        var c = new CaseBuilder(VmxLayerPair.Refinement.Find("vmx_readz")!, 2, 1, BlockLayout.Identity1).Build();
        Assert.Throws<ArgumentException>(() => ComposedProof.Lift(c));
    }

    [Fact]
    public void ALiftedCaseKeepsTheVmcsInitStateAndAbstractsTheSaveArea()
    {
        var def = CodeLayer.Default.Find("vmx_exit")!;
        var c = new CaseBuilder(def, 2, 1, BlockLayout.Identity1).Slot(1, 5, ValuePair.Int(77)).Build();
        Assert.Equal(CaseSides.LowOnBoth, c.Sides);
        var lifted = ComposedProof.Lift(c);
        Assert.Equal(CaseSides.HighOverLow, lifted.Sides);
        Assert.Equal(c.LowSlots, lifted.HighSlots);
        Assert.Equal(c.LowSlots, lifted.LowSlots);
        Assert.Equal(c.RegsLow, lifted.RegsHigh);
        // a builder's case of the code layer lifts to a related composed case on which the composition holds
        var o = ComposedCheck.Evaluate(Composed, lifted);
        Assert.True(o.Status is CaseStatus.Holds or CaseStatus.HighFails, $"{o.Status}: {o.Why} {string.Join(", ", o.Violated)}");
        Assert.NotEqual(CaseStatus.Vacuous, o.Status);
    }
}
