using VmxLayers.Cases;
using VmxLayers.Machine;
using VmxLayers.Scenarios;

namespace VmxLayers.Tests.Scenarios;

public class ScenarioWriterTests
{
    /// <summary>The simulation statement's verdict: hypothesis ⇒ (high ok ⇒ low ok ∧ every goal).</summary>
    static (bool Hypothesis, bool Holds) Statement(ConcreteCase c, string? mutant)
    {
        var (_, run) = c.Evaluate(Prims.Statement(Prims.Real.Def(c.Prim), mutant));
        bool holds = !run.HighOk || (run.LowOk && run.Goals.All(g => g.Formula.Raw.B));
        return (run.Hypothesis.Raw.B, holds);
    }

    /// <summary>A failure replay reports that only the global invariant sees: match_all at a CPU other than the case's.</summary>
    static bool OtherCpusArea(string? why, int cpu) =>
        why is not null && why.StartsWith("match_all: CPU ", StringComparison.Ordinal) && !why.StartsWith($"match_all: CPU {cpu},", StringComparison.Ordinal);

    [Fact]
    public void WrittenCasesRebuildTheSameWorldAndReplayToTheStatementsVerdict()
    {
        var r = new Random(20261125);
        int compared = 0, unrelated = 0, onlyGlobal = 0;
        for (int k = 0; k < 160; k++)
        {
            var (c, mutant) = CaseGen.Next(r);
            var json = ScenarioWriter.FromCase(c, mutant: mutant);
            var s = ScenarioParser.Parse(json);
            Assert.Equal(ScenarioWorld.Fingerprint(c.ToWorld()), ScenarioWorld.Fingerprint(ScenarioWorld.Build(s)));
            Assert.Equal(json, ScenarioWriter.Write(s));
            var (hyp, holds) = Statement(c, mutant);
            if (!hyp) continue;
            var replay = ScenarioReplay.Run(s);
            // the lemma's hypothesis is about the current CPU; replay also checks every other CPU's area (match_all)
            if (replay.InitialUnrelated is not null)
            {
                Assert.True(OtherCpusArea(replay.InitialUnrelated, c.Cpu), $"case {k}: {replay.InitialUnrelated}\n{json}");
                onlyGlobal++;
                continue;
            }
            compared++;
            var step = replay.Steps[0];
            if (holds && !replay.Related) { Assert.True(OtherCpusArea(step.Unrelated, c.Cpu), $"case {k}: {step.Unrelated}\n{json}"); onlyGlobal++; continue; }
            Assert.True(holds == replay.Related, $"case {k}: statement holds = {holds}, replay related = {replay.Related}\n{json}");
            if (!holds) unrelated++;
        }
        // The generator must exercise both verdicts, or the comparison above proves little.
        Assert.True(compared > 30, $"only {compared} cases satisfied the hypothesis");
        Assert.True(unrelated > 3, $"only {unrelated} cases refuted the statement");
        Assert.True(onlyGlobal > 0, "no case showed replay's match_all seeing more than the lemma's match");
    }

    [Fact]
    public void ADefaultCaseIsWrittenCompactly()
    {
        var c = new ConcreteCase(Prims.vmx_readz.Primitive, 2, 1, CpuFlags.AllTrue, CpuFlags.AllTrue,
            [.. Enumerable.Repeat(global::VmxLayers.Semantics.Val.Vzero, 76)], [.. Enumerable.Repeat(global::VmxLayers.Semantics.Val.Vzero, 76)],
            [], [], 1, 1, [(4, 4)], [global::VmxLayers.Semantics.Val.Vint(14)], [global::VmxLayers.Semantics.Val.Vint(14)], global::VmxLayers.Semantics.RegSet.Undef, global::VmxLayers.Semantics.RegSet.Undef);
        var json = System.Text.Json.Nodes.JsonNode.Parse(ScenarioWriter.FromCase(c))!;
        Assert.Equal(2, (int)json["cpus"]!);
        Assert.Null(json["blocks"]);
        Assert.Empty(json["init"]!.AsObject());
        Assert.Equal("""[{"cpu":1,"call":"vmx_readz","args":[14]}]""", json["steps"]!.ToJsonString());
    }
}
