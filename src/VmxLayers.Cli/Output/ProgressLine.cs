using System.Diagnostics;
using Spectre.Console;

namespace VmxLayers.Cli.Output;

/// <summary>
/// The progress of a long command: on a terminal a Spectre status line (cleared at the end, cursor restored); when
/// stdout or stderr is piped, one line per second on stderr ("vmxlayers prove: 2/6 lemmas done, …, 2.0 s"), so
/// stdout carries only the result. Nothing is shown for work that ends within the first second.
/// </summary>
public static class ProgressLine
{
    /// <summary>Runs <paramref name="work"/>, which reports its state through the callback it is given.</summary>
    public static T Run<T>(string command, Func<Action<string>, T> work)
    {
        if (Console.IsOutputRedirected || Console.IsErrorRedirected) return Piped(command, work);
        T result = default!;
        AnsiConsole.Status().Start($"{command} …", ctx =>
        {
            var clock = Stopwatch.StartNew();
            result = work(state => ctx.Status(Markup.Escape($"{command}: {state}, {clock.Elapsed.TotalSeconds:F0} s")));
        });
        return result;
    }

    static T Piped<T>(string command, Func<Action<string>, T> work)
    {
        var clock = Stopwatch.StartNew();
        string state = "starting";
        var gate = new Lock();
        bool done = false;
        using var timer = new Timer(_ =>
        {
            lock (gate) if (!done) Console.Error.WriteLine($"vmxlayers {command}: {state}, {clock.Elapsed.TotalSeconds:F1} s");
        }, null, 1000, 1000);
        try { return work(s => { lock (gate) state = s; }); }
        finally { lock (gate) done = true; }
    }
}
