using System.CommandLine;
using System.Reflection;
using Spectre.Console;

namespace VmxLayers.Cli;

/// <summary>The `vmxlayers` command tree. Exit codes: 0 ok, 1 verification failure, 2 bad input, 3 inconclusive.</summary>
public static class CliApp
{
    public static int Run(string[] args)
    {
        AnsiConsole.Console = CurrentConsole();
        var root = new RootCommand("VmxLayers: the VMCSInit -> PVMXIntro layer pair of mCertiKOS, executable and checked.")
        {
            VersionCommand(),
            Commands.ReplayCommand.Create(),
            Commands.ShowCommand.Create(),
            Commands.CheckCommand.Create(),
            Commands.MutantsCommand.Create(),
            Commands.ProveCommand.Create(),
            Commands.SimulateCommand.Create(),
        };
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            // Bad usage is bad input: one line per problem, exit code 2 (System.CommandLine's default is 1).
            Console.Error.WriteLine($"vmxlayers: {string.Join("; ", parse.Errors.Select(e => e.Message))} (see 'vmxlayers --help')");
            return 2;
        }
        try
        {
            return parse.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (Exception e)
        {
            // Never a stack trace: a bug still reports one line and a distinct failure code.
            Console.Error.WriteLine($"vmxlayers: internal error: {e.GetType().Name}: {e.Message}");
            return 1;
        }
    }

    /// <summary>
    /// Spectre's console on the current Console.Out (so redirected output and in-process tests see the tables);
    /// plain and 200 columns wide when not a terminal, so piped tables do not wrap.
    /// </summary>
    static IAnsiConsole CurrentConsole()
    {
        bool redirected = Console.IsOutputRedirected;
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(Console.Out),
            Ansi = redirected ? AnsiSupport.No : AnsiSupport.Detect,
            ColorSystem = redirected ? ColorSystemSupport.NoColors : ColorSystemSupport.Detect,
        });
        if (redirected) console.Profile.Width = 200;
        return console;
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
