namespace VmxLayers.Semantics;

/// <summary>
/// A persistent radix tree of packed memvals indexed from 0: a write copies only the path to the
/// touched leaves, so a store never copies unrelated memory. Missing subtrees read as Undef (0).
/// </summary>
internal sealed class CellTrie
{
    const int Bits = 3, Fanout = 1 << Bits, Mask = Fanout - 1;

    readonly object? root;   // level 0: ulong[Fanout]; level > 0: object?[Fanout]
    readonly int levels;     // number of internal levels above the leaves

    CellTrie(object? root, int levels) { this.root = root; this.levels = levels; }

    /// <summary>An all-Undef trie able to hold `capacity` cells.</summary>
    public static CellTrie Empty(long capacity)
    {
        int levels = 0;
        long span = Fanout;
        while (span < capacity) { span <<= Bits; levels++; }
        return new CellTrie(null, levels);
    }

    public ulong Get(long index)
    {
        object? node = root;
        for (int level = levels; level > 0; level--)
        {
            if (node is null) return 0;
            node = ((object?[])node)[(index >> (Bits * level)) & Mask];
        }
        return node is null ? 0 : ((ulong[])node)[index & Mask];
    }

    public void Read(long start, Span<ulong> dst)
    {
        for (int i = 0; i < dst.Length; i++) dst[i] = Get(start + i);
    }

    public CellTrie Write(long start, ReadOnlySpan<ulong> cells)
    {
        if (cells.IsEmpty) return this;
        return new CellTrie(WriteNode(root, levels, 0, start, cells), levels);
    }

    static object WriteNode(object? node, int level, long nodeBase, long start, ReadOnlySpan<ulong> cells)
    {
        if (level == 0)
        {
            var leaf = node is null ? new ulong[Fanout] : ((ulong[])node).AsSpan().ToArray();   // span copy: cheaper than Clone
            long from = Math.Max(start, nodeBase), to = Math.Min(start + cells.Length, nodeBase + Fanout);
            for (long i = from; i < to; i++) leaf[i - nodeBase] = cells[(int)(i - start)];
            return leaf;
        }
        var copy = node is null ? new object?[Fanout] : ((object?[])node).AsSpan().ToArray();
        long childSpan = 1L << (Bits * level);
        long end = start + cells.Length;
        for (int k = 0; k < Fanout; k++)
        {
            long childBase = nodeBase + k * childSpan;
            if (childBase + childSpan <= start || childBase >= end) continue;
            copy[k] = WriteNode(copy[k], level - 1, childBase, start, cells);
        }
        return copy;
    }

    /// <summary>
    /// Appends to `changed` the index of every cell that differs between two tries of the same shape, walking
    /// only subtrees that are not shared (a persistent store copies just its path, so this costs O(touched paths)).
    /// </summary>
    internal static void Diff(CellTrie a, CellTrie b, List<long> changed)
    {
        if (a.levels != b.levels) throw new ArgumentException("tries of different shapes");
        DiffNode(a.root, b.root, a.levels, 0, changed);
    }

    static void DiffNode(object? x, object? y, int level, long nodeBase, List<long> changed)
    {
        if (ReferenceEquals(x, y)) return;
        if (level == 0)
        {
            var lx = x as ulong[]; var ly = y as ulong[];
            for (int k = 0; k < Fanout; k++)
                if ((lx?[k] ?? 0) != (ly?[k] ?? 0)) changed.Add(nodeBase + k);
            return;
        }
        var nx = x as object?[]; var ny = y as object?[];
        long childSpan = 1L << (Bits * level);
        for (int k = 0; k < Fanout; k++)
            DiffNode(nx?[k], ny?[k], level - 1, nodeBase + k * childSpan, changed);
    }
}
