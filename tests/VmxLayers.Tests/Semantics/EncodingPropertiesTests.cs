using CsCheck;
using VmxLayers.Semantics;
using Int64 = VmxLayers.Semantics.Int64;

namespace VmxLayers.Tests.Semantics;

/// <summary>
/// Store with one chunk, load with another (compcert-semantics.md §4.7, decode_encode_val / load_store_similar),
/// for every one of the 64 chunk pairs in every generated case. The oracles below are written from the digest
/// with plain C# bit operations, independently of <see cref="Encoding"/>.
/// </summary>
public class EncodingPropertiesTests
{
    const long Iter = 200;

    /// <summary>The §4.7 table: decode_val c2 (encode_val c1 v) for chunks of the same size.</summary>
    static Val Table(Chunk c1, Chunk c2, Val v)
    {
        switch (c1.Size())
        {
            case 1 or 2:
                return v.IsInt ? Extend(c2, v.IntValue.Bits) : Val.Vundef;
            case 4 when c1 == Chunk.Mint32:
                if (v.IsPtr) return c2 == Chunk.Mint32 ? v : Val.Vundef;
                if (!v.IsInt) return Val.Vundef;
                return c2 == Chunk.Mint32 ? v : Val.Vfloat(BitConverter.UInt32BitsToSingle(v.IntValue.Bits));
            case 4:
                if (v.Tag != ValTag.Vfloat) return Val.Vundef;
                float single = (float)v.FloatValue;
                return c2 == Chunk.Mfloat32 ? Val.Vfloat(single) : Val.Vint(BitConverter.SingleToUInt32Bits(single));
            case 8 when c1 == Chunk.Mint64:
                if (v.Tag != ValTag.Vlong) return Val.Vundef;
                return c2 == Chunk.Mint64 ? v : Val.Vfloat(BitConverter.UInt64BitsToDouble(v.LongValue.Bits));
            default:
                if (v.Tag != ValTag.Vfloat) return Val.Vundef;
                return c2 == Chunk.Mfloat64 ? v : Val.Vlong(new Int64(BitConverter.DoubleToUInt64Bits(v.FloatValue)));
        }
    }

    /// <summary>The sign or zero extension of an 8- or 16-bit loading chunk.</summary>
    static Val Extend(Chunk c, uint n) => Val.Vint(c switch
    {
        Chunk.Mint8signed => unchecked((uint)(sbyte)(byte)n),
        Chunk.Mint8unsigned => n & 0xFF,
        Chunk.Mint16signed => unchecked((uint)(short)(ushort)n),
        _ => n & 0xFFFF,
    });

    /// <summary>encode_val per §4.5: bytes (little-endian), pointer fragments 3..0, or Undef.</summary>
    static Memval[] RefEncode(Chunk c, Val v)
    {
        int n = c.Size();
        ulong? raw = (c, v.Tag) switch
        {
            (Chunk.Mint8signed or Chunk.Mint8unsigned or Chunk.Mint16signed or Chunk.Mint16unsigned or Chunk.Mint32, ValTag.Vint) => v.IntValue.Bits,
            (Chunk.Mint64, ValTag.Vlong) => v.LongValue.Bits,
            (Chunk.Mfloat32, ValTag.Vfloat) => BitConverter.SingleToUInt32Bits((float)v.FloatValue),
            (Chunk.Mfloat64, ValTag.Vfloat) => BitConverter.DoubleToUInt64Bits(v.FloatValue),
            _ => null,
        };
        if (raw is { } x) return [.. Enumerable.Range(0, n).Select(i => Memval.Byte((byte)(x >> (8 * i))))];
        if (c == Chunk.Mint32 && v.IsPtr) return [.. Enumerable.Range(0, 4).Select(i => Memval.Pointer(v.Block, v.Ofs, 3 - i))];
        return [.. Enumerable.Repeat(Memval.Undef, n)];
    }

    /// <summary>decode_val per §4.6.</summary>
    static Val RefDecode(Chunk c, Memval[] cells)
    {
        if (cells.All(m => m.Kind == MemvalKind.Byte))
        {
            ulong z = 0;
            for (int i = 0; i < cells.Length; i++) z |= (ulong)cells[i].Value << (8 * i);
            return c switch
            {
                Chunk.Mint32 => Val.Vint((uint)z),
                Chunk.Mint64 => Val.Vlong(new Int64(z)),
                Chunk.Mfloat32 => Val.Vfloat(BitConverter.UInt32BitsToSingle((uint)z)),
                Chunk.Mfloat64 => Val.Vfloat(BitConverter.UInt64BitsToDouble(z)),
                _ => Extend(c, (uint)z),
            };
        }
        bool exactPointer = c == Chunk.Mint32 && cells[0].Kind == MemvalKind.Pointer
            && cells.Select((m, i) => m == Memval.Pointer(cells[0].Block, cells[0].Ofs, 3 - i)).All(ok => ok);
        return exactPointer ? Val.Vptr(cells[0].Block, cells[0].Ofs) : Val.Vundef;
    }

    static readonly Gen<(Val, byte[])> Case = Gen.Select(SemanticsGen.Val, Gen.Byte.Array[24]);

    [Fact]
    public void SameSizeTableAtDecodeLevel()
    {
        Case.Sample((v, _) =>
        {
            foreach (var c1 in ChunkInfo.All)
                foreach (var c2 in ChunkInfo.All.Where(c2 => c2.Size() == c1.Size()))
                {
                    var decoded = Encoding.DecodeVal(c2, Encoding.EncodeVal(c1, v));
                    Assert.Equal(Table(c1, c2, v), decoded);
                    if (c1.Type() == c2.Type()) Assert.Equal(ValOps.LoadResult(c2, v), decoded);
                }
        }, iter: Iter);
    }

    /// <summary>Every pair of chunks, at the memory level: store c1 at 8 over random bytes, load c2 at 8.</summary>
    [Fact]
    public void EveryChunkPairThroughMemory()
    {
        Case.Sample((v, background) =>
        {
            var (m0, b) = Mem.Empty.Alloc(0, 24);
            m0 = m0.StoreBytes(b, 0, [.. background.Select(Memval.Byte)])!;
            foreach (var c1 in ChunkInfo.All)
            {
                var m = m0.Store(c1, b, 8, v)!;
                var cells = background.Select(Memval.Byte).ToArray();
                RefEncode(c1, v).CopyTo(cells, 8);
                Assert.Equal(cells, m.LoadBytes(b, 0, 24));
                foreach (var c2 in ChunkInfo.All)
                {
                    var expected = RefDecode(c2, cells[8..(8 + c2.Size())]);
                    if (c1.Size() == c2.Size()) Assert.Equal(Table(c1, c2, v), expected);
                    Assert.Equal(expected, m.Load(c2, b, 8));
                }
            }
        }, iter: Iter);
    }

    /// <summary>load_store_similar at an offset ≡ 4 (mod 8): the load needs its own alignment (Mint64 after Mfloat64 fails).</summary>
    [Fact]
    public void SimilarLoadsNeedTheirOwnAlignment()
    {
        Case.Sample((v, _) =>
        {
            var (m0, b) = Mem.Empty.Alloc(0, 16);
            foreach (var c1 in ChunkInfo.All)
            {
                var m = m0.Store(c1, b, 4, v);
                Assert.Equal(4 % c1.Align() == 0, m is not null);
                if (m is null) continue;
                foreach (var c2 in ChunkInfo.All.Where(c2 => c2.Size() == c1.Size()))
                {
                    var loaded = m.Load(c2, b, 4);
                    if (c2.Align() <= c1.Align()) Assert.Equal(Table(c1, c2, v), loaded);
                    else Assert.Equal(4 % c2.Align() == 0 ? Table(c1, c2, v) : null, loaded);
                }
            }
        }, iter: Iter);
    }

    /// <summary>load_type (§9 group 26): every successful load returns a value of type_of_chunk.</summary>
    [Fact]
    public void G26_LoadsAreWellTyped()
    {
        Gen.Select(SemanticsGen.Plan, SemanticsGen.Block, SemanticsGen.Offset, SemanticsGen.Chunk).Sample((plan, b, ofs, c) =>
        {
            if (plan.Build().Load(c, b, ofs) is { } v) Assert.True(v.HasType(c.Type()), $"{v} loaded with {c}");
        }, iter: Iter * 2);
    }
}
