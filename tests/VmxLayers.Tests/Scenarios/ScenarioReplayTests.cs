using VmxLayers.Constants;
using VmxLayers.Layers;
using VmxLayers.Scenarios;
using VmxLayers.Semantics;
using VmxLayers.Spec.Concrete;

namespace VmxLayers.Tests.Scenarios;

public class ScenarioReplayTests
{
    static ReplayResult Run(string json) => ScenarioReplay.Run(ScenarioParser.Parse(json));

    /// <summary>The repository's examples/ folder (found from the test binary upwards).</summary>
    public static string ExamplesDir()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "VmxLayers.slnx")) && Directory.Exists(Path.Combine(d.FullName, "examples")))
                return Path.Combine(d.FullName, "examples");
        throw new DirectoryNotFoundException("examples/ not found above " + AppContext.BaseDirectory);
    }

    /// <summary>Every example and what its replay must show: related throughout, and the first unrelated step if not.</summary>
    public static readonly Dictionary<string, (bool Related, int? FirstUnrelated)> ExpectedOutcomes = new()
    {
        ["roundtrip-2cpu.json"] = (true, null),
        ["guard-fails.json"] = (true, null),
        ["host-stack-pointers.json"] = (true, null),
        ["shifted-injection.json"] = (true, null),
        ["mutant-exit-skips-edi.json"] = (false, 2),
        ["initially-unrelated.json"] = (false, null),
        ["invalid-encoding-unrelated.json"] = (false, null),
    };

    [Fact]
    public void EveryExampleReplaysToItsExpectedOutcome()
    {
        var files = Directory.GetFiles(ExamplesDir(), "*.json").Select(Path.GetFileName).Order().ToList();
        Assert.Equal(ExpectedOutcomes.Keys.Order(), files);
        foreach (var f in files)
        {
            var r = ScenarioReplay.Run(ScenarioParser.ParseFile(Path.Combine(ExamplesDir(), f!)));
            var (related, first) = ExpectedOutcomes[f!];
            Assert.True(related == r.Related, $"{f}: related = {r.Related}");
            Assert.Equal(first, r.Steps.FirstOrDefault(s => !s.Related)?.Index is int k && r.InitialUnrelated is null ? k : null);
        }
    }

    [Fact]
    public void EveryExampleSurvivesWriteAndParseWithTheSameReplay()
    {
        foreach (var f in Directory.GetFiles(ExamplesDir(), "*.json"))
        {
            var s = ScenarioParser.ParseFile(f);
            var written = ScenarioWriter.Write(s);
            var again = ScenarioParser.Parse(written);
            Assert.Equal(written, ScenarioWriter.Write(again));
            Assert.Equal(ReplayJson.Write(ScenarioReplay.Run(s)), ReplayJson.Write(ScenarioReplay.Run(again)));
        }
    }

    [Fact]
    public void TheRoundTripExampleCarriesGuestAndHostStateThroughBothLayers()
    {
        var r = ScenarioReplay.Run(ScenarioParser.ParseFile(Path.Combine(ExamplesDir(), "roundtrip-2cpu.json")));
        Assert.All(r.Steps, s => Assert.True(s.High.Ok && s.Low.Ok, $"step {s.Index}: {s.High.Why} / {s.Low.Why}"));
        var enter = r.Steps[5];
        Assert.Equal(Val.Vint(4096), enter.High.Regs[Preg.PC]);
        Assert.Equal(Val.Vint(7), enter.Low.Regs[Preg.EAX]);
        var exit = r.Steps[8];
        Assert.Equal(Val.Vint(3000), exit.Low.Regs[Preg.EBP]);
        Assert.Equal(Val.Vptr(Genv.VmxEnterBlock, 0u), exit.High.Regs[Preg.PC]);
        Assert.Equal(Val.Vint(30), r.Steps[10].Low.Ret);
        Assert.Equal(Val.Vint(65), r.Steps[13].High.Ret);
        Assert.Equal(Val.Vint(1), r.Steps[18].Low.Ret);
        Assert.Equal(Val.Vint(4098), r.Final.High.Vmx.Get(0, VmxSlots.G_RIP));
        Assert.Equal(Val.Vint(8193), r.Final.Low.Mem.Load(Chunk.Mint32, Genv.VmxLocBlock, VmxSlots.Offset(1, VmxSlots.G_RIP)));
    }

    [Fact]
    public void TheFinalStatesOfReplayJsonAreAcceptedBackAsInit()
    {
        var r = ScenarioReplay.Run(ScenarioParser.ParseFile(Path.Combine(ExamplesDir(), "host-stack-pointers.json")));
        var final = ReplayJson.Document(r)["final"]!;
        var json = new System.Text.Json.Nodes.JsonObject
        {
            ["cpus"] = 2,
            ["blocks"] = new System.Text.Json.Nodes.JsonObject { ["high"] = 2, ["low"] = 2, ["inject"] = System.Text.Json.Nodes.JsonNode.Parse("[[4, 4], [5, 5]]") },
            ["init"] = new System.Text.Json.Nodes.JsonObject
            {
                ["cpus"] = final["high"]!["cpus"]!.DeepClone(),
                ["low"] = new System.Text.Json.Nodes.JsonObject { ["cpus"] = final["low"]!["cpus"]!.DeepClone() },
            },
            ["steps"] = new System.Text.Json.Nodes.JsonArray(),
        };
        var rebuilt = ScenarioWorld.Build(ScenarioParser.Parse(json.ToJsonString()));
        Assert.Equal(final["high"]!.ToJsonString(), ReplayJson.State(rebuilt, high: true).ToJsonString());
        Assert.Equal(final["low"]!.ToJsonString(), ReplayJson.State(rebuilt, high: false).ToJsonString());
        Assert.Null(global::VmxLayers.Machine.WorldRelation.Check(rebuilt, Prims.Relation));
    }

    [Fact]
    public void AFailedHighStepIsReportedButNotCommittedEvenIfTheLowOneSucceeds()
    {
        var r = Run("""{"cpus": 1, "init": {"flags": {"0": {"init": false}}}, "steps": [{"cpu": 0, "call": "vmx_enter_pre"}]}""");
        var s = Assert.Single(r.Steps);
        Assert.False(s.High.Ok);
        Assert.Contains("init", s.High.Why);
        Assert.True(s.Low.Ok);
        Assert.True(s.Related);
        Assert.Same(r.Initial, r.Final);
    }

    [Fact]
    public void AHighStepWhoseLowStepFailsIsUnrelatedAndCommitsOnlyTheHighSide()
    {
        var r = Run("""{"cpus": 1, "steps": [{"cpu": 0, "call": "vmx_writez", "args": [1, 5], "low": {"args": [38, 5]}}]}""");
        var s = Assert.Single(r.Steps);
        Assert.True(s.High.Ok);
        Assert.False(s.Low.Ok);
        Assert.False(s.Related);
        Assert.Contains("low step fails", s.Unrelated);
        Assert.Equal(Val.Vint(5), r.Final.High.Vmx.Get(0, 1));
        Assert.Equal(Val.Vzero, r.Final.Low.Mem.Load(Chunk.Mint32, Genv.VmxLocBlock, 4));
        Assert.False(r.Related);
    }

    [Fact]
    public void AnUnrelatedStartIsReportedAndFailedStepsDoNotRepairIt()
    {
        var r = Run("""{"cpus": 2, "init": {"low": {"vmx": {"1": {"G_RBX": 1}}}}, "steps": [{"cpu": 0, "call": "vmx_readz", "args": [99]}]}""");
        Assert.Contains("CPU 1, slot 2 (G_RBX)", r.InitialUnrelated);
        Assert.False(Assert.Single(r.Steps).Related);
        Assert.False(r.Related);
    }

    [Fact]
    public void GuestStepsWriteTheVmcsOnBothLayers()
    {
        var r = Run("""{"cpus": 1, "steps": [{"cpu": 0, "call": "vmx_enter"}, {"cpu": 0, "guest": {"vmcs": {"EXIT_REASON": 48, "GUEST_RIP": 9}}}]}""");
        Assert.True(r.Related);
        foreach (var m in new[] { r.Final.High, r.Final.Low })
        {
            Assert.Equal(Val.Vint(48), m.Vmcs[0].Get(VmcsFields.EXIT_REASON));
            Assert.True(m.Flags[0].Ihost);
        }
    }
}
