namespace VmxLayers.Tests;

public class SmokeTests
{
    [Fact]
    public void VersionCommandExitsZero() => Assert.Equal(0, VmxLayers.Cli.CliApp.Run(["version"]));
}
