using VmxLayers.Mutants;
using VmxLayers.Spec;
using VmxLayers.Tests.Smt;

namespace VmxLayers.Tests.MutantChecks;

/// <summary>
/// The concrete columns of the kill matrix, computed once per test run. The prove column is not recomputed
/// here (minutes of solver time): ProverTests.WrongSpecIsRefutedAndTheCounterexampleFailsConcretely refutes
/// a slice of the non-equivalent spec mutants, the CLI matrix all of them.
/// </summary>
public sealed class KillMatrixFixture
{
    static readonly KillOptions Live = new([KillBackend.Exhaustive, KillBackend.Random, KillBackend.Simulate], RandomBudget: 1500);
    // An equivalent mutant survives, so every backend spends its whole scope on it: a small random budget keeps
    // the suite fast (BackendTests and ProverTests cover the equivalent ones too).
    static readonly KillOptions Equivalent = new([KillBackend.Random, KillBackend.Simulate], RandomBudget: 200);

    public IReadOnlyList<KillRow> Rows { get; } =
        [.. MutantCatalog.All.Select(m => KillMatrix.Row(m, m.Equivalent is null ? Live : Equivalent))];
}

/// <summary>The matrix stays honest: live spec mutants die, equivalent ones do not, relation mutants die somewhere.</summary>
public class KillMatrixTests(KillMatrixFixture matrix) : IClassFixture<KillMatrixFixture>
{
    IEnumerable<KillRow> LiveSpec => matrix.Rows.Where(x => x.Mutant.Target != MutantTarget.Relation && x.Mutant.Equivalent is null);

    [Fact]
    public void EveryMutantHasARow() =>
        Assert.Equal(MutantCatalog.All.Select(m => m.Name), matrix.Rows.Select(x => x.Mutant.Name));

    [Fact]
    public void EveryNonEquivalentSpecMutantIsKilledByAConcreteBackend()
    {
        var survivors = LiveSpec.Where(x => !x.KilledBy(KillBackend.Exhaustive) && !x.KilledBy(KillBackend.Random)).Select(x => x.Mutant.Name);
        Assert.Empty(survivors);
    }

    [Fact]
    public void ExhaustiveAndRandomEachKillAtLeast95Percent()
    {
        var live = LiveSpec.ToList();
        Assert.True(live.Count(x => x.KilledBy(KillBackend.Exhaustive)) >= 0.95 * live.Count, MatrixTextRates());
        Assert.True(live.Count(x => x.KilledBy(KillBackend.Random)) >= 0.95 * live.Count, MatrixTextRates());
    }

    string MatrixTextRates() => string.Join("; ", LiveSpec.Select(x => $"{x.Mutant.Name}: ex={x.KilledBy(KillBackend.Exhaustive)} rnd={x.KilledBy(KillBackend.Random)}"));

    [Fact]
    public void NoBackendKillsAMutantArguedEquivalent()
    {
        var wrong = matrix.Rows.Where(x => x.Mutant.Equivalent is not null && x.Cells.Any(c => c.Killed))
            .Select(x => $"{x.Mutant.Name} by {string.Join(",", x.Cells.Where(c => c.Killed).Select(c => c.Backend))}");
        Assert.Empty(wrong);
    }

    [Fact]
    public void EveryRelationMutantIsKilledSomewhere()
    {
        var relation = matrix.Rows.Where(x => x.Mutant.Target == MutantTarget.Relation).ToList();
        Assert.NotEmpty(relation);
        Assert.Empty(relation.Where(x => !x.KilledSomewhere).Select(x => x.Mutant.Name));
    }

    [Fact]
    public void TheProverTestsSliceIsMadeOfLiveSpecMutants()
    {
        // ProverTests refutes (with a concretely failing counterexample) a slice of these; the full prove
        // column is the CLI's `mutants --backend prove` (docs/mutants.md), too slow for the suite.
        var slice = ((IEnumerable<object[]>)ProverTests.Refutable()).Select(row => (string)row[0]).ToList();
        Assert.NotEmpty(slice);
        Assert.Subset(LiveSpec.Select(x => x.Mutant.Name).ToHashSet(), slice.ToHashSet());
    }

    [Fact]
    public void AKillNamesWhereItHappened()
    {
        var row = matrix.Rows.Single(x => x.Mutant.Name == "exit-skips-edi-store");
        Assert.Contains("vmx_exit", row.Cell(KillBackend.Exhaustive)!.Where);
        Assert.NotNull(row.FirstKill);
    }
}
