using System.Text.Json.Nodes;
using VmxLayers.Cli;
using VmxLayers.Tests.Scenarios;

namespace VmxLayers.Tests.Cli;

/// <summary>Tests that swap Console.Out/Error run one at a time (every CLI test class should join this collection).</summary>
[CollectionDefinition("Console", DisableParallelization = true)]
public sealed class ConsoleCollection;

[Collection("Console")]
public class ReplayAndShowTests
{
    static (int Code, string Out, string Err) Cli(params string[] args)
    {
        TextWriter out0 = Console.Out, err0 = Console.Error;
        var (o, e) = (new StringWriter(), new StringWriter());
        Console.SetOut(o);
        Console.SetError(e);
        try { return (CliApp.Run(args), o.ToString(), e.ToString()); }
        finally { Console.SetOut(out0); Console.SetError(err0); }
    }

    static string Example(string name) => Path.Combine(ScenarioReplayTests.ExamplesDir(), name);

    static string Temp(string json)
    {
        var path = Path.Combine(Path.GetTempPath(), $"vmxlayers-scenario-{Guid.NewGuid():N}.json");
        File.WriteAllText(path, json);
        return path;
    }

    static void AssertOneLineError((int Code, string Out, string Err) r, string file, string path)
    {
        Assert.Equal(2, r.Code);
        Assert.Equal("", r.Out);
        var line = r.Err.TrimEnd('\n', '\r');
        Assert.DoesNotContain('\n', line);
        Assert.StartsWith($"vmxlayers replay: {file}: {path}: ", line);
        Assert.DoesNotContain("Exception", line);
    }

    [Fact]
    public void ExitCodesAreZeroWhenRelatedAndOneWhenNot()
    {
        Assert.Equal(0, Cli("replay", Example("roundtrip-2cpu.json")).Code);
        Assert.Equal(0, Cli("replay", Example("guard-fails.json"), "--json").Code);
        Assert.Equal(1, Cli("replay", Example("mutant-exit-skips-edi.json")).Code);
        Assert.Equal(1, Cli("replay", Example("initially-unrelated.json"), "--json").Code);
        // --mutant overrides the scenario's mutant.
        Assert.Equal(1, Cli("replay", Example("roundtrip-2cpu.json"), "--mutant", "exit-post-skips-launched").Code);
    }

    [Theory]
    [InlineData("{\"cpus\": 1, \"steps\": [{\"cpu\": 0, \"call\": \"vmx_writez\", \"args\": [1, 2]}, {\"cpu\": 0, \"call\": \"vmx_writez\", \"args\": [1, -2]}]}", "$.steps[1].args[1]")]
    [InlineData("{\"cpus\": 1, \"steps\": [{\"cpu\": 0, \"call\": \"vmx_exit\", \"regs\": {\"EAXX\": 1}}]}", "$.steps[0].regs.EAXX")]
    [InlineData("{\"cpus\": 1, \"steps\": [", "$")]
    [InlineData("{\"cpus\": 1, \"steps\": [{\"cpu\": 0, \"call\": \"vmx_readz\", \"args\": []}]}", "$.steps[0].args")]
    public void BadInputIsOneLineOnStderrWithExitTwoAndNothingRun(string json, string path)
    {
        var file = Temp(json);
        try { AssertOneLineError(Cli("replay", file, "--json"), file, path); }
        finally { File.Delete(file); }
    }

    [Fact]
    public void MissingFilesAndUnknownOptionsAreBadInput()
    {
        AssertOneLineError(Cli("replay", "/no/such/scenario.json"), "/no/such/scenario.json", "$");
        var missing = Cli("replay");
        Assert.Equal(2, missing.Code);
        Assert.Contains("missing FILE", missing.Err);
        Assert.Equal(2, Cli("replay", Example("guard-fails.json"), "--mutant", "nope").Code);
        Assert.Equal(2, Cli("replay", Example("guard-fails.json"), "--frobnicate").Code);
    }

    [Fact]
    public void JsonOutputHasExactlyTheSpecShape()
    {
        var r = Cli("replay", Example("guard-fails.json"), "--json");
        var doc = JsonNode.Parse(r.Out)!.AsObject();
        // SPEC §6's document, then the tool that wrote it (every --json output carries it)
        Assert.Equal(["steps", "final", "related", "tool"], doc.Select(p => p.Key).Take(4));
        // then what the HTML report shows (docs/report.md): the run, the scenario, each step's text, the unrelated view
        Assert.Equal(["command", "scenario", "description", "mutant", "stepDetails", "view", "commandLine", "date", "machine"], doc.Select(p => p.Key).Skip(4));
        Assert.Equal(["name", "version", "commit"], doc["tool"]!.AsObject().Select(p => p.Key));
        Assert.True((bool)doc["related"]!);
        var steps = doc["steps"]!.AsArray();
        Assert.Equal(9, steps.Count);
        for (int k = 0; k < steps.Count; k++)
        {
            var s = steps[k]!.AsObject();
            Assert.Equal(["index", "cpu", "call", "high", "low", "related"], s.Select(p => p.Key));
            Assert.Equal(k, (int)s["index"]!);
            foreach (var side in new[] { s["high"]!.AsObject(), s["low"]!.AsObject() })
            {
                bool ok = (bool)side["ok"]!;
                var keys = side.Select(p => p.Key).ToList();
                Assert.Equal("ok", keys[0]);
                if (!ok) Assert.Equal(["ok", "why"], keys);
            }
        }
        Assert.Equal("vmx_readz", (string)steps[0]!["call"]!);
        Assert.Equal("guest", (string)steps[7]!["call"]!);
        Assert.False((bool)steps[0]!["high"]!["ok"]!);
        // Step 6: the high step fails, the low one succeeds and is still reported.
        Assert.Equal(["ok", "ret"], steps[6]!["low"]!.AsObject().Select(p => p.Key));
        Assert.Equal(0u, (uint)steps[8]!["high"]!["ret"]!);
        foreach (var layer in new[] { "high", "low" })
        {
            var final = doc["final"]![layer]!.AsObject();
            Assert.Equal(["cpus"], final.Select(p => p.Key));
            var cpus = final["cpus"]!.AsArray();
            Assert.Equal(2, cpus.Count);
            var c1 = cpus[1]!.AsObject();
            Assert.Equal(["cpu", "flags", "vmx", "vmcs"], c1.Select(p => p.Key));
            Assert.Equal(["ikern", "ihost", "pg", "init"], c1["flags"]!.AsObject().Select(p => p.Key));
            Assert.False((bool)c1["flags"]!["init"]!);
            Assert.Equal(38, c1["vmx"]!.AsArray().Count);
            var vmcs = c1["vmcs"]!.AsObject();
            Assert.Equal(global::VmxLayers.Constants.VmcsFields.Count, vmcs.Count);
            Assert.Equal(0u, (uint)vmcs["0x681E"]!);
            Assert.All(vmcs, p => Assert.Matches("^0x[0-9A-F]{4}$", p.Key));
        }
    }

    [Fact]
    public void JsonWritesRegistersInPregOrderAndPointersToGlobalsByName()
    {
        var doc = JsonNode.Parse(Cli("replay", Example("host-stack-pointers.json"), "--json").Out)!;
        var exit = doc["steps"]![3]!;
        Assert.Equal("vmx_exit", (string)exit["call"]!);
        var regs = exit["high"]!["regs"]!.AsObject();
        Assert.Equal(global::VmxLayers.Semantics.PregInfo.All.Select(r => r.ToString()), regs.Select(p => p.Key));
        Assert.Equal("""{"ptr":["vmx_enter",0]}""", regs["PC"]!.ToJsonString());
        Assert.Equal("""{"ptr":[4,56]}""", regs["EBP"]!.ToJsonString());
        Assert.Equal("undef", (string)regs["EAX"]!);
        Assert.Null(exit["high"]!["ret"]);
        Assert.Equal("""{"ptr":[5,8]}""", doc["final"]!["low"]!["cpus"]![1]!["vmx"]![34]!.ToJsonString());
    }

    [Fact]
    public void TextModeShowsEachStepAndTheVerdict()
    {
        var r = Cli("replay", Example("mutant-exit-skips-edi.json"));
        Assert.Equal(1, r.Code);
        Assert.Contains("mutant exit-skips-edi-store", r.Out);
        Assert.Contains("initial state: related", r.Out);
        Assert.Contains("[2] cpu 0: vmx_exit", r.Out);
        Assert.Contains("NOT related: match_all: CPU 0, slot 10 (G_RDI)", r.Out);
        Assert.Contains("high: ok, returns 77", r.Out);
        Assert.Contains("verdict: NOT RELATED (first at step 2)", r.Out);
        var ok = Cli("replay", Example("guard-fails.json"));
        Assert.Contains("no behaviour: vmx_readz: index out of [0, 38)", ok.Out);
        Assert.Contains("(not committed: the high step has no behaviour)", ok.Out);
        Assert.Contains("verdict: RELATED throughout (9 step(s))", ok.Out);
    }

    [Fact]
    public void ShowPrintsTheConstants()
    {
        var layout = Cli("show", "layout");
        Assert.Equal(0, layout.Code);
        Assert.Contains("VMX_SIZE = 38", layout.Out);
        Assert.Contains("VMX_STRIDE = 152", layout.Out);
        Assert.Contains("TOTAL_CPU = 8", layout.Out);
        Assert.Matches(@"│ 33\s+│ HOST_EBP\s+│ \+132", layout.Out);
        Assert.Contains("VMX_LOC", layout.Out);
        var vmcs = Cli("show", "vmcs");
        Assert.Matches(@"0x681E\s+│ GUEST_RIP\s+│ natural\s+│ guest state", vmcs.Out);
        Assert.Matches(@"0x4402\s+│ EXIT_REASON\s+│ 32-bit\s+│ read-only data", vmcs.Out);
        Assert.Matches(@"│ 30\s+│ INOUT", Cli("show", "exits").Out);
        var prims = Cli("show", "primitives").Out;
        Assert.Matches(@"vmx_exit\s+│ asm", prims);
        Assert.Matches(@"vmx_writez\s+│ C\s+│ 2", prims);
        Assert.Contains("PC := RA", prims);
    }

    [Fact]
    public void ShowJsonIsMachineReadable()
    {
        var layout = JsonNode.Parse(Cli("show", "layout", "--json").Out)!;
        Assert.Equal(38, (int)layout["vmx_size"]!);
        Assert.Equal(152, (int)layout["stride"]!);
        Assert.Equal("G_RIP", (string)layout["slots"]![14]!["name"]!);
        Assert.Equal(56, (int)layout["slots"]![14]!["offset"]!);
        var vmcs = JsonNode.Parse(Cli("show", "vmcs", "--json").Out)!["entries"]!.AsArray();
        Assert.Contains(vmcs, f => (string)f!["encoding"]! == "0x681E" && (string)f["name"]! == "GUEST_RIP");
        var exits = JsonNode.Parse(Cli("show", "exits", "--json").Out)!["entries"]!.AsArray();
        Assert.Contains(exits, e => (int)e!["number"]! == 48 && (string)e["name"]! == "EPT_FAULT");
        var prims = JsonNode.Parse(Cli("show", "primitives", "--json").Out)!["entries"]!.AsArray();
        Assert.Equal(6, prims.Count);
        Assert.Equal("asm", (string)prims.Single(p => (string)p!["name"]! == "vmx_enter")!["kind"]!);
    }
}
