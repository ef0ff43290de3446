using VmxLayers.Mutants;

namespace VmxLayers.Tests.MutantChecks;

/// <summary>The relation's cases the kill matrix re-runs under relation mutants give the real relation's verdicts.</summary>
public class RelationProbeTests
{
    static RelationProbe Probe(string test) => RelationProbes.All.Single(p => p.Test.EndsWith(test, StringComparison.Ordinal));

    [Fact]
    public void ClauseBreakingCasesFailTheRealRelation()
    {
        foreach (var p in RelationProbes.All.Where(p => p.Test.StartsWith("ClauseDetectionTests.", StringComparison.Ordinal)))
            Assert.False(p.Expected, p.Test);
    }

    [Fact]
    public void MatchComparesLoadResultOfTheHighSlot()
    {
        var p = Probe(nameof(MatchComparesLoadResultOfTheHighSlot));
        Assert.True(p.Holds(Prims.Real), "load_result Mint32 (Vlong 5) = Vundef injects into the low Vundef word");
        Assert.False(p.Holds(Prims.Under("match-omits-load-result")), "the raw Vlong 5 does not inject into Vundef");
    }

    /// <summary>Replay (lockstep with match_all) sees a store into another CPU's area, which the lemmas' current-CPU match cannot.</summary>
    [Fact]
    public void ReplayCatchesAStoreIntoTheLastCpusArea()
    {
        var p = Probe(nameof(ReplayCatchesAStoreIntoTheLastCpusArea));
        Assert.False(p.Expected, "the stray store into CPU 1's slot 0 breaks match_all");
        Assert.True(p.Holds(Prims.Under("match-all-skips-last-cpu")));
    }

    [Theory]
    [InlineData("relate-ignores-vmcs", "RelateVmcsDetectsAFieldThatDoesNotInject")]
    [InlineData("match-ignores-writable", "MatchDetectsAWordThatIsNotWritable")]
    [InlineData("match-all-only-current-cpu", "MatchAllDetectsTheLastCpusSlot")]
    [InlineData("match-all-skips-last-cpu", "MatchAllDetectsTheLastCpusSlot")]
    [InlineData("match-omits-load-result", nameof(MatchComparesLoadResultOfTheHighSlot))]
    public void EachRelationMutantFlipsItsTestsCase(string m, string test) =>
        Assert.EndsWith(test, RelationProbes.Killer(MutantCatalog.Get(m))!.Test, StringComparison.Ordinal);

    [Fact]
    public void ASpecMutantFlipsNoRelationCase() => Assert.Null(RelationProbes.Killer(MutantCatalog.Get("exit-skips-edi-store")));
}
