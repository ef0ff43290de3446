namespace VmxLayers.Scenarios;

/// <summary>Bad scenario input: where (a JSON path such as $.steps[3].args[1]) and what was expected.</summary>
public sealed class ScenarioError(string path, string message) : Exception($"{path}: {message}")
{
    public string JsonPath { get; } = path;
    public string Expected { get; } = message;

    /// <summary>The one-line report: "FILE: PATH: message".</summary>
    public string Format(string file) => $"{file}: {JsonPath}: {Expected}";
}
