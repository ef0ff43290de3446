namespace VmxLayers.Semantics;

/// <summary>Little-endian encode_val / decode_val of Memdata.v, on packed cells (see <see cref="Memval.Pack"/>).</summary>
public static class Encoding
{
    const ulong ByteTag = 1UL << 62;

    public static Memval[] EncodeVal(Chunk c, Val v)
    {
        Span<ulong> cells = stackalloc ulong[8];
        int n = EncodePacked(c, v, cells);
        var result = new Memval[n];
        for (int i = 0; i < n; i++) result[i] = Memval.Unpack(cells[i]);
        return result;
    }

    public static Val DecodeVal(Chunk c, IReadOnlyList<Memval> cells)
    {
        Span<ulong> packed = stackalloc ulong[cells.Count];
        for (int i = 0; i < cells.Count; i++) packed[i] = cells[i].Pack();
        return DecodePacked(c, packed);
    }

    /// <summary>Writes size_chunk cells into dst; returns the count.</summary>
    internal static int EncodePacked(Chunk c, Val v, Span<ulong> dst)
    {
        int size = c.Size();
        switch (c, v.Tag)
        {
            case (Chunk.Mint8signed or Chunk.Mint8unsigned or Chunk.Mint16signed or Chunk.Mint16unsigned or Chunk.Mint32, ValTag.Vint):
                WriteBytes(v.IntValue.Bits, size, dst);
                return size;
            case (Chunk.Mint32, ValTag.Vptr):
                // inj_pointer: indices 3,2,1,0 from the lowest address, whatever the endianness.
                for (int i = 0; i < 4; i++) dst[i] = Memval.PackPointer(v.Block, v.Ofs.Bits, 3 - i);
                return 4;
            case (Chunk.Mint64, ValTag.Vlong):
                WriteBytes(v.LongValue.Bits, 8, dst);
                return 8;
            case (Chunk.Mfloat32, ValTag.Vfloat):
                WriteBytes(BitConverter.SingleToUInt32Bits((float)v.FloatValue), 4, dst);
                return 4;
            case (Chunk.Mfloat64, ValTag.Vfloat):
                WriteBytes(v.RawBits, 8, dst);
                return 8;
            default:
                dst[..size].Clear();
                return size;
        }
    }

    static void WriteBytes(ulong x, int n, Span<ulong> dst)
    {
        for (int i = 0; i < n; i++) dst[i] = ByteTag | ((x >> (8 * i)) & 0xFF);
    }

    internal static Val DecodePacked(Chunk c, ReadOnlySpan<ulong> cells)
    {
        ulong z = 0;
        for (int i = 0; i < cells.Length; i++)
        {
            if ((cells[i] >> 62) != 1) return c == Chunk.Mint32 ? ProjPointer(cells) : Val.Vundef;
            z |= (cells[i] & 0xFF) << (8 * i);
        }
        var n = new Int(unchecked((uint)z));
        return c switch
        {
            Chunk.Mint8signed => Val.Vint(n.SignExt(8)),
            Chunk.Mint8unsigned => Val.Vint(n.ZeroExt(8)),
            Chunk.Mint16signed => Val.Vint(n.SignExt(16)),
            Chunk.Mint16unsigned => Val.Vint(n.ZeroExt(16)),
            Chunk.Mint32 => Val.Vint(n),
            Chunk.Mint64 => Val.Vlong(new Int64(z)),
            Chunk.Mfloat32 => Val.Vfloat(BitConverter.UInt32BitsToSingle(n.Bits)),
            _ => Val.Vfloat(BitConverter.UInt64BitsToDouble(z)),
        };
    }

    /// <summary>proj_pointer: a Vptr only for the exact fragment sequence 3,2,1,0 of one pointer.</summary>
    static Val ProjPointer(ReadOnlySpan<ulong> cells)
    {
        if (cells.Length != 4 || (cells[0] >> 62) != 2) return Val.Vundef;
        var first = Memval.Unpack(cells[0]);
        for (int i = 0; i < 4; i++)
            if (cells[i] != Memval.PackPointer(first.Block, first.Ofs.Bits, 3 - i)) return Val.Vundef;
        return Val.Vptr(first.Block, first.Ofs);
    }
}
