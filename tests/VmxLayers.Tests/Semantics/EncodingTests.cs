using VmxLayers.Semantics;
using Int64 = VmxLayers.Semantics.Int64;
using static VmxLayers.Tests.Semantics.MemFixture;

namespace VmxLayers.Tests.Semantics;

/// <summary>compcert-semantics.md §4 (encode_val/decode_val) and §9 groups 5–8, 10–15 and 17.</summary>
public class EncodingTests
{
    static readonly Mem M2 = M1.Stored(Chunk.Mint32, 0, I(0x12345678));
    static readonly Mem M3 = M1.Stored(Chunk.Mint32, 4, P(1, 8));

    // §9 group 5: little-endian bytes.
    [Fact]
    public void G5_Mint32IsStoredLittleEndian()
    {
        Assert.Equal([Byte(0x78), Byte(0x56), Byte(0x34), Byte(0x12)], M2.BytesAt(0, 4));
        Assert.Equal([Byte(0x78), Byte(0x56), Byte(0x34), Byte(0x12)], Encoding.EncodeVal(Chunk.Mint32, I(0x12345678)));
    }

    // §9 group 6: narrower and same-chunk reads of m2.
    [Fact]
    public void G6_ReadsOfTheStoredWord()
    {
        Assert.Equal(I(0x78), M2.Load(Chunk.Mint8unsigned, B, 0));
        Assert.Equal(I(0x12), M2.Load(Chunk.Mint8unsigned, B, 3));
        Assert.Equal(I(0x5678), M2.Load(Chunk.Mint16unsigned, B, 0));
        Assert.Equal(I(0x1234), M2.Load(Chunk.Mint16unsigned, B, 2));
        Assert.Equal(I(0x12345678), M2.Load(Chunk.Mint32, B, 0));
    }

    // §9 group 7: truncation and extension of an 8-bit store.
    [Fact]
    public void G7_Int8TruncatesAndExtends()
    {
        var m = M1.Stored(Chunk.Mint8unsigned, 0, I(0x1FF));
        Assert.Equal([Byte(0xFF)], m.BytesAt(0, 1));
        Assert.Equal(I(255), m.Load(Chunk.Mint8unsigned, B, 0));
        Assert.Equal(I(0xFFFFFFFF), m.Load(Chunk.Mint8signed, B, 0));
    }

    // §9 group 8: 16-bit store.
    [Fact]
    public void G8_Int16TruncatesAndExtends()
    {
        var m = M1.Stored(Chunk.Mint16signed, 0, I(0x00018000));
        Assert.Equal([Byte(0x00), Byte(0x80)], m.BytesAt(0, 2));
        Assert.Equal(I(0xFFFF8000), m.Load(Chunk.Mint16signed, B, 0));
        Assert.Equal(I(0x8000), m.Load(Chunk.Mint16unsigned, B, 0));
    }

    // §9 group 10: a pointer is stored as fragments 3,2,1,0 and reloads with Mint32.
    [Fact]
    public void G10_PointerStoreAndReload()
    {
        Assert.Equal([Ptr(1, 8, 3), Ptr(1, 8, 2), Ptr(1, 8, 1), Ptr(1, 8, 0)], M3.BytesAt(4, 4));
        Assert.Equal(P(1, 8), M3.Load(Chunk.Mint32, B, 4));
    }

    // §9 group 11: partial or mismatched pointer reads succeed with Vundef.
    [Fact]
    public void G11_PartialPointerReadsAreUndef()
    {
        Assert.Equal(Val.Vundef, M3.Load(Chunk.Mint8unsigned, B, 4));
        Assert.Equal(Val.Vundef, M3.Load(Chunk.Mint16unsigned, B, 6));
        Assert.Equal(Val.Vundef, M3.Load(Chunk.Mfloat32, B, 4));
        Assert.Equal(Val.Vundef, M3.Load(Chunk.Mint8signed, B, 7));
    }

    // §9 group 12: overwriting one fragment destroys the pointer.
    [Fact]
    public void G12_OverwrittenFragment()
    {
        var m = M3.Stored(Chunk.Mint8unsigned, 5, I(0));
        Assert.Equal([Ptr(1, 8, 3), Byte(0), Ptr(1, 8, 1), Ptr(1, 8, 0)], m.BytesAt(4, 4));
        Assert.Equal(Val.Vundef, m.Load(Chunk.Mint32, B, 4));
        Assert.Equal(I(0), m.Load(Chunk.Mint8unsigned, B, 5));
        Assert.Equal(P(1, 8), M3.Load(Chunk.Mint32, B, 4)); // the old memory is untouched
    }

    // §9 group 13: fragments in the wrong order, or of different pointers, never reassemble.
    [Fact]
    public void G13_FragmentsInWrongOrderOrMixed()
    {
        Memval[] ascending = [Ptr(1, 8, 0), Ptr(1, 8, 1), Ptr(1, 8, 2), Ptr(1, 8, 3)];
        Memval[] mixed = [Ptr(1, 8, 3), Ptr(1, 8, 2), Ptr(1, 12, 1), Ptr(1, 12, 0)];
        Memval[] exact = [Ptr(1, 8, 3), Ptr(1, 8, 2), Ptr(1, 8, 1), Ptr(1, 8, 0)];
        Assert.Equal(Val.Vundef, M1.StoreBytes(B, 0, ascending)!.Load(Chunk.Mint32, B, 0));
        Assert.Equal(Val.Vundef, M1.StoreBytes(B, 0, mixed)!.Load(Chunk.Mint32, B, 0));
        Assert.Equal(P(1, 8), M1.StoreBytes(B, 0, exact)!.Load(Chunk.Mint32, B, 0));
        Memval[] otherBlock = [Ptr(1, 8, 3), Ptr(2, 8, 2), Ptr(1, 8, 1), Ptr(1, 8, 0)];
        Assert.Equal(Val.Vundef, Encoding.DecodeVal(Chunk.Mint32, otherBlock));
        Memval[] withByte = [Ptr(1, 8, 3), Ptr(1, 8, 2), Ptr(1, 8, 1), Byte(0)];
        Assert.Equal(Val.Vundef, Encoding.DecodeVal(Chunk.Mint32, withByte));
    }

    // §9 group 14: values the chunk cannot encode are stored as Undef bytes.
    [Fact]
    public void G14_UnencodableValuesWriteUndef()
    {
        var m = M1.Store(Chunk.Mint8unsigned, B, 0, P(1, 0));
        Assert.NotNull(m);
        Assert.Equal([Memval.Undef], m.BytesAt(0, 1));
        Assert.Equal(Val.Vundef, m.Load(Chunk.Mint8unsigned, B, 0));
        Assert.Equal(Val.Vundef, M1.Stored(Chunk.Mint64, 8, I(5)).Load(Chunk.Mint64, B, 8));
        Assert.Equal(Val.Vundef, M1.Stored(Chunk.Mint32, 0, Val.Vfloat(1.0)).Load(Chunk.Mint32, B, 0));
        foreach (var c in ChunkInfo.All)
        {
            var filled = M2.Stored(Chunk.Mint64, 8, Val.Vlong(new Int64(ulong.MaxValue)));
            Assert.Equal(Val.Vundef, filled.Stored(c, 8, Val.Vundef).Load(c, B, 8));
        }
    }

    // §9 group 15: 64-bit integers.
    [Fact]
    public void G15_Int64LittleEndianAndHalves()
    {
        var v = Val.Vlong(new Int64(0x0102030405060708UL));
        var m = M1.Stored(Chunk.Mint64, 8, v);
        Assert.Equal([Byte(8), Byte(7), Byte(6), Byte(5), Byte(4), Byte(3), Byte(2), Byte(1)], m.BytesAt(8, 8));
        Assert.Equal(I(0x05060708), m.Load(Chunk.Mint32, B, 8));
        Assert.Equal(I(0x01020304), m.Load(Chunk.Mint32, B, 12));
        Assert.Equal(v, m.Load(Chunk.Mint64, B, 8));
    }

    // §9 group 17: single and double floats.
    [Fact]
    public void G17_Floats()
    {
        var m = M1.Stored(Chunk.Mfloat32, 0, Val.Vfloat(1.0));
        Assert.Equal([Byte(0x00), Byte(0x00), Byte(0x80), Byte(0x3F)], m.BytesAt(0, 4));
        Assert.Equal(I(0x3F800000), m.Load(Chunk.Mint32, B, 0));
        Assert.Equal(Val.Vfloat(1.0), M1.Stored(Chunk.Mint32, 0, I(0x3F800000)).Load(Chunk.Mfloat32, B, 0));
        Assert.Equal([Byte(0), Byte(0), Byte(0), Byte(0), Byte(0), Byte(0), Byte(0xF0), Byte(0x3F)],
            M1.Stored(Chunk.Mfloat64, 0, Val.Vfloat(1.0)).BytesAt(0, 8));
        var single = M1.Stored(Chunk.Mfloat32, 0, Val.Vfloat(0.1)).Load(Chunk.Mfloat32, B, 0);
        Assert.Equal(Val.Vfloat(0.100000001490116119384765625), single);
        Assert.NotEqual(Val.Vfloat(0.1), single);
    }

    [Fact]
    public void EncodeIsAlwaysSizeChunkCells()
    {
        Val[] values = [Val.Vundef, I(7), P(2, 4), Val.Vlong(new Int64(7)), Val.Vfloat(2.5)];
        foreach (var c in ChunkInfo.All)
            foreach (var v in values)
                Assert.Equal(c.Size(), Encoding.EncodeVal(c, v).Length);
    }

    [Fact]
    public void DecodeNeverBuildsAPointerFromBytesOrWithNonMint32()
    {
        Memval[] bytes = [Byte(1), Byte(2), Byte(3), Byte(4)];
        Assert.Equal(I(0x04030201), Encoding.DecodeVal(Chunk.Mint32, bytes));
        Memval[] ptr = [Ptr(3, 0, 3), Ptr(3, 0, 2), Ptr(3, 0, 1), Ptr(3, 0, 0)];
        Assert.Equal(P(3, 0), Encoding.DecodeVal(Chunk.Mint32, ptr));
        Assert.Equal(Val.Vundef, Encoding.DecodeVal(Chunk.Mfloat32, ptr));
        Memval[] oneUndef = [Byte(1), Memval.Undef, Byte(3), Byte(4)];
        Assert.Equal(Val.Vundef, Encoding.DecodeVal(Chunk.Mint32, oneUndef));
    }
}
