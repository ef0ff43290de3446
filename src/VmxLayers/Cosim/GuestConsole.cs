using System.Text;

namespace VmxLayers.Cosim;

/// <summary>
/// One CPU's serial console. Every character is compared with the expected output as it is printed, so a
/// wrong character stops the run at once; only the first run's text is kept (bounded memory over restarts).
/// </summary>
public sealed class GuestConsole(string? expected)
{
    /// <summary>Characters kept of a run without an expected output.</summary>
    public const int MaxKept = 1 << 16;

    readonly StringBuilder firstRun = new();
    int position;

    /// <summary>Completed runs (each matched the expected output when there is one).</summary>
    public long CompletedRuns { get; private set; }

    /// <summary>The first run's output (complete or in progress).</summary>
    public string Text => firstRun.ToString();

    /// <summary>Characters printed by the run in progress.</summary>
    public int Position => position;

    /// <summary>Prints one character; returns why it is wrong, or null.</summary>
    public string? Put(char ch)
    {
        string? wrong = null;
        if (expected is not null && (position >= expected.Length || expected[position] != ch))
            wrong = position >= expected.Length
                ? $"printed {Show(ch)} after the complete expected output ({expected.Length} characters)"
                : $"character {position}: expected {Show(expected[position])}, printed {Show(ch)}";
        if (CompletedRuns == 0 && firstRun.Length < MaxKept) firstRun.Append(ch);
        position++;
        return wrong;
    }

    /// <summary>The guest ended; returns why its output is incomplete, or null.</summary>
    public string? EndRun()
    {
        if (expected is not null && position != expected.Length)
            return $"the guest ended after {position} of {expected.Length} expected characters";
        CompletedRuns++;
        position = 0;
        return null;
    }

    static string Show(char ch) => ch switch { '\n' => "'\\n'", < ' ' or > '~' => $"0x{(int)ch:X2}", _ => $"'{ch}'" };
}
