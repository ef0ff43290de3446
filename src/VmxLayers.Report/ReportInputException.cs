namespace VmxLayers.Report;

/// <summary>A document the report cannot be built from: the JSON path and what was expected there.</summary>
public sealed class ReportInputException(string message) : Exception(message);
