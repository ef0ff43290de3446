using VmxLayers.Constants;
using VmxLayers.Layers;
using VmxLayers.Machine;
using VmxLayers.Refinement;
using VmxLayers.Scenarios;
using VmxLayers.Semantics;
using VmxLayers.Spec;
using VmxLayers.Spec.Concrete;

namespace VmxLayers.Tests.Scenarios;

public class ScenarioParserTests
{
    static Scenario P(string json) => ScenarioParser.Parse(json);

    static CallStep Call(Scenario s, int k = 0) => Assert.IsType<CallStep>(s.Steps[k]);

    [Fact]
    public void AMinimalScenarioGetsTheSpecDefaults()
    {
        var s = P("""{"cpus": 3, "init": {}, "steps": []}""");
        Assert.Equal(3, s.TotalCpu);
        Assert.All(s.High.Flags, f => Assert.Equal(CpuFlags.AllTrue, f));
        Assert.All(s.Low.Slots, v => Assert.Equal(Val.Vzero, v));
        Assert.Equal(3 * VmxSlots.Size, s.High.Slots.Length);
        Assert.Equal(ScenarioBlocks.Default, s.Blocks);
        Assert.Null(s.Mutant);
        var w = ScenarioWorld.Build(s);
        Assert.Equal(Val.Vzero, w.High.Vmcs[2].Get(VmcsFields.GUEST_RIP));
        Assert.Equal(Val.Vzero, w.Low.Mem.Load(Chunk.Mint32, Genv.VmxLocBlock, VmxSlots.Offset(2, 37)));
        Assert.Null(WorldRelation.Check(w, Prims.Relation));
    }

    [Fact]
    public void InitAsAListOfCpusSetsFlagsSlotsAndVmcsOnBothLayers()
    {
        var vmx = string.Join(", ", Enumerable.Range(0, 38).Select(i => i == 14 ? "4096" : i == 2 ? "\"undef\"" : "0"));
        var s = P("""
            {"cpus": 2, "init": {"cpus": [
              {"cpu": 1, "flags": {"ikern": true, "pg": false}, "vmx": [SLOTS], "vmcs": {"GUEST_RIP": 5, "0x4402": 30}},
              {"cpu": 0, "vmx": {"14": 1, "G_RAX": {"ptr": ["VMX_LOC", 152]}}}
            ]}, "steps": []}
            """.Replace("SLOTS", vmx));
        foreach (var layer in new[] { s.High, s.Low })
        {
            Assert.Equal(new CpuFlags(true, true, false, true), layer.Flags[1]);
            Assert.Equal(CpuFlags.AllTrue, layer.Flags[0]);
            Assert.Equal(Val.Vint(4096), layer.Slot(1, 14));
            Assert.Equal(Val.Vundef, layer.Slot(1, 2));
            Assert.Equal(Val.Vint(1), layer.Slot(0, 14));
            Assert.Equal(Val.Vptr(Genv.VmxLocBlock, 152u), layer.Slot(0, 0));
            Assert.Equal(Val.Vint(30), layer.Vmcs[1][VmcsFields.EXIT_REASON]);
            Assert.Equal(Val.Vint(5), layer.Vmcs[1][VmcsFields.GUEST_RIP]);
        }
    }

    [Fact]
    public void InitKeyedByCpuIsTheSameAsTheListForm()
    {
        var keyed = P("""{"cpus": 2, "init": {"flags": {"1": {"init": false}}, "vmx": {"1": {"G_RIP": 9}}, "vmcs": {"0": {"EXIT_QUALIFICATION": 3}}}, "steps": []}""");
        var list = P("""{"cpus": 2, "init": {"cpus": [{"cpu": 1, "flags": {"init": false}, "vmx": {"G_RIP": 9}}, {"cpu": 0, "vmcs": {"0x6400": 3}}]}, "steps": []}""");
        Assert.Equal(ScenarioWorld.Fingerprint(ScenarioWorld.Build(list)), ScenarioWorld.Fingerprint(ScenarioWorld.Build(keyed)));
        var direct = P("""{"cpus": 2, "init": {"1": {"flags": {"init": false}, "vmx": {"G_RIP": 9}}, "0": {"vmcs": {"0x6400": 3}}}, "steps": []}""");
        var listAsObject = P("""{"cpus": 2, "init": {"cpus": {"1": {"flags": {"init": false}, "vmx": {"G_RIP": 9}}, "0": {"cpu": 0, "vmcs": {"0x6400": 3}}}}, "steps": []}""");
        foreach (var other in new[] { direct, listAsObject })
            Assert.Equal(ScenarioWorld.Fingerprint(ScenarioWorld.Build(list)), ScenarioWorld.Fingerprint(ScenarioWorld.Build(other)));
        Assert.False(keyed.Low.Flags[1].Init);
        Assert.Equal(Val.Vint(3), keyed.High.Vmcs[0][VmcsFields.EXIT_QUALIFICATION]);
    }

    [Fact]
    public void AnEntryWithoutCpuKeysAppliesToEveryCpu()
    {
        var s = P("""{"cpus": 3, "init": {"flags": {"pg": false}, "vmx": {"G_RIP": 5}, "vmcs": {"0x4402": 12}}, "steps": []}""");
        for (int c = 0; c < 3; c++)
            foreach (var layer in new[] { s.High, s.Low })
            {
                Assert.False(layer.Flags[c].Pg);
                Assert.Equal(Val.Vint(5), layer.Slot(c, VmxSlots.G_RIP));
                Assert.Equal(Val.Vint(12), layer.Vmcs[c][VmcsFields.EXIT_REASON]);
            }
        var all = P("""{"cpus": 2, "init": {"vmx": [SLOTS]}, "steps": []}""".Replace("SLOTS", string.Join(", ", Enumerable.Range(0, 38))));
        Assert.Equal(Val.Vint(37), all.Low.Slot(1, 37));
    }

    [Fact]
    public void PerLayerSectionsOverflowBlocksMutantAndDescriptionAreRead()
    {
        var s = P("""
            {"description": "d", "cpus": 1, "mutant": "exit-skips-edi-store",
             "blocks": {"high": 1, "low": 2, "inject": [[4, 5]]},
             "init": {"vmx": {"0": {"G_RBX": 1}}, "low": {"vmx": {"0": {"G_RBX": 2}}, "vmcs": {"0": {"GUEST_RSP": 8}}},
                      "high": {"flags": {"0": {"pg": false}}}, "overflow": [{"cpu": 3, "slot": -1, "value": 5}]},
             "steps": []}
            """);
        Assert.Equal("d", s.Description);
        Assert.Equal("exit-skips-edi-store", s.Mutant);
        Assert.Equal([(4, 5)], s.Blocks.Inject.ToArray());
        Assert.Equal((1, 2), (s.Blocks.High, s.Blocks.Low));
        Assert.Equal(Val.Vint(1), s.High.Slot(0, VmxSlots.G_RBX));
        Assert.Equal(Val.Vint(2), s.Low.Slot(0, VmxSlots.G_RBX));
        Assert.False(s.Low.Vmcs[0].ContainsKey(-1));
        Assert.Equal(Val.Vint(8), s.Low.Vmcs[0][VmcsFields.GUEST_RSP]);
        Assert.False(s.High.Vmcs[0].ContainsKey(VmcsFields.GUEST_RSP));
        Assert.False(s.High.Flags[0].Pg);
        Assert.True(s.Low.Flags[0].Pg);
        Assert.Equal(new OverflowSlot(3, -1, Val.Vint(5)), Assert.Single(s.HighOverflow));
        var w = ScenarioWorld.Build(s);
        Assert.Equal((5, 6), (w.High.Mem.NextBlock, w.Low.Mem.NextBlock));
        Assert.Equal((5, 0L), w.Context.Inject[4]);
        Assert.Equal(Val.Vint(5), w.High.Vmx.Get(3, -1));
    }

    [Fact]
    public void ReadOnlyLowWordsBreakMatchsWritableClause()
    {
        var s = P("""{"cpus": 2, "init": {"low": {"readonly": [[1, "G_RIP"], [0, 3]]}}, "steps": []}""");
        Assert.Equal([(1, VmxSlots.G_RIP), (0, 3)], s.LowReadOnly.ToArray());
        var w = ScenarioWorld.Build(s);
        Assert.False(w.Low.Mem.ValidAccess(Chunk.Mint32, Genv.VmxLocBlock, VmxSlots.Offset(1, VmxSlots.G_RIP), Permission.Writable));
        Assert.True(w.Low.Mem.ValidAccess(Chunk.Mint32, Genv.VmxLocBlock, VmxSlots.Offset(1, VmxSlots.G_RIP), Permission.Readable));
        Assert.True(w.Low.Mem.ValidAccess(Chunk.Mint32, Genv.VmxLocBlock, VmxSlots.Offset(1, VmxSlots.G_RAX), Permission.Writable));
        Assert.Contains("CPU 0, slot 3", WorldRelation.Check(w, Prims.Relation));
    }

    [Fact]
    public void MutantsAreNamedByTheirNames()
    {
        Assert.Equal("enter-swaps-ebx-edx", P("""{"cpus": 1, "mutant": "enter-swaps-ebx-edx", "steps": []}""").Mutant);
    }

    [Fact]
    public void EveryValueFormIsRead()
    {
        var s = P("""
            {"cpus": 1, "steps": [{"cpu": 0, "call": "vmx_exit", "regs": {
              "EAX": 4294967295, "EBX": "undef", "EDX": {"ptr": [7, 12]}, "ESI": {"ptr": ["vmx_exit", 1]},
              "EDI": {"long": 18446744073709551615}, "XMM0": {"float": "0x3FF0000000000000"}}}]}
            """);
        var rs = Call(s).RegsHigh;
        Assert.Equal(Val.Vmone, rs[Preg.EAX]);
        Assert.Equal(Val.Vundef, rs[Preg.EBX]);
        Assert.Equal(Val.Vptr(7, 12u), rs[Preg.EDX]);
        Assert.Equal(Val.Vptr(Genv.VmxExitBlock, 1u), rs[Preg.ESI]);
        Assert.Equal(Val.Vlong(new global::VmxLayers.Semantics.Int64(ulong.MaxValue)), rs[Preg.EDI]);
        Assert.Equal(Val.Vfloat(1.0), rs[Preg.XMM0]);
    }

    [Fact]
    public void AsmCallsGetPcRaEspAndEcxDefaultsThatTheStepCanOverride()
    {
        var s = P("""
            {"cpus": 2, "steps": [
              {"cpu": 1, "call": "vmx_exit"},
              {"cpu": 1, "call": "vmx_enter", "args": [], "regs": {"PC": 5, "ESP": "undef"}},
              {"cpu": 0, "call": "vmx_exit", "regs": {"ECX": 0, "RA": {"ptr": [4, 0]}}, "low": {"regs": {"EAX": 1}}}
            ]}
            """);
        var exit = Call(s, 0).RegsHigh;
        Assert.Equal(Val.Vptr(Genv.VmxExitBlock, 0u), exit[Preg.PC]);
        Assert.Equal(Val.Vptr(Genv.VmxEnterBlock, 0u), exit[Preg.RA]);
        Assert.Equal(Val.Vptr(Genv.Next, Scenario.StackOffset), exit[Preg.ESP]);
        Assert.Equal(Val.Vint(152), exit[Preg.ECX]);
        var enter = Call(s, 1);
        Assert.Equal(Val.Vint(5), enter.RegsHigh[Preg.PC]);
        Assert.Equal(Val.Vundef, enter.RegsHigh[Preg.ESP]);
        Assert.Equal(Val.Vundef, enter.RegsHigh[Preg.ECX]);
        Assert.Equal(Val.Vptr(Genv.VmxEnterBlock, 0u), enter.RegsHigh[Preg.RA]);
        var low = Call(s, 2);
        Assert.Equal(Val.Vint(0), low.RegsHigh[Preg.ECX]);
        Assert.Equal(Val.Vundef, low.RegsHigh[Preg.EAX]);
        Assert.Equal(Val.Vint(1), low.RegsLow[Preg.EAX]);
        Assert.Equal(Val.Vint(0), low.RegsLow[Preg.ECX]);
    }

    [Fact]
    public void CCallsAndGuestStepsAreRead()
    {
        var s = P("""
            {"cpus": 1, "steps": [
              {"cpu": 0, "call": "vmx_writez", "args": [14, 4096], "low": {"args": [14, 4097]}},
              {"cpu": 0, "call": "vmx_enter_pre"},
              {"cpu": 0, "call": "vmx_exit_post", "args": []},
              {"cpu": 0, "guest": {"vmcs": {"EXIT_REASON": 30, "0x681e": 2}}},
              {"cpu": 0, "call": "guest"},
              {"cpu": 0, "guest": {}}
            ]}
            """);
        var w = Call(s, 0);
        Assert.Equal(Prims.vmx_writez, w.Def);
        Assert.Equal([Val.Vint(14), Val.Vint(4096)], w.ArgsHigh.ToArray());
        Assert.Equal([Val.Vint(14), Val.Vint(4097)], w.ArgsLow.ToArray());
        Assert.Empty(Call(s, 1).ArgsHigh);
        var g = Assert.IsType<GuestStep>(s.Steps[3]);
        Assert.Equal([(VmcsFields.EXIT_REASON, Val.Vint(30)), (VmcsFields.GUEST_RIP, Val.Vint(2))], g.Vmcs.ToArray());
        Assert.Empty(Assert.IsType<GuestStep>(s.Steps[4]).Vmcs);
        Assert.Equal("guest", s.Steps[5].Name);
    }

    [Theory]
    [InlineData("{\"cpus\": 1, \"steps\": [}", "$", "malformed JSON")]
    [InlineData("[1]", "$", "expected a scenario object")]
    [InlineData("{\"steps\": []}", "$", "missing key \"cpus\"")]
    [InlineData("{\"cpus\": 1}", "$", "missing key \"steps\"")]
    [InlineData("{\"cpus\": 0, \"steps\": []}", "$.cpus", "number of CPUs")]
    [InlineData("{\"cpus\": 1, \"steps\": [], \"extra\": 1}", "$.extra", "unknown key \"extra\"")]
    [InlineData("{\"cpus\": 1, \"cpus\": 2, \"steps\": []}", "$.cpus", "duplicate key")]
    [InlineData("{\"cpus\": 1, \"steps\": [{\"cpu\": 0, \"call\": \"vmx_read\", \"args\": [1]}]}", "$.steps[0].call", "unknown primitive \"vmx_read\"")]
    [InlineData("{\"cpus\": 1, \"steps\": [{\"cpu\": 0, \"call\": \"vmx_exit\", \"regs\": {\"EXX\": 1}}]}", "$.steps[0].regs.EXX", "unknown register \"EXX\"")]
    [InlineData("{\"cpus\": 1, \"steps\": [{\"cpu\": 0, \"guest\": {\"vmcs\": {\"GUEST_RIPP\": 1}}}]}", "$.steps[0].guest.vmcs.GUEST_RIPP", "unknown VMCS field")]
    [InlineData("{\"cpus\": 1, \"init\": {\"cpus\": [{\"cpu\": 0, \"vmx\": {\"G_RIPP\": 1}}]}, \"steps\": []}", "$.init.cpus[0].vmx.G_RIPP", "unknown VMX slot")]
    [InlineData("{\"cpus\": 1, \"init\": {\"vmx\": {\"0\": {\"38\": 1}}}, \"steps\": []}", "$.init.vmx['0']['38']", "unknown VMX slot")]
    [InlineData("{\"cpus\": 1, \"steps\": [{\"cpu\": 0, \"call\": \"vmx_readz\", \"args\": [{\"ptr\": [\"VMX_LOCK\", 0]}]}]}", "$.steps[0].args[0].ptr[0]", "a global name")]
    [InlineData("{\"cpus\": 1, \"steps\": [{\"cpu\": 0, \"call\": \"vmx_readz\", \"args\": [{\"ptr\": [0, 0]}]}]}", "$.steps[0].args[0].ptr[0]", "block number")]
    [InlineData("{\"cpus\": 1, \"steps\": [{\"cpu\": 0, \"call\": \"vmx_writez\", \"args\": [1, -1]}]}", "$.steps[0].args[1]", "unsigned 32-bit integer")]
    [InlineData("{\"cpus\": 1, \"steps\": [{\"cpu\": 0, \"call\": \"vmx_writez\", \"args\": [1, 4294967296]}]}", "$.steps[0].args[1]", "unsigned 32-bit integer")]
    [InlineData("{\"cpus\": 1, \"steps\": [{\"cpu\": 0, \"call\": \"vmx_writez\", \"args\": [1, 1.5]}]}", "$.steps[0].args[1]", "unsigned 32-bit integer")]
    [InlineData("{\"cpus\": 1, \"steps\": [{\"cpu\": 0, \"call\": \"vmx_writez\", \"args\": [1, \"one\"]}]}", "$.steps[0].args[1]", "expected a value")]
    [InlineData("{\"cpus\": 1, \"steps\": [{\"cpu\": 0, \"call\": \"vmx_writez\", \"args\": [1]}]}", "$.steps[0].args", "expected 2 argument(s) for vmx_writez, got 1")]
    [InlineData("{\"cpus\": 1, \"steps\": [{\"cpu\": 0, \"call\": \"vmx_readz\"}]}", "$.steps[0]", "missing key \"args\"")]
    [InlineData("{\"cpus\": 1, \"steps\": [{\"call\": \"vmx_enter\"}]}", "$.steps[0]", "missing key \"cpu\"")]
    [InlineData("{\"cpus\": 2, \"steps\": [{\"cpu\": 2, \"call\": \"vmx_enter\"}]}", "$.steps[0].cpu", "CPU number in [0, 1]")]
    [InlineData("{\"cpus\": 1, \"steps\": [{\"cpu\": 0, \"call\": \"vmx_readz\", \"args\": [1], \"regs\": {}}]}", "$.steps[0].regs", "C primitive")]
    [InlineData("{\"cpus\": 1, \"steps\": [{\"cpu\": 0, \"call\": \"vmx_exit\", \"args\": [1]}]}", "$.steps[0].args", "asm primitive")]
    [InlineData("{\"cpus\": 1, \"steps\": [{\"cpu\": 0, \"call\": \"vmx_exit\", \"foo\": 1}]}", "$.steps[0].foo", "unknown key")]
    [InlineData("{\"cpus\": 1, \"steps\": [{\"cpu\": 0, \"guest\": {}, \"regs\": {}}]}", "$.steps[0].regs", "guest step")]
    [InlineData("{\"cpus\": 1, \"steps\": [{\"cpu\": 0}]}", "$.steps[0]", "missing key \"call\"")]
    [InlineData("{\"cpus\": 1, \"init\": {\"cpus\": [{\"cpu\": 0, \"vmx\": [1, 2]}]}, \"steps\": []}", "$.init.cpus[0].vmx", "array of 38")]
    [InlineData("{\"cpus\": 1, \"init\": {\"flags\": {\"0\": {\"ikern\": 1}}}, \"steps\": []}", "$.init.flags['0'].ikern", "true or false")]
    [InlineData("{\"cpus\": 1, \"init\": {\"flags\": {\"0\": {\"kern\": true}}}, \"steps\": []}", "$.init.flags['0'].kern", "unknown key")]
    [InlineData("{\"cpus\": 2, \"init\": {\"vmx\": {\"5\": {}}}, \"steps\": []}", "$.init.vmx['5']", "CPU number in [0, 1]")]
    [InlineData("{\"cpus\": 1, \"init\": {\"low\": {\"overflow\": []}}, \"steps\": []}", "$.init.low.overflow", "unknown key")]
    [InlineData("{\"cpus\": 1, \"init\": {\"high\": {\"readonly\": []}}, \"steps\": []}", "$.init.high.readonly", "unknown key")]
    [InlineData("{\"cpus\": 1, \"init\": {\"low\": {\"readonly\": [[0, 38]]}}, \"steps\": []}", "$.init.low.readonly[0][1]", "slot index in [0, 37]")]
    [InlineData("{\"cpus\": 1, \"init\": {\"foo\": 1}, \"steps\": []}", "$.init.foo", "unknown key \"foo\" (expected a CPU number or one of")]
    [InlineData("{\"cpus\": 2, \"init\": {\"7\": {}}, \"steps\": []}", "$.init['7']", "CPU number in [0, 1]")]
    [InlineData("{\"cpus\": 2, \"init\": {\"cpus\": {\"1\": {\"cpu\": 0}}}, \"steps\": []}", "$.init.cpus['1'].cpu", "CPU 1")]
    [InlineData("{\"cpus\": 1, \"mutant\": \"no-such-mutant\", \"steps\": []}", "$.mutant", "unknown mutant")]
    [InlineData("{\"cpus\": 1, \"blocks\": {\"high\": 1, \"low\": 1, \"inject\": [[5, 4]]}, \"steps\": []}", "$.blocks.inject[0][0]", "extra high block in [4, 4]")]
    [InlineData("{\"cpus\": 1, \"blocks\": {\"high\": 1, \"low\": 1, \"inject\": [[4, 9]]}, \"steps\": []}", "$.blocks.inject[0][1]", "low block in [1, 4]")]
    [InlineData("{\"cpus\": 1, \"steps\": [{\"cpu\": 0, \"call\": \"vmx_exit\", \"regs\": {\"EAX\": {\"ptr\": [4, 0], \"long\": 1}}}]}", "$.steps[0].regs.EAX", "expected a value")]
    public void BadInputIsOneErrorNamingThePathAndWhatWasExpected(string json, string path, string expected)
    {
        var e = Assert.Throws<ScenarioError>(() => ScenarioParser.Parse(json));
        Assert.Equal(path, e.JsonPath);
        Assert.Contains(expected, e.Expected);
        var line = e.Format("f.json");
        Assert.StartsWith($"f.json: {path}: ", line);
        Assert.DoesNotContain('\n', line);
    }

    [Fact]
    public void AnUnreadableFileIsAScenarioError()
    {
        var e = Assert.Throws<ScenarioError>(() => ScenarioParser.ParseFile("/nonexistent/dir/x.json"));
        Assert.Equal("$", e.JsonPath);
        Assert.Contains("cannot read the file", e.Expected);
    }
}
