using VmxLayers.Cases;
using VmxLayers.Scenarios;

namespace VmxLayers.Cli.Output;

/// <summary>`--save-counterexample FILE`: the path is checked before any work starts; the case is written atomically as a replayable scenario.</summary>
public static class CounterexampleFile
{
    /// <summary>Null when FILE can be written, else the one-line reason ("--save-counterexample FILE: is a directory").</summary>
    public static string? Check(string? path) =>
        path is null || AtomicFile.WhyNotWritable(path) is not { } why ? null : $"--save-counterexample {path}: {why}";

    /// <summary>Writes the case; null on success, else the error line (the result is still printed, the exit code is the result's).</summary>
    public static string? Save(string path, ConcreteCase c, string? mutant) =>
        AtomicFile.Write(path, ScenarioWriter.FromCase(c, mutant: mutant) + Environment.NewLine) is { } why
            ? $"--save-counterexample {path}: cannot write the counterexample: {why}" : null;
}
