namespace VmxLayers.Smt.Solvers;

/// <summary>The solvers: Z3 in-process through libz3, or the z3 and cvc5 executables.</summary>
public enum SolverKind { Libz3, Z3, Cvc5 }

/// <summary>Creates solvers by kind (named "libz3", "z3", "cvc5" on the command line) and says whether one can run here.</summary>
public static class SolverFactory
{
    public static readonly IReadOnlyList<string> Names = ["libz3", "z3", "cvc5"];

    /// <summary>The command-line name of a solver.</summary>
    public static string NameOf(SolverKind kind) => Names[(int)kind];

    /// <summary>Exact names only.</summary>
    public static bool TryParse(string name, out SolverKind kind)
    {
        int k = Names.ToList().IndexOf(name);
        kind = (SolverKind)Math.Max(k, 0);
        return k >= 0;
    }

    /// <summary>A solver whose queries <paramref name="cancel"/> interrupts (they then throw OperationCanceledException).</summary>
    public static ISmtSolver Create(SolverKind kind, CancellationToken cancel = default) => kind switch
    {
        SolverKind.Libz3 => new Libz3Solver(cancel),
        SolverKind.Z3 => new ProcessSolver(SolverDialect.Z3, cancel),
        SolverKind.Cvc5 => new ProcessSolver(SolverDialect.Cvc5, cancel),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown solver"),
    };

    /// <summary>Creates a solver by its command-line name.</summary>
    public static ISmtSolver Create(string name, CancellationToken cancel = default) =>
        TryParse(name, out var kind) ? Create(kind, cancel) : throw new ArgumentException($"unknown solver '{name}' (expected one of: {string.Join(", ", Names)})", nameof(name));

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
