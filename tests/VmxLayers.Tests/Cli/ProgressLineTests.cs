using VmxLayers.Cli.Output;

namespace VmxLayers.Tests.Cli;

/// <summary>Piped, a long command reports on stderr once a second (stdout carries only the result); work within the first second shows nothing.</summary>
[Collection("Console")]
public class ProgressLineTests
{
    [Fact]
    public void PipedProgressIsOneStderrLinePerSecond()
    {
        TextWriter err0 = Console.Error;
        var err = new StringWriter();
        Console.SetError(err);
        int result;
        try
        {
            result = ProgressLine.Run("check", report =>
            {
                report("1/12 backend runs done");
                Thread.Sleep(2300);
                return 7;
            });
            Assert.Equal("", ProgressLine.Run("prove", _ => "").PadRight(0));
        }
        finally { Console.SetError(err0); }
        Assert.Equal(7, result);
        var lines = err.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.InRange(lines.Length, 1, 3);
        Assert.All(lines, l => Assert.Matches(@"^vmxlayers check: 1/12 backend runs done, \d+\.\d s$", l));
    }
}
