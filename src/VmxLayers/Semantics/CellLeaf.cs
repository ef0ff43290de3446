namespace VmxLayers.Semantics;

/// <summary>
/// Eight consecutive cells of a <see cref="CellTrie"/>, immutable once published. Byte cells (the common
/// case) are packed into one word; pointer fragments, which are rare, live in a side array. This makes a
/// leaf 40 bytes instead of the 88 of a ulong[8], which is most of what a store allocates.
/// </summary>
internal sealed class CellLeaf
{
    public const int Size = 8; // = CellTrie fan-out
    const ulong ByteTag = 1UL << 62;

    ulong[]? pointers;  // pointers[i]: packed fragment of cell i when bit i of isPointer is set
    ulong bytes;        // byte of cell i in bits 8i..8i+7 when bit i of isByte is set
    byte isByte, isPointer;

    /// <summary>The packed memval of cell i (see <see cref="Memval.Pack"/>); 0 is Undef.</summary>
    public ulong Get(int i) =>
        ((isByte >> i) & 1) != 0 ? ByteTag | ((bytes >> (8 * i)) & 0xFF)
        : ((isPointer >> i) & 1) != 0 ? pointers![i]
        : 0;

    public void Read(int start, Span<ulong> dst)
    {
        for (int i = 0; i < dst.Length; i++) dst[i] = Get(start + i);
    }

    /// <summary>Appends nodeBase + i for every cell i that differs between two leaves (null: all Undef).</summary>
    public static void Diff(CellLeaf? x, CellLeaf? y, long nodeBase, List<long> changed)
    {
        // cells that are bytes in both and hold the same byte need no closer look (the common case)
        int sameBytes = 0;
        if (x is not null && y is not null)
        {
            ulong delta = x.bytes ^ y.bytes;
            for (int i = 0; i < Size; i++)
                if (((delta >> (8 * i)) & 0xFF) == 0) sameBytes |= 1 << i;
            sameBytes &= x.isByte & y.isByte;
        }
        for (int i = 0; i < Size; i++)
            if ((sameBytes & (1 << i)) == 0 && (x?.Get(i) ?? 0) != (y?.Get(i) ?? 0)) changed.Add(nodeBase + i);
    }

    /// <summary>A copy of `leaf` (null: all Undef) with `cells` written from cell `start` on.</summary>
    public static CellLeaf With(CellLeaf? leaf, int start, ReadOnlySpan<ulong> cells)
    {
        var copy = new CellLeaf();
        if (leaf is not null)
        {
            copy.pointers = leaf.pointers;
            copy.bytes = leaf.bytes;
            copy.isByte = leaf.isByte;
            copy.isPointer = leaf.isPointer;
        }
        bool pointersCopied = false;
        for (int k = 0; k < cells.Length; k++)
        {
            int i = start + k;
            ulong cell = cells[k];
            byte bit = (byte)(1 << i);
            copy.isByte &= (byte)~bit;
            copy.isPointer &= (byte)~bit;
            switch (cell >> 62)
            {
                case 1:
                    copy.bytes = (copy.bytes & ~(0xFFUL << (8 * i))) | ((cell & 0xFF) << (8 * i));
                    copy.isByte |= bit;
                    break;
                case 2:
                    if (!pointersCopied)
                    {
                        // Copy on write: the old leaf keeps its own fragments.
                        var fresh = new ulong[Size];
                        copy.pointers?.AsSpan().CopyTo(fresh);
                        copy.pointers = fresh;
                        pointersCopied = true;
                    }
                    copy.pointers![i] = cell;
                    copy.isPointer |= bit;
                    break;
            }
        }
        return copy;
    }
}
