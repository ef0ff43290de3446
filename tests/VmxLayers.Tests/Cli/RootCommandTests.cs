namespace VmxLayers.Tests.Cli;

public class RootCommandTests
{
    [Fact]
    public void VersionPrintsTheToolNameAndVersion()
    {
        var r = CliProcess.Run("version");
        Assert.Equal(0, r.ExitCode);
        Assert.Matches(@"^vmxlayers \d+\.\d+\.\d+", r.Out.Trim());
    }

    [Fact]
    public void HelpListsTheCommands()
    {
        var r = CliProcess.Run("--help");
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("version", r.Out);
        Assert.Contains("VMCSInit", r.Out);
    }

    [Fact]
    public void AnUnknownCommandIsBadInputWithoutAStackTrace()
    {
        var r = CliProcess.Run("frobnicate");
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("frobnicate", r.Err);
        Assert.DoesNotContain("   at ", r.Err + r.Out);
    }
}
