namespace VmxLayers.Code.Executor;

/// <summary>
/// The code has no behaviour here (CompCert's "goes wrong"): an undefined condition or address, a failed load or
/// store, a failed underlay primitive, a jump into nowhere, the step bound. The message is one line.
/// </summary>
public sealed class CodeFailure(string message) : Exception(message);
