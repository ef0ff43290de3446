namespace VmxLayers.Smt.Solvers;

/// <summary>The answer of a (check-sat).</summary>
public enum SatResult { Sat, Unsat, Unknown }

/// <summary>Outcome of one query. Values: for each requested term (in request order) its value as an s-expression.</summary>
public sealed record SolverOutcome(
    SatResult Result,
    IReadOnlyList<(string Term, SExpr Value)> Values,
    string? ReasonUnknown,
    TimeSpan Time,
    long? Resources,
    string Solver)
{
    /// <summary>The value of a requested term (by its exact request text), or null.</summary>
    public SExpr? ValueOf(string term) => Values.FirstOrDefault(v => v.Term == term).Value;
}

/// <summary>One SMT solver. Every Check is independent: no state carries over between queries.</summary>
public interface ISmtSolver : IDisposable
{
    string Name { get; }

    /// <summary>
    /// script: declarations and assertions in SMT-LIB2, WITHOUT (check-sat). The solver adds its resource
    /// budget (rlimit; 0 or less means none), runs (check-sat) and, when sat, (get-value (t1 t2 ...)) for valueTerms.
    /// </summary>
    SolverOutcome Check(string script, long rlimit, IReadOnlyList<string> valueTerms);
}

/// <summary>A malformed query or a solver failure; the message carries the solver's own error text.</summary>
public sealed class SolverException(string message, Exception? inner = null) : Exception(message, inner);
