using VmxLayers.Io;

namespace VmxLayers.Cli.Output;

/// <summary>Error lines: exactly one line on stderr, "vmxlayers COMMAND: what was wrong", control characters escaped.</summary>
public static class Errors
{
    public const int BadInput = ExitCodes.BadInput;

    /// <summary>Bad input of <paramref name="command"/>: one line, exit code 2.</summary>
    public static int Bad(string command, string message)
    {
        Line(command, message);
        return BadInput;
    }

    /// <summary>Writes "vmxlayers COMMAND: message" as one line on stderr.</summary>
    public static void Line(string command, string message) =>
        Console.Error.WriteLine(Printable.OneLine($"vmxlayers {command}: {message}"));
}
