using VmxLayers.Cases;
using VmxLayers.Checking;
using VmxLayers.Machine;
using VmxLayers.Scenarios;

namespace VmxLayers.Tests.Checking;

/// <summary>A counterexample found with another CPU's slots unrelated is reported with them related when it still fails, so its replay shows the same failure.</summary>
public class ReplayableCaseTests
{
    static ConcreteCase Perturbed() =>
        new CaseBuilder(Prims.vmx_exit_post, 3, 0, BlockLayout.Shifted).Perturb(Perturbation.OtherCpuSlotUnrelated).Build();

    [Fact]
    public void AnotherCpusUnrelatedSlotsAreRelatedWhenTheCaseStillFails()
    {
        var statement = Prims.Statement(Prims.vmx_exit_post, "high-exit-post-launched-zero");
        var found = CaseCheck.Evaluate(statement, Perturbed());
        Assert.Equal(CaseStatus.Violated, found.Status);
        Assert.NotNull(WorldRelation.Check(found.Case.ToWorld(), Prims.Relation));

        var preferred = ReplayableCase.Prefer(statement, found);
        Assert.Equal(CaseStatus.Violated, preferred.Status);
        Assert.Equal(found.Violated, preferred.Violated);
        Assert.Null(WorldRelation.Check(preferred.Case.ToWorld(), Prims.Relation));
        var scenario = ScenarioWriter.ToScenario(preferred.Case, mutant: "high-exit-post-launched-zero");
        Assert.Null(ScenarioReplay.Run(scenario).InitialUnrelated);
        Assert.True(ScenarioReplay.Run(scenario with { Mutant = null }).Related);
    }

    [Fact]
    public void ACaseThatHoldsOnceRelatedIsKeptAsFound()
    {
        var statement = Prims.Statement(Prims.vmx_exit_post);
        var holds = CaseCheck.Evaluate(statement, Perturbed());
        Assert.Equal(CaseStatus.Holds, holds.Status);
        var fake = holds with { Status = CaseStatus.Violated };   // as if only the perturbation made it fail
        Assert.Same(fake, ReplayableCase.Prefer(statement, fake));
    }
}
