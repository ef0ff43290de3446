using VmxLayers.Checking;
using VmxLayers.Code;
using VmxLayers.Code.Layering;
using VmxLayers.Layers;

namespace VmxLayers.Tests.Code.Layering;

/// <summary>Every code mutant in impl/mutants is killed by the random backend, and its counterexample replays from the seed.</summary>
public class CodeMutantTests
{
    public static TheoryData<string> Live => new(ImplObjects.Mutants.Where(m => m.EquivalentBecause is null).Select(m => m.Name));

    static RefinementDef Under(string name) =>
        CodeLayer.Refinement(ImplementationLinker.Link([ImplObjects.Mutants.Single(m => m.Name == name).Object], ImplObjects.Default));

    [Theory, MemberData(nameof(Live))]
    public void RandomKillsItWithACounterexampleThatReplays(string name)
    {
        var refinement = Under(name);
        var killed = refinement.Primitives
            .Select(def => (def, r: RandomBackend.Run(refinement, def, new RandomOptions(Budget: 400, ShrinkSeconds: 0, Threads: 1))))
            .FirstOrDefault(x => x.r.Counterexample is not null);
        Assert.True(killed.r is not null, $"{name} survived 400 random cases on every primitive");
        var cx = killed.r.Counterexample!;
        var again = CaseCheck.Evaluate(refinement.Statement(killed.def), RandomBackend.CaseOf(killed.def, cx.Seed!));
        Assert.Equal(CaseStatus.Violated, again.Status);
        Assert.Equal(cx.Clauses, again.Violated);
    }

    public static TheoryData<string> Equivalent => new(ImplObjects.Mutants.Where(m => m.EquivalentBecause is not null).Select(m => m.Name));

    [Theory, MemberData(nameof(Equivalent))]
    public void AnEquivalentMutantSurvivesItsPrimitivesChecks(string name)
    {
        var refinement = Under(name);
        Assert.All(refinement.Primitives, def =>
            Assert.True(RandomBackend.Run(refinement, def, new RandomOptions(Budget: 300, ShrinkSeconds: 0, Threads: 1)).Passed, $"{name} killed on {def}"));
    }
}
