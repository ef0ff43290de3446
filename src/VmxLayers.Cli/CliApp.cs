using System.CommandLine;
using System.Reflection;

namespace VmxLayers.Cli;

/// <summary>The `vmxlayers` command tree.</summary>
public static class CliApp
{
    public static int Run(string[] args)
    {
        var root = new RootCommand("VmxLayers: the VMCSInit -> PVMXIntro layer pair of mCertiKOS, executable and checked.");
        var version = new Command("version", "Print the tool version.");
        version.SetAction(_ =>
        {
            var v = typeof(CliApp).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";
            Console.WriteLine($"vmxlayers {v.Split('+')[0]}");
            return 0;
        });
        root.Subcommands.Add(version);
        return root.Parse(args).Invoke();
    }
}
