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

    /// <summary>Writes the line (prefixed "vmxlayers " when it is not already, as <see cref="Selection"/>'s "COMMAND: …" lines) and returns 2.</summary>
    public static int Bad(string line)
    {
        Console.Error.WriteLine(Printable.OneLine(line.StartsWith("vmxlayers ", StringComparison.Ordinal) ? line : "vmxlayers " + line));
        return BadInput;
    }

    /// <summary>Writes "vmxlayers COMMAND: message" as one line on stderr.</summary>
    public static void Line(string command, string message) =>
        Console.Error.WriteLine(Printable.OneLine($"vmxlayers {command}: {message}"));
}
