using System.Runtime.CompilerServices;

namespace VmxLayers.Semantics;

/// <summary>
/// A persistent radix tree of packed memvals indexed from 0: a write copies only the path to the
/// touched leaves, so a store never copies unrelated memory and older tries stay valid. Missing
/// subtrees read as Undef (0). The root is only as wide as the capacity needs (a 1216-byte block has
/// a 3-slot root), which keeps a path copy small.
/// </summary>
internal readonly struct CellTrie
{
    const int Bits = 3, Fanout = 1 << Bits, Mask = Fanout - 1;

    // Inner nodes are object?[] and leaves CellLeaf; nothing else is ever stored, which is why the
    // casts below can be Unsafe.As (a checked cast to a covariant array type costs a helper call).
    readonly object? root;
    readonly int levels;      // number of inner levels above the leaves
    readonly int rootLength;  // slots of the root node (≤ MaxRoot)

    CellTrie(object? root, int levels, int rootLength) { this.root = root; this.levels = levels; this.rootLength = rootLength; }

    /// <summary>The root node (null: all Undef); with <see cref="WithRoot"/> it lets a memory keep one shape per block and only roots per store.</summary>
    public object? Root => root;

    /// <summary>The same geometry with another root.</summary>
    public CellTrie WithRoot(object? newRoot) => new(newRoot, levels, rootLength);

    /// <summary>The widest root: up to 16 children, so a 608-byte VMX_LOC needs two inner levels, not three.</summary>
    const int MaxRoot = 16;

    /// <summary>An all-Undef trie able to hold `capacity` cells.</summary>
    public static CellTrie Empty(long capacity)
    {
        if (capacity <= Fanout) return new CellTrie(null, 0, Fanout);
        int levels = 1;   // the root at level L has children of 8^L cells each
        while (((long)MaxRoot << (Bits * levels)) < capacity) levels++;
        long child = 1L << (Bits * levels);
        return new CellTrie(null, levels, (int)((capacity + child - 1) / child));
    }

    /// <summary>The child slot of `index` in a node at `level`: the root's may exceed 8 (indices stay below capacity).</summary>
    int ChildSlot(long index, int level) =>
        level == levels ? (int)(index >> (Bits * level)) : (int)((index >> (Bits * level)) & Mask);

    public ulong Get(long index)
    {
        object? node = root;
        for (int level = levels; level > 0; level--)
        {
            if (node is null) return 0;
            node = Unsafe.As<object?[]>(node)[ChildSlot(index, level)];
        }
        return node is null ? 0 : Unsafe.As<CellLeaf>(node).Get((int)(index & Mask));
    }

    /// <summary>The leaf holding `index`, or null if that part of the trie was never written.</summary>
    CellLeaf? Leaf(long index)
    {
        object? node = root;
        for (int level = levels; level > 0 && node is not null; level--)
            node = Unsafe.As<object?[]>(node)[ChildSlot(index, level)];
        return Unsafe.As<CellLeaf?>(node);
    }

    /// <summary>Cells start..start+3 as a little-endian word when they are four bytes in one leaf.</summary>
    public bool TryReadWord(long start, out uint word)
    {
        word = 0;
        return SameLeaf(start, 4) && Leaf(start) is { } leaf && leaf.TryReadWord((int)(start & Mask), out word);
    }

    public void Read(long start, Span<ulong> dst)
    {
        if (dst.IsEmpty) return;
        if (SameLeaf(start, dst.Length))
        {
            if (Leaf(start) is { } leaf) leaf.Read((int)(start & Mask), dst);
            else dst.Clear();
            return;
        }
        for (int i = 0; i < dst.Length; i++) dst[i] = Get(start + i);
    }

    public CellTrie Write(long start, ReadOnlySpan<ulong> cells)
    {
        if (cells.IsEmpty) return this;
        var newRoot = SameLeaf(start, cells.Length)
            ? WritePath(root, levels, start, cells)
            : WriteNode(root, levels, 0, start, cells);
        return new CellTrie(newRoot, levels, rootLength);
    }

    /// <summary>A copy of the nodes of this trie that shares none of them (for <see cref="WriteInPlace"/>).</summary>
    public CellTrie Owned() => new(CopyDeep(root, levels), levels, rootLength);

    static object? CopyDeep(object? node, int level)
    {
        if (node is null) return null;
        if (level == 0) return Unsafe.As<CellLeaf>(node).Clone();
        var copy = Unsafe.As<object?[]>(node).AsSpan().ToArray();
        for (int k = 0; k < copy.Length; k++) copy[k] = CopyDeep(copy[k], level - 1);
        return copy;
    }

    /// <summary>
    /// Writes `cells` into this trie's own nodes (a trie from <see cref="Owned"/> that nothing else shares), creating
    /// missing ones; returns the trie, whose root is new only if it was empty. Same cells as <see cref="Write"/>.
    /// </summary>
    public CellTrie WriteInPlace(long start, ReadOnlySpan<ulong> cells)
    {
        var top = root;
        for (int k = 0; k < cells.Length; )
        {
            long index = start + k;
            int n = Math.Min(cells.Length - k, Fanout - (int)(index & Mask));   // the rest of this leaf
            top = WriteLeafInPlace(top, index, cells.Slice(k, n));
            k += n;
        }
        return ReferenceEquals(top, root) ? this : new CellTrie(top, levels, rootLength);
    }

    object WriteLeafInPlace(object? top, long index, ReadOnlySpan<ulong> cells)
    {
        if (levels == 0)
        {
            if (top is null) return CellLeaf.With(null, (int)(index & Mask), cells);
            Unsafe.As<CellLeaf>(top).WriteInPlace((int)(index & Mask), cells);
            return top;
        }
        var node = Unsafe.As<object?[]?>(top) ?? new object?[rootLength];
        var parent = node;
        for (int level = levels; level > 1; level--)
        {
            int k = ChildSlot(index, level);
            parent = Unsafe.As<object?[]?>(parent[k]) ?? (object?[])(parent[k] = new object?[Fanout]);
        }
        int slot = ChildSlot(index, 1);
        if (parent[slot] is CellLeaf leaf) leaf.WriteInPlace((int)(index & Mask), cells);
        else parent[slot] = CellLeaf.With(null, (int)(index & Mask), cells);
        return node;
    }

    static bool SameLeaf(long start, int length) => (start >> Bits) == ((start + length - 1) >> Bits);

    int Width(int level) => level == levels ? rootLength : Fanout;

    /// <summary>The common case (a chunk inside one leaf): copy one node per level, iteratively from the root.</summary>
    object WritePath(object? node, int top, long start, ReadOnlySpan<ulong> cells)
    {
        if (top == 0) return CopyLeaf(node, start, cells);
        var newRoot = CopyInner(node, Width(top));
        var parent = newRoot;
        for (int level = top; level > 0; level--)
        {
            int k = ChildSlot(start, level);
            object? child = parent[k];
            if (level == 1) { parent[k] = CopyLeaf(child, start, cells); break; }
            var copy = CopyInner(child, Fanout);
            parent[k] = copy;
            parent = copy;
        }
        return newRoot;
    }

    static CellLeaf CopyLeaf(object? node, long start, ReadOnlySpan<ulong> cells) =>
        CellLeaf.With(Unsafe.As<CellLeaf?>(node), (int)(start & Mask), cells);

    static object?[] CopyInner(object? node, int width)
    {
        var copy = new object?[width];
        if (node is not null) Unsafe.As<object?[]>(node).AsSpan().CopyTo(copy);
        return copy;
    }

    /// <summary>General write spanning several leaves: copies exactly the nodes on the touched paths.</summary>
    object WriteNode(object? node, int level, long nodeBase, long start, ReadOnlySpan<ulong> cells)
    {
        if (level == 0)
        {
            long from = Math.Max(start, nodeBase), to = Math.Min(start + cells.Length, nodeBase + Fanout);
            return CellLeaf.With(Unsafe.As<CellLeaf?>(node), (int)(from - nodeBase), cells[(int)(from - start)..(int)(to - start)]);
        }
        var copy = CopyInner(node, Width(level));
        long childSpan = 1L << (Bits * level);
        long end = start + cells.Length;
        for (int k = 0; k < copy.Length; k++)
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
            CellLeaf.Diff(Unsafe.As<CellLeaf?>(x), Unsafe.As<CellLeaf?>(y), nodeBase, changed);
            return;
        }
        var nx = x as object?[]; var ny = y as object?[];
        long childSpan = 1L << (Bits * level);
        int width = Math.Max(nx?.Length ?? 0, ny?.Length ?? 0);   // the root may be capacity-sized, not Fanout wide
        for (int k = 0; k < width; k++)
            DiffNode(At(nx, k), At(ny, k), level - 1, nodeBase + k * childSpan, changed);
    }

    static T? At<T>(T[]? a, int k) => a is not null && k < a.Length ? a[k] : default;
}
