using VmxLayers.Semantics;

namespace VmxLayers.Spec.Concrete;

/// <summary>
/// A persistent fixed-length array of values stored in chunks of 8, with the last few writes kept as a chain on
/// top: a write adds one small node instead of copying the chunk table and a chunk (≈ 300 bytes for a VMCS), and
/// every <see cref="MaxWrites"/> writes are folded into the chunks at once. Unchanged chunks are shared, so
/// <see cref="Changed"/> finds the differing indices from the chains and by reference comparison of chunks.
/// </summary>
internal readonly struct ValChunks : IEquatable<ValChunks>
{
    const int Bits = 3, Size = 1 << Bits, Mask = Size - 1;
    const int MaxWrites = 8;

    /// <summary>One write on top of the chunks (or of older writes); immutable.</summary>
    sealed class Write(Write? next, int index, Val value)
    {
        public readonly Write? Next = next;
        public readonly int Index = index;
        public readonly Val Value = value;
        public readonly int Count = (next?.Count ?? 0) + 1;
    }

    readonly Val[][] chunks;
    readonly Write? writes;   // newest first; null: the chunks alone

    ValChunks(Val[][] chunks, Write? writes, int length) { this.chunks = chunks; this.writes = writes; Length = length; }

    public int Length { get; }

    public static ValChunks From(ReadOnlySpan<Val> items)
    {
        var chunks = new Val[(items.Length + Mask) >> Bits][];
        for (int k = 0; k < chunks.Length; k++)
            chunks[k] = items.Slice(k << Bits, Math.Min(Size, items.Length - (k << Bits))).ToArray();
        return new ValChunks(chunks, null, items.Length);
    }

    public Val this[int i]
    {
        get
        {
            for (var w = writes; w is not null; w = w.Next)
                if (w.Index == i) return w.Value;
            return chunks[i >> Bits][i & Mask];
        }
    }

    public ValChunks Set(int i, Val v)
    {
        if (this[i] == v) return this;   // nothing changes: share everything (keeps the incremental diff empty)
        var next = new ValChunks(chunks, new Write(writes, i, v), Length);
        return next.writes!.Count >= MaxWrites ? next.Folded([]) : next;
    }

    /// <summary>Several writes in order, like repeated <see cref="Set"/>.</summary>
    public ValChunks SetMany(ReadOnlySpan<(int Index, Val Value)> updates)
    {
        if ((writes?.Count ?? 0) + updates.Length >= MaxWrites) return Folded(updates);
        var result = this;
        foreach (var (i, v) in updates) result = result.Set(i, v);
        return result;
    }

    /// <summary>
    /// The chain and then `updates` written into fresh copies of the touched chunks (the table copied once, each
    /// touched chunk once); no chain left. Returns this when nothing changes.
    /// </summary>
    public ValChunks Folded(ReadOnlySpan<(int Index, Val Value)> updates)
    {
        Span<(int, Val)> pending = stackalloc (int, Val)[(writes?.Count ?? 0) + updates.Length];
        int n = 0;
        for (var w = writes; w is not null; w = w.Next) pending[n++] = (w.Index, w.Value);
        pending[..n].Reverse();   // oldest first: a later write of the same index wins
        foreach (var u in updates) pending[n++] = u;
        Val[][]? table = null;
        Span<bool> copied = stackalloc bool[chunks.Length];
        foreach (var (i, v) in pending[..n])
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
        return table is null ? (writes is null ? this : new ValChunks(chunks, null, Length)) : new ValChunks(table, null, Length);
    }

    /// <summary>The same values in fresh chunks with no chain (for <see cref="SetInPlace"/>).</summary>
    public ValChunks Owned()
    {
        var items = new Val[Length];
        for (int i = 0; i < Length; i++) items[i] = this[i];
        return From(items);
    }

    /// <summary>Writes index i in place: only on an array from <see cref="Owned"/> that nothing else shares.</summary>
    public void SetInPlace(int i, Val v)
    {
        if (writes is not null) throw new InvalidOperationException("ValChunks.SetInPlace on an array with a write chain");
        chunks[i >> Bits][i & Mask] = v;
    }

    /// <summary>Whether both are the very same storage (nothing was written in between).</summary>
    public bool Same(ValChunks other) => ReferenceEquals(chunks, other.chunks) && ReferenceEquals(writes, other.writes);

    /// <summary>Identity of the storage, like the ImmutableArray this replaces (records compare it).</summary>
    public bool Equals(ValChunks other) => Same(other);
    public override bool Equals(object? obj) => obj is ValChunks o && Same(o);
    public override int GetHashCode() => HashCode.Combine(System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(chunks),
        writes is null ? 0 : System.Runtime.CompilerServices.RuntimeHelpers.GetHashCode(writes));

    /// <summary>
    /// Appends, once each, every index whose value differs between two arrays of the same length: those written on
    /// either chain, and those of chunks that are not shared.
    /// </summary>
    public static void Changed(ValChunks a, ValChunks b, List<int> changed)
    {
        if (a.Same(b)) return;
        int start = changed.Count;
        if (ReferenceEquals(a.chunks, b.chunks) && b.Extends(a.writes))
        {
            // the common case, a step's before and after: only the writes b adds can differ, and the first write of
            // an index met from the top is its value in b
            Span<bool> seen = a.Length <= 256 ? stackalloc bool[a.Length] : new bool[a.Length];
            for (var w = b.writes; !ReferenceEquals(w, a.writes); w = w!.Next)
            {
                if (seen[w!.Index]) continue;
                seen[w.Index] = true;
                if (a[w.Index] != w.Value) changed.Add(w.Index);
            }
            if (changed.Count - start > 1) changed.Sort(start, changed.Count - start, Comparer<int>.Default);
            return;
        }
        if (!ReferenceEquals(a.chunks, b.chunks))
            for (int k = 0; k < a.chunks.Length; k++)
            {
                Val[] x = a.chunks[k], y = b.chunks[k];
                if (ReferenceEquals(x, y)) continue;
                for (int j = 0; j < x.Length; j++)
                    if (x[j] != y[j] || a.writes is not null || b.writes is not null) AddIfDiffers(a, b, (k << Bits) + j, changed, start);
            }
        for (var w = a.writes; w is not null; w = w.Next) AddIfDiffers(a, b, w.Index, changed, start);
        for (var w = b.writes; w is not null; w = w.Next) AddIfDiffers(a, b, w.Index, changed, start);
        changed.Sort(start, changed.Count - start, Comparer<int>.Default);
    }

    /// <summary>Whether `older` is on this array's chain (null: the bare chunks, always below).</summary>
    bool Extends(Write? older)
    {
        for (var w = writes; w is not null; w = w.Next) if (ReferenceEquals(w, older)) return true;
        return older is null;
    }

    static void AddIfDiffers(ValChunks a, ValChunks b, int i, List<int> changed, int start)
    {
        if (a[i] != b[i] && changed.IndexOf(i, start) < 0) changed.Add(i);
    }
}
