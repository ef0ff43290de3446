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

    /// <summary>Cells start..start+3 as a little-endian word when all four are bytes (the common Mint32 load).</summary>
    public bool TryReadWord(int start, out uint word)
    {
        word = (uint)(bytes >> (8 * start));
        return ((isByte >> start) & 0xF) == 0xF;
    }

    public void Read(int start, Span<ulong> dst)
    {
        for (int i = 0; i < dst.Length; i++) dst[i] = Get(start + i);
    }

    /// <summary>Appends nodeBase + i for every cell i that differs between two leaves (null: all Undef).</summary>
    public static void Diff(CellLeaf? x, CellLeaf? y, long nodeBase, List<long> changed)
    {
        int differ;
        if (x is not null && y is not null && (x.isPointer | y.isPointer) == 0)
            // bytes and Undef only (the common case): a cell differs if it is a byte in one only, or in both with other bits
            differ = (x.isByte ^ y.isByte) | (x.isByte & y.isByte & NonzeroBytes(x.bytes ^ y.bytes));
        else
        {
            differ = 0;
            for (int i = 0; i < Size; i++)
                if ((x?.Get(i) ?? 0) != (y?.Get(i) ?? 0)) differ |= 1 << i;
        }
        for (; differ != 0; differ &= differ - 1) changed.Add(nodeBase + System.Numerics.BitOperations.TrailingZeroCount(differ));
    }

    /// <summary>Bit i set iff byte i of `v` is not zero.</summary>
    static int NonzeroBytes(ulong v)
    {
        v |= v >> 4; v |= v >> 2; v |= v >> 1;   // bit 8i now says whether byte i had any bit set
        v &= 0x0101010101010101UL;
        return (int)((v * 0x0102040810204080UL) >> 56);
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
        copy.Write(start, cells, pointersOwned: false);   // copy on write: the old leaf keeps its own fragments
        return copy;
    }

    /// <summary>Writes `cells` from cell `start` on into this leaf (an owned trie's leaf, nothing else shares it).</summary>
    public void WriteInPlace(int start, ReadOnlySpan<ulong> cells) => Write(start, cells, pointersOwned: true);

    void Write(int start, ReadOnlySpan<ulong> cells, bool pointersOwned)
    {
        for (int k = 0; k < cells.Length; k++)
        {
            int i = start + k;
            ulong cell = cells[k];
            byte bit = (byte)(1 << i);
            isByte &= (byte)~bit;
            isPointer &= (byte)~bit;
            switch (cell >> 62)
            {
                case 1:
                    bytes = (bytes & ~(0xFFUL << (8 * i))) | ((cell & 0xFF) << (8 * i));
                    isByte |= bit;
                    break;
                case 2:
                    if (!pointersOwned || pointers is null)
                    {
                        var fresh = new ulong[Size];
                        pointers?.AsSpan().CopyTo(fresh);
                        pointers = fresh;
                        pointersOwned = true;
                    }
                    pointers![i] = cell;
                    isPointer |= bit;
                    break;
            }
        }
    }

    /// <summary>A copy sharing nothing with this leaf.</summary>
    public CellLeaf Clone() => new() { pointers = pointers?.AsSpan().ToArray(), bytes = bytes, isByte = isByte, isPointer = isPointer };
}
