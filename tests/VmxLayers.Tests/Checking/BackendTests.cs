using VmxLayers.Checking;
using VmxLayers.Mutants;
using VmxLayers.Refinement;
using VmxLayers.Spec;

namespace VmxLayers.Tests.Checking;

public class BackendTests
{
    public static TheoryData<Prim> Prims => new(PrimInfo.All);

    public static TheoryData<MutantId> LiveSpecMutants =>
        new(MutantCatalog.All.Where(m => m.Equivalent is null && m.Target != MutantTarget.Relation).Select(m => m.Id));

    public static TheoryData<MutantId> EquivalentMutants => new(MutantCatalog.All.Where(m => m.Equivalent is not null).Select(m => m.Id));

    [Theory, MemberData(nameof(Prims))]
    public void ScopeCountMatchesItsEnumeration(Prim p)
    {
        var scope = ExhaustiveScopes.For(p);
        Assert.Equal(scope.Count, scope.Cases().LongCount());
    }

    [Theory, MemberData(nameof(Prims))]
    public void GeneratedCasesMostlySatisfyTheHypothesisAndOftenReachTheHighSuccessPath(Prim p)
    {
        var r = RandomBackend.Run(p, new RandomOptions(Budget: 400, Threads: 1));
        Assert.True(r.Passed);
        Assert.Equal(400, r.Cases);
        Assert.True(r.HypothesisHeld >= 0.85 * r.Cases, $"hypothesis held in only {r.HypothesisHeld}/{r.Cases}");
        // the generators aim at ≥ 40 %; 30 % leaves room for sampling noise on 400 cases
        Assert.True(r.HighShare >= 0.30, $"high spec succeeded in only {r.HighSucceeded}/{r.Cases}");
    }

    [Theory, MemberData(nameof(LiveSpecMutants))]
    public void ExhaustiveKillsEveryNonEquivalentSpecMutant(MutantId m)
    {
        var r = ExhaustiveBackend.Run(MutantCatalog.Get(m).Primitive!.Value, m);
        Assert.False(r.Passed);
        Assert.NotEmpty(r.Counterexample!.Clauses);
        Assert.Equal(CaseStatus.Violated, CaseCheck.Evaluate(r.Counterexample.Case).Status);
    }

    [Theory, MemberData(nameof(LiveSpecMutants))]
    public void RandomKillsEveryNonEquivalentSpecMutantAndItsSeedReproduces(MutantId m)
    {
        var p = MutantCatalog.Get(m).Primitive!.Value;
        var r = RandomBackend.Run(p, new RandomOptions(Budget: 1500, ShrinkSeconds: 0, Threads: 1), m);
        Assert.False(r.Passed);
        Assert.Equal(CaseStatus.Violated, CaseCheck.Evaluate(RandomBackend.CaseOf(p, r.Seed!, m)).Status);
    }

    [Theory]
    [InlineData(MutantId.RelateIgnoresVmcs, Prim.vmx_exit_post)]
    [InlineData(MutantId.MatchIgnoresWritable, Prim.vmx_writez)]
    public void RelationMutantsAreKilledThroughPerturbedCases(MutantId m, Prim p)
    {
        Assert.False(ExhaustiveBackend.Run(p, m).Passed);
    }

    [Theory, MemberData(nameof(EquivalentMutants))]
    public void RandomNeverKillsAnEquivalentMutant(MutantId m)
    {
        var prims = MutantCatalog.Get(m).Primitive is { } p ? [p] : PrimInfo.All;
        foreach (var prim in prims) Assert.True(RandomBackend.Run(prim, new RandomOptions(Budget: 150, Threads: 1), m).Passed, $"{m} killed on {prim}");
    }
}
