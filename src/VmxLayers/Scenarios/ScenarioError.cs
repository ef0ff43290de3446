using VmxLayers.Io;

namespace VmxLayers.Scenarios;

/// <summary>Bad scenario input: where (a JSON path such as $.steps[3].args[1]) and what was expected; control characters in echoed keys are escaped.</summary>
public sealed class ScenarioError(string path, string message) : Exception($"{Printable.OneLine(path)}: {Printable.OneLine(message)}")
{
    public string JsonPath { get; } = Printable.OneLine(path);
    public string Expected { get; } = Printable.OneLine(message);

    /// <summary>The one-line report: "FILE: PATH: message".</summary>
    public string Format(string file) => $"{Printable.OneLine(file)}: {JsonPath}: {Expected}";
}
