using VmxLayers.Cli;
using VmxLayers.Mutants;
using VmxLayers.Scenarios;
using VmxLayers.Spec;

namespace VmxLayers.Tests.Checking;

[Collection("Console")]
public class CheckCommandTests
{
    static int Run(params string[] args) => CliApp.Run(args);

    [Fact]
    public void PassingCheckExitsZero() => Assert.Equal(0, Run("check", "--primitive", "vmx_enter_pre", "--budget", "200", "--json"));

    [Theory]
    [InlineData("check", "--primitive", "vmx_nope")]
    [InlineData("check", "--mutant", "no-such-mutant")]
    [InlineData("check", "--seed", "xyz!")]
    [InlineData("check", "--budget", "0")]
    [InlineData("check", "--backend", "prove")]
    [InlineData("mutants", "--backend", "nope")]
    public void BadInputExitsTwoWithOneLine(params string[] args)
    {
        var err = new StringWriter();
        var old = Console.Error;
        Console.SetError(err);
        try { Assert.Equal(2, Run(args)); }
        finally { Console.SetError(old); }
        Assert.Single(err.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    /// <summary>
    /// Every non-equivalent spec mutant with its primitive, and the relation mutants the lemma's cases can tell apart
    /// with the primitive the perturbed cases break (the match_all mutants only replay and the co-simulation see).
    /// </summary>
    public static TheoryData<string, string> LiveMutants
    {
        get
        {
            var data = new TheoryData<string, string>();
            foreach (var m in MutantCatalog.All.Where(m => m.Equivalent is null && m.Primitive is not null))
                data.Add(m.Name, m.Primitive!.Name);
            data.Add("relate-ignores-vmcs", "vmx_exit_post");
            data.Add("match-ignores-writable", "vmx_writez");
            return data;
        }
    }

    [Theory, MemberData(nameof(LiveMutants))]
    public void MutantFailsTheCheckAndItsSavedCounterexampleReplaysToTheSameFailure(string name, string prim)
    {
        MutantCatalog.TryParse(name, out var m);
        var file = Path.Combine(Path.GetTempPath(), $"vmx-cx-{name}-{Guid.NewGuid():N}.json");
        try
        {
            var json = Capture(() => Assert.Equal(1, Run("check", "--primitive", prim, "--backend", "random", "--no-prove", "--budget", "3000", "--shrink-seconds", "0",
                "--threads", "1", "--mutant", name, "--save-counterexample", file, "--json")));
            var violated = System.Text.Json.Nodes.JsonNode.Parse(json)!["results"]![0]!["counterexample"]!["violated"]!.AsArray().Select(n => (string)n!).ToList();
            var scenario = ScenarioParser.ParseFile(file);
            Assert.Equal(m.Name, scenario.Mutant);
            var replay = ScenarioReplay.Run(scenario);
            if (m.Target != MutantTarget.Relation) Assert.Null(replay.InitialUnrelated);
            var step = Assert.Single(replay.Steps);
            Assert.True(step.High.Ok);
            if (violated.Contains(VmxLayers.Checking.CaseCheck.LowStepFails)) Assert.False(step.Low.Ok, "the low step should fail as in the check");
            else Assert.True(step.Low.Ok && !step.Related, $"the replay should end unrelated as the check found ({string.Join("; ", violated)})");
            if (m.Target != MutantTarget.Relation)
                Assert.True(ScenarioReplay.Run(scenario with { Mutant = null }).Related, "without the mutant the saved case is related");
        }
        finally { File.Delete(file); }
    }

    [Fact]
    public void PrintedSeedReproducesTheRandomCounterexample()
    {
        var json = Capture(() => Assert.Equal(1, Run("check", "--primitive", "vmx_exit", "--backend", "random", "--no-prove", "--mutant", "exit-skips-edi-store",
            "--shrink-seconds", "0", "--threads", "1", "--json")));
        var result = System.Text.Json.Nodes.JsonNode.Parse(json)!["results"]![0]!;
        Assert.Equal("counterexample", (string?)result["verdict"]);
        Assert.Contains("match (current CPU)", result["counterexample"]!["violated"]!.AsArray().Select(n => (string?)n));
        string seed = (string)result["seed"]!;
        Capture(() => Assert.Equal(1, Run("check", "--primitive", "vmx_exit", "--backend", "random", "--no-prove", "--mutant", "exit-skips-edi-store",
            "--seed", seed, "--budget", "1", "--shrink-seconds", "0", "--threads", "1", "--json")));
        Capture(() => Assert.Equal(0, Run("check", "--primitive", "vmx_exit", "--backend", "random", "--no-prove",
            "--seed", seed, "--budget", "1", "--shrink-seconds", "0", "--threads", "1", "--json")));
    }

    static string Capture(Action run)
    {
        var o = new StringWriter();
        var old = Console.Out;
        Console.SetOut(o);
        try { run(); }
        finally { Console.SetOut(old); }
        return o.ToString();
    }

    [Fact]
    public void MutantsListExitsZero() => Assert.Equal(0, Run("mutants", "--list", "--json"));
}
