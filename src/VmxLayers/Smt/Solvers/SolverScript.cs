using System.Globalization;

namespace VmxLayers.Smt.Solvers;

/// <summary>The SMT-LIB2 text both solver kinds send and the answers they parse.</summary>
static class SolverScript
{
    /// <summary>Z3's deterministic budget; 0 means unlimited and resets whatever an earlier query set.</summary>
    public static string RlimitOption(long rlimit, long max) =>
        $"(set-option :rlimit {Math.Clamp(rlimit, 0, max).ToString(CultureInfo.InvariantCulture)})";

    public static string GetValue(IReadOnlyList<string> terms) => "(get-value (" + string.Join(" ", terms) + "))";

    public static SatResult ParseResult(string output, string solver) => output.Trim() switch
    {
        "sat" => SatResult.Sat,
        "unsat" => SatResult.Unsat,
        "unknown" => SatResult.Unknown,
        var other => throw new SolverException($"{solver}: expected sat, unsat or unknown after (check-sat), got '{other}'"),
    };

    /// <summary>Pairs a get-value answer <c>((t1 v1) (t2 v2) ...)</c> with the requested terms, in order.</summary>
    public static IReadOnlyList<(string Term, SExpr Value)> ParseValues(string output, IReadOnlyList<string> terms, string solver)
    {
        SExpr parsed;
        try { parsed = SExpr.Parse(output); }
        catch (FormatException e) { throw new SolverException($"{solver}: unreadable get-value answer '{output.Trim()}': {e.Message}", e); }
        var pairs = parsed.Elements;
        if (parsed is not SExpr.List || pairs.Length != terms.Count || pairs.Any(p => p.Elements.Length != 2))
            throw new SolverException($"{solver}: get-value answer does not pair {terms.Count} term(s): '{output.Trim()}'");
        return [.. terms.Select((t, i) => (t, pairs[i].Elements[1]))];
    }

    /// <summary>The value of a get-info answer <c>(:key value)</c>, string quotes removed; null if absent.</summary>
    public static string? ParseInfo(string output)
    {
        try
        {
            return SExpr.Parse(output) is SExpr.List { Items: [_, SExpr.Atom { Text: var v }, ..] } ? Unquote(v) : null;
        }
        catch (FormatException) { return null; }
    }

    public static long? ParseLong(string? s) =>
        long.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null;

    /// <summary>The text of the first <c>(error "...")</c> in a solver's output, or null.</summary>
    public static string? FirstError(string output)
    {
        if (!output.Contains("(error", StringComparison.Ordinal)) return null;
        try
        {
            foreach (var e in SExpr.ParseMany(output))
                if (e is SExpr.List { Items: [SExpr.Atom { Text: "error" }, SExpr.Atom { Text: var msg }] }) return Unquote(msg);
        }
        catch (FormatException) { }
        return output.Trim();
    }

    /// <summary>An SMT-LIB string literal's contents (doubled quotes undone); other atoms unchanged.</summary>
    public static string Unquote(string atom) =>
        atom.Length >= 2 && atom[0] == '"' && atom[^1] == '"' ? atom[1..^1].Replace("\"\"", "\"", StringComparison.Ordinal) : atom;

    public static string Join(string a, string b) =>
        string.Join(": ", new[] { a.Trim(), b.Trim() }.Where(s => s.Length > 0).Distinct());
}
