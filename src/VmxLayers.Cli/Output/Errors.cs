namespace VmxLayers.Cli.Output;

/// <summary>Bad input: one line on stderr, exit code 2.</summary>
public static class Errors
{
    public const int BadInput = 2;

    public static int Bad(string line)
    {
        Console.Error.WriteLine(line);
        return BadInput;
    }
}
