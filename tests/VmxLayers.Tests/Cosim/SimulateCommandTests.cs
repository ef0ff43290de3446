using VmxLayers.Cli;

namespace VmxLayers.Tests.Cosim;

/// <summary>`vmxlayers simulate` exit codes: 0 related and right output, 1 caught, 2 bad options.</summary>
[Collection("Console")]
public class SimulateCommandTests
{
    static int Run(params string[] args)
    {
        var (stdout, stderr) = (Console.Out, Console.Error);
        Console.SetOut(TextWriter.Null);
        Console.SetError(TextWriter.Null);
        try { return CliApp.Run(["simulate", .. args]); }
        finally { Console.SetOut(stdout); Console.SetError(stderr); }
    }

    [Fact]
    public void ARelatedRunExitsZero() => Assert.Equal(0, Run("--cpus", "2", "--guest", "hello", "--json"));

    [Fact]
    public void ACaughtMutantExitsOne() => Assert.Equal(1, Run("--cpus", "1", "--guest", "hello", "--mutant", "enter-swaps-ebx-edx", "--json"));

    [Theory]
    [InlineData("--cpus", "0")]
    [InlineData("--cpus", "many")]
    [InlineData("--cpus")]
    [InlineData("--exits", "-5")]
    [InlineData("--interleave", "zigzag")]
    [InlineData("--seed", "x")]
    [InlineData("--guest", "no-such-guest")]
    [InlineData("--mutant", "no-such-mutant")]
    [InlineData("--frobnicate")]
    [InlineData("--guest-budget", "0")]
    [InlineData("--guest-memory", "3K")]
    [InlineData("--guest-memory", "2048M")]
    [InlineData("--guest", "sha256-O0", "--guest-memory", "4K")]
    public void BadOptionsExitTwo(params string[] args) => Assert.Equal(2, Run(args));

    [Fact]
    public void AGuestFaultExitsFour()
    {
        var dir = Directory.CreateTempSubdirectory("simulate-fault");
        string ud2 = Path.Combine(dir.FullName, "ud2.bin");
        File.WriteAllBytes(ud2, [0x90, 0x0F, 0x0B]);
        Assert.Equal(4, Run("--cpus", "1", "--guest", ud2, "--json"));
        Assert.Equal(4, Run("--cpus", "1", "--guest", "regs", "--guest-budget", "10", "--json"));   // no exit within 10 instructions
        Assert.Equal(0, Run("--cpus", "1", "--guest", "regs", "--guest-budget", "1000", "--guest-memory", "128K", "--json"));
    }

    [Theory]
    [InlineData("65536", 65536)]
    [InlineData("64K", 65536)]
    [InlineData("64KiB", 65536)]
    [InlineData("16M", 16 << 20)]
    [InlineData("1024M", 1 << 30)]
    [InlineData("4095", null)]
    [InlineData("1025M", null)]
    [InlineData("-4K", null)]
    [InlineData("lots", null)]
    public void GuestMemorySizesParse(string text, int? bytes) => Assert.Equal(bytes, VmxLayers.Cli.Commands.SimulateCommand.MemorySize(text));
}
