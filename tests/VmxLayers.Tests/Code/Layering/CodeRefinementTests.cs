using Xunit.Abstractions;
using VmxLayers.Checking;
using VmxLayers.Code.Layering;

namespace VmxLayers.Tests.Code.Layering;

/// <summary>impl/vmx.o refines VMCSInit: both backends pass on every primitive, and not vacuously.</summary>
public class CodeRefinementTests(ITestOutputHelper output)
{
    public static TheoryData<string> PrimNames => new(CodeLayer.Default.Names);

    [Theory, MemberData(nameof(PrimNames))]
    public void ExhaustivePassesOnImplVmxO(string name)
    {
        var r = ExhaustiveBackend.Run(CodeLayer.Default, CodeLayer.Default.Find(name)!, threads: 1);
        output.WriteLine($"{r.Cases} cases, hypothesis {r.HypothesisHeld}, high ok {r.HighSucceeded}");
        Assert.True(r.Passed, Describe(r));
        Assert.Equal(r.Cases, r.HypothesisHeld);
        Assert.True(r.HighSucceeded > r.Cases / 20, $"the spec succeeded in only {r.HighSucceeded}/{r.Cases}");
    }

    [Theory, MemberData(nameof(PrimNames))]
    public void RandomPassesOnImplVmxO(string name)
    {
        var r = RandomBackend.Run(CodeLayer.Default, CodeLayer.Default.Find(name)!, new RandomOptions(Budget: 300, Threads: 1));
        output.WriteLine($"{r.Cases} cases, hypothesis {r.HypothesisHeld}, high ok {r.HighSucceeded}");
        Assert.True(r.Passed, Describe(r));
        Assert.True(r.HighSucceeded > r.Cases / 20, $"the spec succeeded in only {r.HighSucceeded}/{r.Cases}");
    }

    static string Describe(BackendReport r) => r.Counterexample is { } c
        ? $"{string.Join(", ", c.Clauses)}: {c.Outcome.Why} {c.Outcome.Error} ({c.Case.Prim}, seed {c.Seed})" : "";
}
