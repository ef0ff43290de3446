using System.Text.Json.Nodes;
using VmxLayers.Cosim;

namespace VmxLayers.Cli.Output;

/// <summary>
/// A co-simulation's progress over time (seconds, exits, checked calls), for the report's rate plot: sampled every
/// <see cref="Interval"/>, at most <see cref="MaxSamples"/> kept however long the run (when full, every other sample
/// is dropped and the spacing doubles).
/// </summary>
public sealed class SimulationTimeline
{
    public static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(50);
    const int MaxSamples = 256;

    readonly List<SimulationProgress> samples = [];
    TimeSpan spacing = Interval;

    public void Add(SimulationProgress p)
    {
        if (samples.Count > 0 && p.Elapsed - samples[^1].Elapsed < spacing && p.ActiveCpus > 0) return;
        samples.Add(p);
        if (samples.Count < MaxSamples) return;
        var kept = samples.Where((_, i) => i % 2 == 0).ToList();
        samples.Clear();
        samples.AddRange(kept);
        spacing *= 2;
    }

    /// <summary>[{"seconds", "exits", "calls"}, …] from the start (0, 0, 0).</summary>
    public JsonArray Json() =>
        [new JsonObject { ["seconds"] = 0.0, ["exits"] = 0L, ["calls"] = 0L },
         .. samples.Select(p => (JsonNode)new JsonObject { ["seconds"] = Math.Round(p.Elapsed.TotalSeconds, 4), ["exits"] = p.Exits, ["calls"] = p.PrimitiveCalls })];
}
