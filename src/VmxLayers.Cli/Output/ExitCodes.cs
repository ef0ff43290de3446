namespace VmxLayers.Cli.Output;

/// <summary>The exit codes of every command (SPEC §7).</summary>
public static class ExitCodes
{
    /// <summary>Passed, proved, related.</summary>
    public const int Ok = 0;
    /// <summary>A counterexample, a REFUTED lemma, an unrelated step, a wrong guest output, a surviving mutant.</summary>
    public const int Failed = 1;
    /// <summary>Bad input: one line on stderr naming what was wrong.</summary>
    public const int BadInput = 2;
    /// <summary>Inconclusive: a lemma UNKNOWN and nothing failed.</summary>
    public const int Inconclusive = 3;
    /// <summary>A guest program faulted (invalid instruction, access outside guest memory, budget exhausted): the guest is wrong, not the model.</summary>
    public const int GuestFault = 4;
    /// <summary>An internal error: a bug of the tool (the message says so).</summary>
    public const int InternalError = 5;
    /// <summary>Interrupted (Ctrl-C): what finished is printed, nothing interrupted is reported as passed or proved.</summary>
    public const int Interrupted = 130;

    /// <summary>The line every --help ends with.</summary>
    public const string Help =
        "Exit codes: 0 passed/proved/related, 1 counterexample/refuted/unrelated, 2 bad input, 3 inconclusive (a lemma UNKNOWN), " +
        "4 guest fault, 5 internal error (a bug of vmxlayers), 130 interrupted (Ctrl-C).";
}
