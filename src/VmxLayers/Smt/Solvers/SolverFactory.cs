namespace VmxLayers.Smt.Solvers;

/// <summary>Creates solvers by name ("libz3", "z3", "cvc5") and says whether one can run here.</summary>
public static class SolverFactory
{
    public static readonly IReadOnlyList<string> Names = ["libz3", "z3", "cvc5"];

    /// <summary>A solver whose queries <paramref name="cancel"/> interrupts (they then throw OperationCanceledException).</summary>
    public static ISmtSolver Create(string name, CancellationToken cancel = default) => name switch
    {
        "libz3" => new Libz3Solver(cancel),
        "z3" => new ProcessSolver(SolverDialect.Z3, cancel),
        "cvc5" => new ProcessSolver(SolverDialect.Cvc5, cancel),
        _ => throw new ArgumentException($"unknown solver '{name}' (expected one of: {string.Join(", ", Names)})", nameof(name)),
    };

    /// <summary>Whether the solver can run on this machine; if not, why names the missing piece and how to get it.</summary>
    public static bool IsAvailable(string name, out string? why)
    {
        why = WhyUnavailable(name, Environment.GetEnvironmentVariable("PATH"));
        return why is null;
    }

    /// <summary>Null when the solver can run with this PATH value; otherwise the reason.</summary>
    internal static string? WhyUnavailable(string name, string? pathVariable) => name switch
    {
        "libz3" => Libz3Missing(),
        "z3" => ExecutableMissing("z3", "apt-get install z3", pathVariable),
        "cvc5" => ExecutableMissing("cvc5", "apt-get install cvc5 (Debian 12 ships cvc5 1.0.3)", pathVariable),
        _ => $"unknown solver '{name}' (expected one of: {string.Join(", ", Names)})",
    };

    static string? Libz3Missing()
    {
        try
        {
            _ = Libz3Solver.Version();
            return null;
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return $"libz3.so.4 cannot be loaded ({e.Message}); install: apt-get install libz3-4";
        }
    }

    static string? ExecutableMissing(string exe, string install, string? pathVariable) =>
        FindOnPath(exe, pathVariable) is null ? $"'{exe}' not found on PATH; install: {install}" : null;

    /// <summary>The full path of an executable in a PATH-style directory list, or null.</summary>
    public static string? FindOnPath(string exe, string? pathVariable) =>
        (pathVariable ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, exe))
            .FirstOrDefault(File.Exists);
}
