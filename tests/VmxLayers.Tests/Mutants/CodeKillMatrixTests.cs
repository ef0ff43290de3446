using VmxLayers.Tests.Smt.Solvers;
using VmxLayers.Code;
using VmxLayers.Mutants;

namespace VmxLayers.Tests.MutantChecks;

/// <summary>The code mutants' rows of the kill matrix: the simulate column runs the three-layer co-simulation.</summary>
public class CodeKillMatrixTests
{
    static CodeKillRow Row(string name, params KillBackend[] backends) =>
        CodeKillMatrix.Row(ImplObjects.Mutants.Single(m => m.Name == name), new KillOptions(backends, RandomBudget: 300, Threads: 1));

    [Fact]
    public void SimulateKillsAMutantTheHostExercisesAndNotOneItDoesNot()
    {
        var killed = Row("asm-exit-ebx-into-slot3", KillBackend.Simulate);
        Assert.True(killed.KilledBy(KillBackend.Simulate), killed.Cell(KillBackend.Simulate)!.Where);
        Assert.Contains("vmx_exit", killed.Cell(KillBackend.Simulate)!.Where);
        // the host never reads slot 37: only the checkers' cases reach it
        var rare = Row("c-readz-rejects-37", KillBackend.Simulate, KillBackend.Exhaustive);
        Assert.False(rare.KilledBy(KillBackend.Simulate));
        Assert.True(rare.KilledBy(KillBackend.Exhaustive));
        Assert.False(rare.Wrong);
    }

    [Fact]
    public void AnEquivalentMutantSurvivesSimulate()
    {
        var row = Row("c-readz-signed-index", KillBackend.Simulate);
        Assert.False(row.KilledSomewhere);
        Assert.False(row.Wrong);
    }

    /// <summary>The prove column: the mutant's lemma (vmx_readz, the first primitive) is REFUTED with a counterexample that fails concretely.</summary>
    [SolverFact("libz3")]
    public void TheProverKillsACMutantTheSimulationMisses()
    {
        var row = Row("c-readz-rejects-37", KillBackend.Prove, KillBackend.Simulate);
        Assert.True(row.KilledBy(KillBackend.Prove), row.Cell(KillBackend.Prove)?.Where);
        Assert.StartsWith("vmx_readz", row.Cell(KillBackend.Prove)!.Where ?? "");
        Assert.False(row.KilledBy(KillBackend.Simulate));
        Assert.False(row.Wrong);
    }
}
