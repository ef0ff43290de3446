namespace VmxLayers.Semantics;

/// <summary>
/// A persistent array stored in chunks of 8: <see cref="Set"/> copies the chunk table and one chunk instead of
/// the whole array, so per-CPU and per-block tables cost O(n/8 + 8) per update, not O(n). Unchanged chunks are
/// shared, which lets a checker find what changed by reference comparison (<see cref="SameChunk"/>).
/// </summary>
internal readonly struct ChunkedArray<T>
{
    public const int ChunkBits = 3, ChunkSize = 1 << ChunkBits, ChunkMask = ChunkSize - 1;

    readonly T[][] chunks;

    ChunkedArray(T[][] chunks, int length) { this.chunks = chunks; Length = length; }

    public int Length { get; }

    public int ChunkCount => chunks.Length;

    public static ChunkedArray<T> From(ReadOnlySpan<T> items)
    {
        var chunks = new T[(items.Length + ChunkMask) >> ChunkBits][];
        for (int k = 0; k < chunks.Length; k++)
            chunks[k] = items.Slice(k << ChunkBits, Math.Min(ChunkSize, items.Length - (k << ChunkBits))).ToArray();
        return new ChunkedArray<T>(chunks, items.Length);
    }

    public T this[int i] => chunks[i >> ChunkBits][i & ChunkMask];

    public ChunkedArray<T> Set(int i, T value)
    {
        var table = chunks.AsSpan().ToArray();
        var chunk = chunks[i >> ChunkBits].AsSpan().ToArray();
        chunk[i & ChunkMask] = value;
        table[i >> ChunkBits] = chunk;
        return new ChunkedArray<T>(table, Length);
    }

    public ChunkedArray<T> Append(T value)
    {
        int k = Length >> ChunkBits;
        T[][] table;
        if (k == chunks.Length) { table = new T[k + 1][]; chunks.CopyTo(table, 0); table[k] = [value]; }
        else
        {
            table = chunks.AsSpan().ToArray();
            var chunk = new T[(Length & ChunkMask) + 1];
            chunks[k].CopyTo(chunk, 0);
            chunk[^1] = value;
            table[k] = chunk;
        }
        return new ChunkedArray<T>(table, Length + 1);
    }

    /// <summary>A copy that shares no storage with this one (for <see cref="SetInPlace"/>).</summary>
    public ChunkedArray<T> Owned()
    {
        var table = new T[chunks.Length][];
        for (int k = 0; k < table.Length; k++) table[k] = chunks[k].AsSpan().ToArray();
        return new ChunkedArray<T>(table, Length);
    }

    /// <summary>Writes element i in place: only on storage from <see cref="Owned"/> that nothing else shares.</summary>
    public void SetInPlace(int i, T value) => chunks[i >> ChunkBits][i & ChunkMask] = value;

    /// <summary>Whether chunk k (elements 8k..8k+7) is the very same object in both arrays.</summary>
    public bool SameChunk(ChunkedArray<T> other, int k) => ReferenceEquals(chunks[k], other.chunks[k]);

    public static readonly ChunkedArray<T> Empty = new([], 0);
}
