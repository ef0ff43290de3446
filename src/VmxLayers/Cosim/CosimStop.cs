namespace VmxLayers.Cosim;

/// <summary>Unwinds the run at the first failure (carried to the report).</summary>
internal sealed class CosimStop(SimulationFailure failure) : Exception(failure.ToString())
{
    public SimulationFailure Failure { get; } = failure;
}
