using VmxLayers.Smt.Solvers;

namespace VmxLayers.Tests.Smt;

/// <summary>A theory skipped, with the factory's reason, when the solver cannot run here.</summary>
public sealed class SolverTheoryAttribute : TheoryAttribute
{
    public SolverTheoryAttribute(params string[] solvers)
    {
        foreach (var solver in solvers)
            if (!SolverFactory.IsAvailable(solver, out var why)) { Skip = $"{solver} unavailable: {why}"; return; }
    }
}
