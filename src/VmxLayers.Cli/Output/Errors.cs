namespace VmxLayers.Cli.Output;

/// <summary>Bad input: one line on stderr, exit code 2.</summary>
public static class Errors
{
    public const int BadInput = 2;

    /// <summary>Writes the line (prefixed "vmxlayers " when it is not already) and returns 2.</summary>
    public static int Bad(string line)
    {
        Console.Error.WriteLine(line.StartsWith("vmxlayers ", StringComparison.Ordinal) ? line : "vmxlayers " + line);
        return BadInput;
    }
}
