using System.Runtime.CompilerServices;

namespace VmxLayers.Semantics;

/// <summary>
/// CompCert's byte-level block memory (Memimpl.v with the MemimplX free/storebytes). Pure: every
/// operation returns a new memory and leaves this one usable; a store copies only the touched path.
/// </summary>
public sealed class Mem
{
    /// <summary>
    /// One allocated block's shape: alloc bounds, the geometry of its (empty) contents trie, permissions.
    /// Stores never change it, so every memory derived by stores shares it.
    /// </summary>
    internal sealed record BlockData(long Lo, long Hi, CellTrie Shape, PermRun[] Perms);

    readonly BlockData[] blocks; // block b is blocks[b - 1]
    readonly object?[] roots;    // contents of block b: blocks[b - 1].Shape rooted at Root(b)
    // The root of the block stored into last, kept out of the roots array so that a run of stores into one block
    // (the co-simulation's VMX_LOC) does not copy the array each time; 0: none.
    readonly int hotBlock;
    readonly object? hotRoot;

    readonly bool owned;   // stores write in place (see Owned)

    Mem(BlockData[] blocks, object?[] roots, int hotBlock = 0, object? hotRoot = null, bool owned = false)
    {
        this.blocks = blocks; this.roots = roots; this.hotBlock = hotBlock; this.hotRoot = hotRoot; this.owned = owned;
    }

    /// <summary>
    /// A copy sharing no contents, whose <see cref="Store"/> writes in place and returns itself: for one owner (the
    /// co-simulation) that never looks at an older version again. Same loads, same permissions; it only stores.
    /// </summary>
    public Mem Owned()
    {
        var rootsCopy = AllRoots().AsSpan().ToArray();
        for (int b = 1; b <= blocks.Length; b++) rootsCopy[b - 1] = blocks[b - 1].Shape.WithRoot(rootsCopy[b - 1]).Owned().Root;
        return new Mem(blocks, rootsCopy, owned: true);
    }

    /// <summary>Only stores are defined on an owned memory (see <see cref="Owned"/>).</summary>
    void NotOwned(string op)
    {
        if (owned) throw new InvalidOperationException($"Mem.{op} on an owned memory: it only stores");
    }

    public static readonly Mem Empty = new([], []);

    /// <summary>The contents root of valid block b.</summary>
    object? Root(int b) => b == hotBlock ? hotRoot : roots[b - 1];

    /// <summary>The roots array with the hot root written back (shared when there is none).</summary>
    object?[] AllRoots()
    {
        if (hotBlock == 0) return roots;
        var copy = new object?[roots.Length];
        roots.AsSpan().CopyTo(copy);
        copy[hotBlock - 1] = hotRoot;
        return copy;
    }

    /// <summary>The id the next allocation returns; the empty memory has 1.</summary>
    public int NextBlock => blocks.Length + 1;

    /// <summary>Appends every valid block whose shape or contents differ between two memories (by reference: persistent sharing).</summary>
    internal static void ChangedBlocks(Mem a, Mem b, List<int> changed)
    {
        if (ReferenceEquals(a.blocks, b.blocks) && ReferenceEquals(a.roots, b.roots))
        {
            // only the hot roots can differ
            if (a.hotBlock != 0 && !ReferenceEquals(a.Root(a.hotBlock), b.Root(a.hotBlock))) changed.Add(a.hotBlock);
            if (b.hotBlock != 0 && b.hotBlock != a.hotBlock && !ReferenceEquals(a.Root(b.hotBlock), b.Root(b.hotBlock))) changed.Add(b.hotBlock);
            return;
        }
        int n = Math.Max(a.blocks.Length, b.blocks.Length), common = Math.Min(a.blocks.Length, b.blocks.Length);
        for (int i = 0; i < n; i++)
            if (i >= common || !ReferenceEquals(a.blocks[i], b.blocks[i]) || !ReferenceEquals(a.Root(i + 1), b.Root(i + 1))) changed.Add(i + 1);
    }

    public bool ValidBlock(int b) => b >= 1 && b < NextBlock;

    internal BlockData? Data(int b) => ValidBlock(b) ? blocks[b - 1] : null;

    /// <summary>The contents of a valid block, indexed from its Lo.</summary>
    internal CellTrie Contents(int b) => blocks[b - 1].Shape.WithRoot(Root(b));

    /// <summary>The alloc bounds of a valid block.</summary>
    public (long Lo, long Hi)? Bounds(int b) => Data(b) is { } d ? (d.Lo, d.Hi) : null;

    public (Mem Mem, int Block) Alloc(long lo, long hi)
    {
        NotOwned("Alloc");
        var newBlocks = new BlockData[blocks.Length + 1];
        blocks.CopyTo(newBlocks, 0);
        newBlocks[^1] = new BlockData(lo, hi, CellTrie.Empty(Math.Max(0, hi - lo)), PermRuns.Alloc(lo, hi));
        var newRoots = new object?[roots.Length + 1];
        AllRoots().CopyTo(newRoots, 0);
        return (new Mem(newBlocks, newRoots), newBlocks.Length);
    }

    /// <summary>
    /// This memory with only the blocks below <paramref name="keep"/>, or null unless every block from there on is freed
    /// entirely (no Cur or Max permission left). Only for an owner that knows no value refers to those blocks any more:
    /// a later Alloc reuses their ids (the co-simulation's code layer, whose call frames are freed after every call).
    /// </summary>
    public Mem? WithoutFreedTail(int keep)
    {
        NotOwned("WithoutFreedTail");
        if (keep < 1) throw new ArgumentOutOfRangeException(nameof(keep), "block ids start at 1");
        if (keep >= NextBlock) return this;
        for (int b = keep; b < NextBlock; b++)
            if (PermissionRuns(b).Any(r => r.Cur is not null || r.Max is not null)) return null;
        return new Mem(blocks[..(keep - 1)], AllRoots()[..(keep - 1)]);
    }

    /// <summary>A permission change: new shape for block b, contents shared.</summary>
    Mem WithBlock(int b, BlockData data)
    {
        var copy = new BlockData[blocks.Length]; // not Clone(): MemberwiseClone dominated the store profile
        blocks.AsSpan().CopyTo(copy);
        copy[b - 1] = data;
        return new Mem(copy, roots, hotBlock, hotRoot);
    }

    /// <summary>A contents change: new trie root for block b, shapes shared (a store into the hot block allocates only this and the trie path).</summary>
    Mem WithContents(int b, CellTrie contents) =>
        b == hotBlock || hotBlock == 0 ? new Mem(blocks, roots, b, contents.Root) : new Mem(blocks, AllRoots(), b, contents.Root);

    // ---- permissions ----

    /// <summary>The permission at (b, ofs) of kind k, or null for none.</summary>
    public Permission? GetPerm(int b, long ofs, PermKind k)
    {
        byte p = Data(b) is { } d ? PermRuns.Get(d.Perms, ofs, k) : (byte)0;
        return p == 0 ? null : (Permission)p;
    }

    public bool Perm(int b, long ofs, PermKind k, Permission p) => GetPerm(b, ofs, k) is { } q && q >= p;

    public bool RangePerm(int b, long lo, long hi, PermKind k, Permission p) =>
        hi <= lo || (Data(b) is { } d && PermRuns.Range(d.Perms, lo, hi, k, p));

    public bool ValidAccess(Chunk c, int b, long ofs, Permission p) =>
        (ofs & (c.Align() - 1)) == 0 && RangePerm(b, ofs, ofs + c.Size(), PermKind.Cur, p); // alignments are powers of 2

    public bool ValidPointer(int b, long ofs) => Perm(b, ofs, PermKind.Cur, Permission.Nonempty);

    /// <summary>The permission runs of a block (lo, hi, cur, max), for checkers and printers.</summary>
    public IEnumerable<(long Lo, long Hi, Permission? Cur, Permission? Max)> PermissionRuns(int b) =>
        Data(b) is { } d
            ? d.Perms.Select(r => (r.Lo, r.Hi, r.Cur == 0 ? (Permission?)null : (Permission)r.Cur, r.Max == 0 ? (Permission?)null : (Permission)r.Max))
            : [];

    // ---- contents ----

    /// <summary>The memval at (b, ofs); Undef outside every allocated range.</summary>
    public Memval Cell(int b, long ofs) => Memval.Unpack(PackedCell(b, ofs));

    internal ulong PackedCell(int b, long ofs) =>
        Data(b) is { } d && ofs >= d.Lo && ofs < d.Hi ? Contents(b).Get(ofs - d.Lo) : 0;

    [SkipLocalsInit]   // the cells are written before they are read
    public Val? Load(Chunk c, int b, long ofs)
    {
        if (!ValidAccess(c, b, ofs, Permission.Readable)) return null;
        var d = blocks[b - 1];
        // decode_val Mint32 of four Byte memvals is Vint of their little-endian word
        if (c == Chunk.Mint32 && Contents(b).TryReadWord(ofs - d.Lo, out uint word)) return Val.Vint(word);
        Span<ulong> cells = stackalloc ulong[c.Size()];
        Contents(b).Read(ofs - d.Lo, cells);
        return Encoding.DecodePacked(c, cells);
    }

    [SkipLocalsInit]   // the cells are written before they are read
    public Mem? Store(Chunk c, int b, long ofs, Val v)
    {
        if (!ValidAccess(c, b, ofs, Permission.Writable)) return null;
        Span<ulong> cells = stackalloc ulong[8];
        int n = Encoding.EncodePacked(c, v, cells);
        var d = blocks[b - 1];
        if (owned)
        {
            var trie = Contents(b).WriteInPlace(ofs - d.Lo, cells[..n]);
            roots[b - 1] = trie.Root;   // new only when the block was empty
            return this;
        }
        return WithContents(b, Contents(b).Write(ofs - d.Lo, cells[..n]));
    }

    /// <summary>loadv: only a Vptr address, at its unsigned offset.</summary>
    public Val? Loadv(Chunk c, Val addr) => addr.IsPtr ? Load(c, addr.Block, addr.Ofs.Unsigned) : null;

    public Mem? Storev(Chunk c, Val addr, Val v) => addr.IsPtr ? Store(c, addr.Block, addr.Ofs.Unsigned, v) : null;

    public Memval[]? LoadBytes(int b, long ofs, long n)
    {
        if (n <= 0) return [];
        if (!RangePerm(b, ofs, ofs + n, PermKind.Cur, Permission.Readable)) return null;
        var result = new Memval[n];
        for (long i = 0; i < n; i++) result[i] = Cell(b, ofs + i);
        return result;
    }

    /// <summary>MemimplX storebytes: an empty list always succeeds and returns this memory.</summary>
    public Mem? StoreBytes(int b, long ofs, IReadOnlyList<Memval> bytes)
    {
        NotOwned("StoreBytes");
        if (bytes.Count == 0) return this;
        if (!RangePerm(b, ofs, ofs + bytes.Count, PermKind.Cur, Permission.Writable)) return null;
        var packed = new ulong[bytes.Count];
        for (int i = 0; i < packed.Length; i++) packed[i] = bytes[i].Pack();
        var d = blocks[b - 1];
        return WithContents(b, Contents(b).Write(ofs - d.Lo, packed));
    }

    /// <summary>MemimplX free: an empty range returns this memory unchecked; otherwise needs Cur Freeable.</summary>
    public Mem? Free(int b, long lo, long hi)
    {
        NotOwned("Free");
        if (hi <= lo) return this;
        if (!RangePerm(b, lo, hi, PermKind.Cur, Permission.Freeable)) return null;
        var d = blocks[b - 1];
        return WithBlock(b, d with { Perms = PermRuns.Set(d.Perms, lo, hi, 0) });
    }

    /// <summary>free_list: frees left to right, None at the first failure.</summary>
    public Mem? FreeList(IEnumerable<(int Block, long Lo, long Hi)> list)
    {
        Mem? m = this;
        foreach (var (b, lo, hi) in list) { m = m.Free(b, lo, hi); if (m is null) return null; }
        return m;
    }

    /// <summary>drop_perm: needs Cur Freeable on [lo, hi), then sets Cur and Max to p there.</summary>
    public Mem? DropPerm(int b, long lo, long hi, Permission p)
    {
        NotOwned("DropPerm");
        if (!RangePerm(b, lo, hi, PermKind.Cur, Permission.Freeable)) return null;
        if (hi <= lo) return this;
        var d = blocks[b - 1];
        return WithBlock(b, d with { Perms = PermRuns.Set(d.Perms, lo, hi, (byte)p) });
    }
}
