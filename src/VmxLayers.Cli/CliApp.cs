using System.CommandLine;
using System.Reflection;

namespace VmxLayers.Cli;

/// <summary>The `vmxlayers` command tree. Exit codes: 0 ok, 1 verification failure, 2 bad input, 3 inconclusive.</summary>
public static class CliApp
{
    public static int Run(string[] args)
    {
        var root = new RootCommand("VmxLayers: the VMCSInit -> PVMXIntro layer pair of mCertiKOS, executable and checked.")
        {
            VersionCommand(),
            Commands.SimulateCommand.Create(),
        };
        return root.Parse(args).Invoke();
    }

    static Command VersionCommand()
    {
        var version = new Command("version", "Print the tool version.");
        version.SetAction(_ =>
        {
            var v = typeof(CliApp).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";
            Console.WriteLine($"vmxlayers {v.Split('+')[0]}");
            return 0;
        });
        return version;
    }
}
