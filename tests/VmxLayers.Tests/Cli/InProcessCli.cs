using VmxLayers.Cli;

namespace VmxLayers.Tests.Cli;

/// <summary>Runs the CLI in the test process with stdout and stderr captured (tests using it share the "Console" collection).</summary>
static class InProcessCli
{
    public static (int Code, string Out, string Err) Run(params string[] args)
    {
        var (o, e) = (new StringWriter(), new StringWriter());
        var (oldOut, oldErr) = (Console.Out, Console.Error);
        Console.SetOut(o);
        Console.SetError(e);
        try { return (CliApp.Run(args), o.ToString(), e.ToString()); }
        finally { Console.SetOut(oldOut); Console.SetError(oldErr); }
    }
}
