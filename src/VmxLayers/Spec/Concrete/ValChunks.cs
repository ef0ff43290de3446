using VmxLayers.Semantics;

namespace VmxLayers.Spec.Concrete;

/// <summary>
/// A persistent fixed-length array of values stored in chunks of 8: a write copies the chunk table and one
/// chunk (≈ 300 bytes for a VMCS, ≈ 200 for a save area) instead of the whole array, and unchanged chunks are
/// shared, so <see cref="Changed"/> finds the differing indices by reference comparison first.
/// </summary>
internal readonly struct ValChunks : IEquatable<ValChunks>
{
    const int Bits = 3, Size = 1 << Bits, Mask = Size - 1;

    readonly Val[][] chunks;

    ValChunks(Val[][] chunks, int length) { this.chunks = chunks; Length = length; }

    public int Length { get; }

    public static ValChunks From(ReadOnlySpan<Val> items)
    {
        var chunks = new Val[(items.Length + Mask) >> Bits][];
        for (int k = 0; k < chunks.Length; k++)
            chunks[k] = items.Slice(k << Bits, Math.Min(Size, items.Length - (k << Bits))).ToArray();
        return new ValChunks(chunks, items.Length);
    }

    public Val this[int i] => chunks[i >> Bits][i & Mask];

    public ValChunks Set(int i, Val v)
    {
        var chunk = chunks[i >> Bits];
        if (chunk[i & Mask] == v) return this;   // nothing changes: share everything (keeps the incremental diff empty)
        var table = chunks.AsSpan().ToArray();
        chunk = chunk.AsSpan().ToArray();
        chunk[i & Mask] = v;
        table[i >> Bits] = chunk;
        return new ValChunks(table, Length);
    }

    /// <summary>Several writes in order, copying the table once and each touched chunk once.</summary>
    public ValChunks SetMany(ReadOnlySpan<(int Index, Val Value)> updates)
    {
        Val[][]? table = null;
        Span<bool> copied = stackalloc bool[chunks.Length];
        foreach (var (i, v) in updates)
        {
            int k = i >> Bits;
            if (!copied[k])
            {
                if ((table ?? chunks)[k][i & Mask] == v) continue;
                table ??= chunks.AsSpan().ToArray();
                table[k] = table[k].AsSpan().ToArray();
                copied[k] = true;
            }
            table![k][i & Mask] = v;
        }
        return table is null ? this : new ValChunks(table, Length);
    }

    /// <summary>Whether both are the very same storage (nothing was written in between).</summary>
    public bool Same(ValChunks other) => ReferenceEquals(chunks, other.chunks);

    /// <summary>Identity of the storage, like the ImmutableArray this replaces (records compare it).</summary>
    public bool Equals(ValChunks other) => Same(other);
    public override bool Equals(object? obj) => obj is ValChunks o && Same(o);
    public override int GetHashCode() => System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(chunks);

    /// <summary>Appends every index whose value differs between two arrays of the same length; shared chunks are skipped.</summary>
    public static void Changed(ValChunks a, ValChunks b, List<int> changed)
    {
        if (ReferenceEquals(a.chunks, b.chunks)) return;
        for (int k = 0; k < a.chunks.Length; k++)
        {
            Val[] x = a.chunks[k], y = b.chunks[k];
            if (ReferenceEquals(x, y)) continue;
            for (int j = 0; j < x.Length; j++)
                if (x[j] != y[j]) changed.Add((k << Bits) + j);
        }
    }
}
