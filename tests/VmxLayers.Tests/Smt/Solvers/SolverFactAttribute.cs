using VmxLayers.Smt.Solvers;

namespace VmxLayers.Tests.Smt.Solvers;

/// <summary>A fact that is reported as skipped, with the factory's reason, when the solver cannot run here.</summary>
public sealed class SolverFactAttribute : FactAttribute
{
    public SolverFactAttribute(string solver)
    {
        if (!SolverFactory.IsAvailable(solver, out var why)) Skip = $"{solver} unavailable: {why}";
    }
}
