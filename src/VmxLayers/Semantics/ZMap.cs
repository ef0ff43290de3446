using System.Collections.Immutable;

namespace VmxLayers.Semantics;

/// <summary>CompCert's ZMap: a total map over the integers with a default; set never changes the default.</summary>
public sealed class ZMap<T>
{
    readonly ImmutableDictionary<long, T> entries;

    ZMap(T defaultValue, ImmutableDictionary<long, T> entries) { Default = defaultValue; this.entries = entries; }

    public T Default { get; }

    public static ZMap<T> Init(T defaultValue) => new(defaultValue, ImmutableDictionary<long, T>.Empty);

    public T Get(long key) => entries.TryGetValue(key, out var v) ? v : Default;

    public T this[long key] => Get(key);

    public ZMap<T> Set(long key, T value) => new(Default, entries.SetItem(key, value));

    /// <summary>The keys that were ever set (their value may equal the default).</summary>
    public IEnumerable<long> SetKeys => entries.Keys;
}
