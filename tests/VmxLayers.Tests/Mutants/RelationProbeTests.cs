using VmxLayers.Mutants;
using VmxLayers.Spec;

namespace VmxLayers.Tests.MutantChecks;

/// <summary>The relation's cases the kill matrix re-runs under relation mutants give the real relation's verdicts.</summary>
public class RelationProbeTests
{
    static RelationProbe Probe(string test) => RelationProbes.All.Single(p => p.Test.EndsWith(test, StringComparison.Ordinal));

    [Fact]
    public void ClauseBreakingCasesFailTheRealHypothesis()
    {
        foreach (var p in RelationProbes.All.Where(p => p.Test.StartsWith("ClauseDetectionTests.", StringComparison.Ordinal)))
            Assert.False(p.Expected, p.Test);
    }

    [Fact]
    public void MatchComparesLoadResultOfTheHighSlot()
    {
        var p = Probe(nameof(MatchComparesLoadResultOfTheHighSlot));
        Assert.True(p.Holds(MutantId.None), "load_result Mint32 (Vlong 5) = Vundef injects into the low Vundef word");
        Assert.False(p.Holds(MutantId.MatchOmitsLoadResult), "the raw Vlong 5 does not inject into Vundef");
    }

    [Theory]
    [InlineData(MutantId.RelateIgnoresVmcs, "RelateVmcsDetectsAFieldThatDoesNotInject")]
    [InlineData(MutantId.MatchIgnoresWritable, "MatchDetectsAWordThatIsNotWritable")]
    [InlineData(MutantId.MatchOnlyCurrentCpu, "MatchDetectsAnotherCpusSlotAndOnlyTheAllCpuClauseFails")]
    [InlineData(MutantId.MatchOmitsLoadResult, nameof(MatchComparesLoadResultOfTheHighSlot))]
    public void EachRelationMutantFlipsItsTestsCase(MutantId m, string test) =>
        Assert.EndsWith(test, RelationProbes.Killer(m)!.Test, StringComparison.Ordinal);

    [Fact]
    public void ASpecMutantFlipsNoRelationCase() => Assert.Null(RelationProbes.Killer(MutantId.ExitSkipsEdiStore));
}
