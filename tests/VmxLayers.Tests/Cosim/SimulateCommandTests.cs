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
    public void BadOptionsExitTwo(params string[] args) => Assert.Equal(2, Run(args));
}
