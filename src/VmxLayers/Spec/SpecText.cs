using System.Collections.Concurrent;

namespace VmxLayers.Spec;

/// <summary>
/// Failure texts of the specs, built once instead of on every call: the concrete domain runs the specs
/// millions of times (co-simulation), and an interpolated message is formatted even when the guard holds.
/// </summary>
public static class SpecText
{
    static readonly ConcurrentDictionary<(string Op, string Field, string Tail), string> cache = new();

    /// <summary>One text per VMX slot.</summary>
    public static string[] PerSlot(Func<int, string> text) => [.. Enumerable.Range(0, Layers.VmxSlots.Size).Select(text)];

    /// <summary>op + "(" + field + ")" + rest, cached.</summary>
    public static string Of(string op, string field, string rest) =>
        cache.GetOrAdd((op, field, rest), k => $"{k.Op}({k.Field}){k.Tail}");
}
