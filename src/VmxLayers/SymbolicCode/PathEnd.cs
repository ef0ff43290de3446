namespace VmxLayers.SymbolicCode;

/// <summary>How a path of the symbolic execution ended early.</summary>
enum PathEndKind
{
    /// <summary>The code has no behaviour here (the concrete executor fails too): the path's condition must be unreachable.</summary>
    Failure,
    /// <summary>The executor stops exploring (step bound, a form it does not model): unknown, never a counterexample.</summary>
    Limit,
}

/// <summary>Ends the current path: a failure of the code, or a limit of the symbolic executor.</summary>
sealed class PathEnd(PathEndKind kind, string message) : Exception(message)
{
    public PathEndKind Kind { get; } = kind;

    public static PathEnd Fail(string why) => new(PathEndKind.Failure, why);
    public static PathEnd Limit(string why) => new(PathEndKind.Limit, why);
}
