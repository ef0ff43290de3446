using VmxLayers.Scenarios;

namespace VmxLayers.Tests.Scenarios;

/// <summary>Nothing in a scenario is silently dropped or reinterpreted: mixed steps and the same thing under two spellings are errors.</summary>
public class ScenarioStrictnessTests
{
    static ScenarioError Bad(string json) => Assert.Throws<ScenarioError>(() => ScenarioParser.Parse(json));

    [Theory]
    // a call and a guest step in one: the call used to vanish
    [InlineData("""{"cpus": 1, "steps": [{"cpu": 0, "call": "vmx_readz", "guest": {}}]}""", "$.steps[0].guest", "not both")]
    [InlineData("""{"cpus": 1, "steps": [{"cpu": 0, "call": "vmx_enter_pre", "guest": {"vmcs": {"EXIT_REASON": 30}}}]}""", "$.steps[0].guest", "not both")]
    // one slot, field or CPU under two spellings: the last one used to win
    [InlineData("""{"cpus": 1, "init": {"vmx": {"0": {"G_RIP": 1, "14": 2}}}, "steps": []}""", "$.init.vmx['0']['14']", "duplicate VMX slot 14 (G_RIP)")]
    [InlineData("""{"cpus": 1, "init": {"cpus": [{"cpu": 0, "vmx": {"G_RAX": 1, "0": 2}}]}, "steps": []}""", "$.init.cpus[0].vmx['0']", "duplicate VMX slot 0")]
    [InlineData("""{"cpus": 1, "init": {"vmcs": {"GUEST_RIP": 1, "0x681E": 2}}, "steps": []}""", "$.init.vmcs['0x681E']", "duplicate VMCS field 0x681E (GUEST_RIP)")]
    [InlineData("""{"cpus": 1, "init": {"vmcs": {"0": {"0x681e": 1, "26654": 2}}}, "steps": []}""", "$.init.vmcs['0']['26654']", "already given as \"0x681e\"")]
    [InlineData("""{"cpus": 1, "steps": [{"cpu": 0, "guest": {"vmcs": {"EXIT_REASON": 1, "0x4402": 2}}}]}""", "$.steps[0].guest.vmcs['0x4402']", "duplicate VMCS field")]
    [InlineData("""{"cpus": 2, "init": {"0": {"flags": {"pg": false}}, "00": {"flags": {"pg": true}}}, "steps": []}""", "$.init['00']", "duplicate CPU 0")]
    [InlineData("""{"cpus": 2, "init": {"vmx": {"1": {"G_RIP": 1}, "01": {"G_RIP": 2}}}, "steps": []}""", "$.init.vmx['01']", "duplicate CPU 1")]
    [InlineData("""{"cpus": 2, "init": {"cpus": [{"cpu": 1}, {"cpu": 1}]}, "steps": []}""", "$.init.cpus[1].cpu", "duplicate CPU 1")]
    [InlineData("""{"cpus": 1, "init": {"overflow": [{"cpu": 9, "slot": 40, "value": 1}, {"cpu": 9, "slot": 40, "value": 2}]}, "steps": []}""", "$.init.overflow[1]", "duplicate overflow slot")]
    // slot, field and flag names at the top of init are pointed at as such
    [InlineData("""{"cpus": 1, "init": {"G_RIP": 5}, "steps": []}""", "$.init.G_RIP", "G_RIP is a VMX slot, which goes under \"vmx\"")]
    [InlineData("""{"cpus": 1, "init": {"GUEST_RIP": 5}, "steps": []}""", "$.init.GUEST_RIP", "GUEST_RIP is a VMCS field, which goes under \"vmcs\"")]
    [InlineData("""{"cpus": 1, "init": {"pg": false}, "steps": []}""", "$.init.pg", "pg is a flag")]
    public void IsRejectedWithThePathAndWhy(string json, string path, string why)
    {
        var e = Bad(json);
        Assert.Equal(path, e.JsonPath);
        Assert.Contains(why, e.Expected);
    }

    [Fact]
    public void ControlCharactersInAnEchoedKeyAreEscaped()
    {
        var e = Bad("{\"cpus\": 1, \"init\": {\"\\u001b[31mred\\nline\": 1}, \"steps\": []}");
        var line = e.Format("f.json");
        Assert.DoesNotContain('\u001b', line);
        Assert.DoesNotContain('\n', line);
        Assert.Contains("\\u001B[31mred\\nline", line);
    }

    [Fact]
    public void AnyThirtyTwoBitVmcsEncodingIsAccepted()
    {
        // docs/scenarios.md: a numeric encoding outside the valid set is stored (the specs then fail on it), 0x80000000 included
        var s = ScenarioParser.Parse("""{"cpus": 1, "init": {"vmcs": {"0x80000000": 1, "0xFFFFFFFF": 2}}, "steps": []}""");
        Assert.Equal(global::VmxLayers.Semantics.Val.Vint(1), s.High.Vmcs[0][int.MinValue]);
        Assert.Equal(global::VmxLayers.Semantics.Val.Vint(2), s.High.Vmcs[0][-1]);
        Assert.Contains("already given", Bad("""{"cpus": 1, "init": {"vmcs": {"0xFFFFFFFF": 1, "-1": 2}}, "steps": []}""").Expected);
    }

    [Fact]
    public void InvalidUtf8IsAnErrorWithItsOffsetNotAReplacementCharacter()
    {
        var file = Path.Combine(Path.GetTempPath(), $"vmx-utf8-{Guid.NewGuid():N}.json");
        try
        {
            File.WriteAllBytes(file, [.. "{\"cpus\": 1, \"description\": \"a"u8, 0xFF, .. "\", \"steps\": []}"u8]);
            var e = Assert.Throws<ScenarioError>(() => ScenarioParser.ParseFile(file));
            Assert.Contains("not valid UTF-8 at byte offset 29", e.Expected);
        }
        finally { File.Delete(file); }
    }

    [Fact]
    public void ADeviceOrAHugeFileIsRefusedUnread()
    {
        var e = Assert.Throws<ScenarioError>(() => ScenarioParser.ParseFile("/dev/zero"));
        Assert.Contains("larger than", e.Expected);
        var dir = Assert.Throws<ScenarioError>(() => ScenarioParser.ParseFile(Path.GetTempPath()));
        Assert.Contains("is a directory", dir.Expected);
    }
}
