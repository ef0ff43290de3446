using VmxLayers.Machine;
using VmxLayers.Scenarios;

namespace VmxLayers.Tests.Scenarios;

public class ScenarioWriterTests
{
    /// <summary>The simulation statement's verdict: hypothesis ⇒ (high ok ⇒ low ok ∧ every goal).</summary>
    static (bool Hypothesis, bool Holds) Statement(ConcreteCase c)
    {
        var (_, run) = c.Evaluate();
        bool holds = !run.HighOk || (run.LowOk && run.Goals.All(g => g.Formula.B));
        return (run.Hypothesis.B, holds);
    }

    [Fact]
    public void WrittenCasesRebuildTheSameWorldAndReplayToTheStatementsVerdict()
    {
        var r = new Random(20261125);
        int compared = 0, unrelated = 0;
        for (int k = 0; k < 100; k++)
        {
            var c = CaseGen.Next(r);
            var json = ScenarioWriter.FromCase(c);
            var s = ScenarioParser.Parse(json);
            Assert.Equal(ScenarioWorld.Fingerprint(c.ToWorld()), ScenarioWorld.Fingerprint(ScenarioWorld.Build(s)));
            Assert.Equal(json, ScenarioWriter.Write(s));
            var (hyp, holds) = Statement(c);
            if (!hyp) continue;
            compared++;
            var replay = ScenarioReplay.Run(s);
            Assert.True(replay.InitialUnrelated is null, $"case {k}: {replay.InitialUnrelated}\n{json}");
            Assert.True(holds == replay.Related, $"case {k}: statement holds = {holds}, replay related = {replay.Related}\n{json}");
            if (!holds) unrelated++;
        }
        // The generator must exercise both verdicts, or the comparison above proves little.
        Assert.True(compared > 30, $"only {compared} cases satisfied the hypothesis");
        Assert.True(unrelated > 3, $"only {unrelated} cases refuted the statement");
    }

    [Fact]
    public void ADefaultCaseIsWrittenCompactly()
    {
        var c = new ConcreteCase(VmxLayers.Refinement.Prim.vmx_readz, 2, 1, CpuFlags.AllTrue,
            [.. Enumerable.Repeat(global::VmxLayers.Semantics.Val.Vzero, 76)], [.. Enumerable.Repeat(global::VmxLayers.Semantics.Val.Vzero, 76)],
            [], [], 1, 1, [(4, 4)], [global::VmxLayers.Semantics.Val.Vint(14)], [global::VmxLayers.Semantics.Val.Vint(14)], global::VmxLayers.Semantics.RegSet.Undef, global::VmxLayers.Semantics.RegSet.Undef);
        var json = System.Text.Json.Nodes.JsonNode.Parse(ScenarioWriter.FromCase(c))!;
        Assert.Equal(2, (int)json["cpus"]!);
        Assert.Null(json["blocks"]);
        Assert.Empty(json["init"]!.AsObject());
        Assert.Equal("""[{"cpu":1,"call":"vmx_readz","args":[14]}]""", json["steps"]!.ToJsonString());
    }
}
