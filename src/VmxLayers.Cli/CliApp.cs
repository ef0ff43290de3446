using System.CommandLine;
using System.CommandLine.Invocation;
using Spectre.Console;
using VmxLayers.Cli.Output;

namespace VmxLayers.Cli;

/// <summary>The `vmxlayers` command tree. Exit codes (SPEC §7, <see cref="ExitCodes"/>): 0 ok, 1 verification failure, 2 bad input, 3 inconclusive, 4 guest fault, 5 internal error, 130 interrupted.</summary>
public static class CliApp
{
    public static int Run(string[] args)
    {
        using var interrupts = Interrupts.Listen();   // first: a Ctrl-C from now on stops the run cleanly (exit 130)
        RunInfo.Args = args;
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
            Commands.ReportCommand.Create(),
        };
        DocumentExitCodes(root);
        var parse = root.Parse(args);
        string command = CommandPath(parse);
        if (parse.Errors.Count > 0)
        {
            // Bad usage is bad input: one line, exit code 2 (System.CommandLine's default is 1).
            Errors.Line(command, $"{string.Join("; ", parse.Errors.Select(e => e.Message))} (see 'vmxlayers {command} --help')".Replace("vmxlayers vmxlayers", "vmxlayers"));
            return ExitCodes.BadInput;
        }
        try
        {
            BeforeCommand?.Invoke(command);
            return parse.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
        }
        catch (Exception e) when (Interrupts.Requested && e is OperationCanceledException)
        {
            Errors.Line(command, "interrupted (Ctrl-C)");
            return ExitCodes.Interrupted;
        }
        catch (Exception e)
        {
            // Never a stack trace: a bug still reports one line and its own exit code.
            Errors.Line(command, $"internal error (a bug of vmxlayers {ToolInfo.Version}, commit {ToolInfo.Commit}; please report it): {e.GetType().Name}: {e.Message}");
            return ExitCodes.InternalError;
        }
    }

    /// <summary>Tests only: runs before the command (e.g. throws, to show how an internal error is reported).</summary>
    internal static Action<string>? BeforeCommand { get; set; }

    /// <summary>"check", "show vmcs", or "vmxlayers" for the root.</summary>
    static string CommandPath(ParseResult parse)
    {
        var names = new List<string>();
        for (var c = parse.CommandResult; c is not null; c = c.Parent as System.CommandLine.Parsing.CommandResult)
            if (c.Command is not RootCommand) names.Insert(0, c.Command.Name);
        return names.Count == 0 ? "vmxlayers" : string.Join(" ", names);
    }

    /// <summary>Every --help ends with the exit codes (the help option is recursive: one action serves every command).</summary>
    static void DocumentExitCodes(RootCommand root)
    {
        foreach (var help in root.Options.OfType<System.CommandLine.Help.HelpOption>())
            if (help.Action is SynchronousCommandLineAction inner) help.Action = new HelpWithExitCodes(inner);
    }

    sealed class HelpWithExitCodes(SynchronousCommandLineAction inner) : SynchronousCommandLineAction
    {
        public override int Invoke(ParseResult parseResult)
        {
            int code = inner.Invoke(parseResult);
            Console.Out.WriteLine(ExitCodes.Help);
            Console.Out.WriteLine();
            return code;
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
        var version = new Command("version", "Print the tool version and the git commit it was built from.");
        version.SetAction(_ =>
        {
            Console.WriteLine($"vmxlayers {ToolInfo.Version} (commit {ToolInfo.Commit})");
            return ExitCodes.Ok;
        });
        return version;
    }
}
