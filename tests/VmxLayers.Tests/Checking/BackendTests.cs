using VmxLayers.Cases;
using VmxLayers.Checking;
using VmxLayers.Mutants;

namespace VmxLayers.Tests.Checking;

public class BackendTests
{
    public static TheoryData<string> PrimNames => new(Prims.All.Select(p => p.Name));

    public static TheoryData<string> LiveSpecMutants =>
        new(MutantCatalog.All.Where(m => m.Equivalent is null && m.Target != MutantTarget.Relation).Select(m => m.Name));

    public static TheoryData<string> EquivalentMutants => new(MutantCatalog.All.Where(m => m.Equivalent is not null).Select(m => m.Name));

    static PrimitiveDef Def(string name) => Prims.Real.Find(name)!;

    [Theory, MemberData(nameof(PrimNames))]
    public void ScopeCountMatchesItsEnumeration(string name)
    {
        var scope = ExhaustiveScope.For(Def(name));
        Assert.Equal(scope.Count, scope.Cases().LongCount());
    }

    [Theory, MemberData(nameof(PrimNames))]
    public void GeneratedCasesMostlySatisfyTheHypothesisAndOftenReachTheHighSuccessPath(string name)
    {
        var r = RandomBackend.Run(Prims.Real, Def(name), new RandomOptions(Budget: 400, Threads: 1));
        Assert.True(r.Passed);
        Assert.Equal(400, r.Cases);
        Assert.True(r.HypothesisHeld >= 0.85 * r.Cases, $"hypothesis held in only {r.HypothesisHeld}/{r.Cases}");
        // the generators aim at ≥ 40 %; 30 % leaves room for sampling noise on 400 cases
        Assert.True(r.HighShare >= 0.30, $"high spec succeeded in only {r.HighSucceeded}/{r.Cases}");
    }

    [Theory, MemberData(nameof(LiveSpecMutants))]
    public void ExhaustiveKillsEveryNonEquivalentSpecMutant(string m)
    {
        var refinement = Prims.Under(m);
        var def = refinement.Def(MutantCatalog.Get(m).Primitive!);
        var r = ExhaustiveBackend.Run(refinement, def);
        Assert.False(r.Passed);
        Assert.NotEmpty(r.Counterexample!.Clauses);
        Assert.Equal(CaseStatus.Violated, CaseCheck.Evaluate(refinement.Statement(def), r.Counterexample.Case).Status);
    }

    [Theory, MemberData(nameof(LiveSpecMutants))]
    public void RandomKillsEveryNonEquivalentSpecMutantAndItsSeedReproduces(string m)
    {
        var refinement = Prims.Under(m);
        var def = refinement.Def(MutantCatalog.Get(m).Primitive!);
        var r = RandomBackend.Run(refinement, def, new RandomOptions(Budget: 1500, ShrinkSeconds: 0, Threads: 1));
        Assert.False(r.Passed);
        Assert.Equal(CaseStatus.Violated, CaseCheck.Evaluate(refinement.Statement(def), RandomBackend.CaseOf(def, r.Seed!)).Status);
    }

    [Theory]
    [InlineData("relate-ignores-vmcs", "vmx_exit_post")]
    [InlineData("match-ignores-writable", "vmx_writez")]
    public void RelationMutantsAreKilledThroughPerturbedCases(string m, string p)
    {
        Assert.False(ExhaustiveBackend.Run(Prims.Under(m), Def(p)).Passed);
    }

    [Theory, MemberData(nameof(EquivalentMutants))]
    public void RandomNeverKillsAnEquivalentMutant(string m)
    {
        var refinement = Prims.Under(m);
        var defs = MutantCatalog.Get(m).Primitive is { } p ? [refinement.Def(p)] : refinement.Primitives.ToArray();
        foreach (var def in defs) Assert.True(RandomBackend.Run(refinement, def, new RandomOptions(Budget: 150, Threads: 1)).Passed, $"{m} killed on {def}");
    }
}
