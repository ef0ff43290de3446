using VmxLayers.Semantics;
using Int64 = VmxLayers.Semantics.Int64;
using static VmxLayers.Tests.Semantics.MemFixture;

namespace VmxLayers.Tests.Semantics;

/// <summary>compcert-semantics.md §5 and §9 groups 1–4, 16 and 18–22.</summary>
public class MemTests
{
    // §9 group 1: block numbering.
    [Fact]
    public void G1_AllocNumbersBlocksFromOne()
    {
        Assert.Equal(1, Mem.Empty.NextBlock);
        var (m1, b) = Mem.Empty.Alloc(0, 16);
        Assert.Equal(1, b);
        Assert.Equal(2, m1.NextBlock);
        var (m2, b2) = m1.Alloc(0, 16);
        Assert.Equal(2, b2);
        Assert.Equal(3, m2.NextBlock);
        Assert.Equal(2, m1.NextBlock); // persistence
    }

    // §9 group 2: fresh memory is Undef.
    [Fact]
    public void G2_FreshMemoryIsUndef()
    {
        Assert.Equal(Val.Vundef, M1.Load(Chunk.Mint32, B, 0));
        Assert.Equal(Val.Vundef, M1.Load(Chunk.Mint8signed, B, 15));
        Assert.Equal(Memval.Undef, M1.Cell(B, 7));
    }

    // §9 group 3: bounds.
    [Fact]
    public void G3_Bounds()
    {
        Assert.Equal(Val.Vundef, M1.Load(Chunk.Mint32, B, 12));
        Assert.Null(M1.Load(Chunk.Mint32, B, 16));
        Assert.Null(M1.Load(Chunk.Mint8unsigned, B, 16));
        Assert.Null(M1.Load(Chunk.Mint8unsigned, B, -1));
        Assert.Null(M1.Store(Chunk.Mint32, B, 16, I(1)));
        Assert.Null(M1.Load(Chunk.Mint32, 2, 0)); // not yet allocated
    }

    // §9 group 4: alignment.
    [Fact]
    public void G4_Alignment()
    {
        Assert.Null(M1.Load(Chunk.Mint32, B, 2));
        Assert.True(M1.RangePerm(B, 2, 6, PermKind.Cur, Permission.Readable));
        Assert.Equal(Val.Vundef, M1.Load(Chunk.Mint16unsigned, B, 2));
        Assert.Null(M1.Store(Chunk.Mint32, B, 6, I(1)));
    }

    // §9 group 16: Mint64 aligns to 8, Mfloat64 to 4.
    [Fact]
    public void G16_EightByteChunkAlignment()
    {
        Assert.Null(M1.Store(Chunk.Mint64, B, 4, Val.Vlong(new Int64(0))));
        var m = M1.Store(Chunk.Mfloat64, B, 4, Val.Vfloat(0.0));
        Assert.NotNull(m);
        Assert.Equal(Val.Vfloat(0.0), m.Load(Chunk.Mfloat64, B, 4));
        Assert.Null(m.Load(Chunk.Mint64, B, 4));
    }

    // §9 group 18: load_store_other, and where it does not apply.
    [Fact]
    public void G18_LoadStoreOther()
    {
        var (m1, b2) = M1.Stored(Chunk.Mint32, 4, I(0xAABBCCDD)).Alloc(0, 8);
        m1 = m1.Stored(Chunk.Mint32, 0, I(99), b2);
        var m2 = m1.Stored(Chunk.Mint32, 0, I(0x12345678));
        Assert.Equal(m1.Load(Chunk.Mint32, B, 4), m2.Load(Chunk.Mint32, B, 4));
        Assert.Equal(I(0xAABBCCDD), m2.Load(Chunk.Mint32, B, 4));
        Assert.Equal(m1.Load(Chunk.Mint32, b2, 0), m2.Load(Chunk.Mint32, b2, 0));
        Assert.Equal(I(99), m2.Load(Chunk.Mint32, b2, 0));

        var m3 = m2.Stored(Chunk.Mint8unsigned, 3, I(0xEE));
        Assert.Equal(I(0xEE345678), m3.Load(Chunk.Mint32, B, 0));
        Assert.NotEqual(m2.Load(Chunk.Mint32, B, 0), m3.Load(Chunk.Mint32, B, 0));
    }

    // §9 group 19: full free.
    [Fact]
    public void G19_FullFree()
    {
        var m4 = M1.Free(B, 0, 16);
        Assert.NotNull(m4);
        for (long ofs = -1; ofs <= 16; ofs++)
        {
            Assert.Null(m4.Load(Chunk.Mint8unsigned, B, ofs));
            Assert.Null(m4.Store(Chunk.Mint8unsigned, B, ofs, I(0)));
            Assert.Null(m4.GetPerm(B, ofs, PermKind.Max));
        }
        Assert.True(m4.ValidBlock(B));
        Assert.Equal(2, m4.NextBlock);
        Assert.Null(m4.Free(B, 0, 16));
        Assert.Same(m4, m4.Free(B, 0, 0));
        Assert.Null(M1.Free(7, 0, 4));
        Assert.Same(M1Instance, M1Instance.Free(7, 0, 0)); // empty range: no checks at all (MemimplX)
        Assert.Equal(Val.Vundef, M1.Load(Chunk.Mint32, B, 0)); // the old memory still works
    }

    static readonly Mem M1Instance = M1;

    // §9 group 20: partial free.
    [Fact]
    public void G20_PartialFree()
    {
        var m = M1.Free(B, 0, 8)!;
        Assert.Equal(Val.Vundef, m.Load(Chunk.Mint32, B, 8));
        Assert.Null(m.Load(Chunk.Mint32, B, 4));
        Assert.Null(m.Load(Chunk.Mint32, B, 0));
        Assert.Null(m.Free(B, 4, 12)); // overlaps the freed part
        Assert.NotNull(m.Free(B, 8, 16));
    }

    // §9 group 21: drop_perm.
    [Fact]
    public void G21_DropPerm()
    {
        var m5 = M1.DropPerm(B, 0, 16, Permission.Readable);
        Assert.NotNull(m5);
        Assert.Equal(Val.Vundef, m5.Load(Chunk.Mint32, B, 0));
        Assert.Null(m5.Store(Chunk.Mint32, B, 0, I(1)));
        Assert.Null(m5.Free(B, 0, 16));
        Assert.Null(m5.DropPerm(B, 0, 16, Permission.Writable));
        Assert.Equal(Permission.Readable, m5.GetPerm(B, 3, PermKind.Cur));
        Assert.Equal(Permission.Readable, m5.GetPerm(B, 3, PermKind.Max));
        Assert.NotNull(M1.Store(Chunk.Mint32, B, 0, I(1))); // the old memory keeps Freeable
    }

    [Fact]
    public void DropPermKeepsContentsAndNonemptyBlocksReads()
    {
        var m = M1.Stored(Chunk.Mint32, 0, I(5));
        Assert.Equal(I(5), m.DropPerm(B, 0, 16, Permission.Readable)!.Load(Chunk.Mint32, B, 0));
        var n = m.DropPerm(B, 0, 4, Permission.Nonempty)!;
        Assert.Null(n.Load(Chunk.Mint32, B, 0));
        Assert.True(n.ValidPointer(B, 0));
        Assert.False(n.ValidPointer(B, 16));
        Assert.Equal(I(0), n.Stored(Chunk.Mint32, 4, I(0)).Load(Chunk.Mint32, B, 4));
    }

    // §9 group 22: loadv/storev use unsigned offsets.
    [Fact]
    public void G22_LoadvStorevUseUnsignedOffsets()
    {
        Assert.Null(M1.Loadv(Chunk.Mint32, I(0)));
        Assert.Null(M1.Storev(Chunk.Mint32, Val.Vundef, I(1)));
        Assert.Null(M1.Storev(Chunk.Mint32, I(0), I(1)));
        var (m, b) = M1.Alloc(-4, 4);
        Assert.Equal(Val.Vundef, m.Load(Chunk.Mint32, b, -4));
        Assert.Null(m.Loadv(Chunk.Mint32, Val.Vptr(b, Int.Repr(-4))));
        Assert.Null(m.Storev(Chunk.Mint32, Val.Vptr(b, Int.Repr(-4)), I(1)));
        var stored = m.Storev(Chunk.Mint32, Val.Vptr(b, 0u), I(7));
        Assert.NotNull(stored);
        Assert.Equal(I(7), stored.Loadv(Chunk.Mint32, Val.Vptr(b, 0u)));
    }

    [Fact]
    public void NegativeLowBoundBlockStoresAndLoads()
    {
        var (m, b) = Mem.Empty.Alloc(-8, 8);
        m = m.Stored(Chunk.Mint32, -8, I(0x11), b).Stored(Chunk.Mint32, 4, I(0x22), b);
        Assert.Equal(I(0x11), m.Load(Chunk.Mint32, b, -8));
        Assert.Equal(I(0x22), m.Load(Chunk.Mint32, b, 4));
        Assert.Null(m.Load(Chunk.Mint32, b, 8));
        Assert.Null(m.Load(Chunk.Mint32, b, -12));
        Assert.Null(m.Load(Chunk.Mint32, b, -6)); // misaligned negative offset
    }

    [Fact]
    public void EmptyAllocationIsValidButInaccessible()
    {
        var (m, b) = Mem.Empty.Alloc(5, 5);
        Assert.True(m.ValidBlock(b));
        Assert.Null(m.Load(Chunk.Mint8unsigned, b, 5));
        Assert.Empty(m.LoadBytes(b, 5, 0)!);
        Assert.Same(m, m.StoreBytes(b, 5, []));
        Assert.Same(m, m.DropPerm(b, 5, 5, Permission.Readable));
    }

    [Fact]
    public void LoadBytesAndStoreBytesNeedPermissionsButNoAlignment()
    {
        Memval[] bytes = [Byte(1), Byte(2), Byte(3)];
        var m = M1.StoreBytes(B, 13, bytes)!;
        Assert.Equal(bytes, m.LoadBytes(B, 13, 3));
        Assert.Null(M1.StoreBytes(B, 14, bytes));
        Assert.Null(M1.LoadBytes(B, 14, 3));
        Assert.Empty(M1.LoadBytes(B, 100, -1)!);
        Assert.Same(M1Instance, M1Instance.StoreBytes(9, 0, [])); // MemimplX: empty list, any block
    }

    [Fact]
    public void FreeListStopsAtFirstFailure()
    {
        var (m, b2) = M1.Alloc(0, 8);
        Assert.NotNull(m.FreeList([(B, 0, 16), (b2, 0, 8)]));
        Assert.Null(m.FreeList([(B, 0, 16), (B, 0, 16)]));
        Assert.Same(m, m.FreeList([]));
    }

    [Fact]
    public void EmptyMemoryHasNoPermission()
    {
        for (int b = 0; b < 3; b++)
            foreach (var k in Enum.GetValues<PermKind>())
                Assert.False(Mem.Empty.Perm(b, 0, k, Permission.Nonempty));
        Assert.False(Mem.Empty.ValidBlock(1));
        Assert.False(M1.ValidBlock(0));
    }

    /// <summary>§5.1 purity: a store copies only the touched path (not the block), and every older memory stays usable.</summary>
    [Fact]
    public void StoresArePersistentAndCopyOnlyThePath()
    {
        var (m, b) = Mem.Empty.Alloc(0, 1 << 20);
        m = m.Stored(Chunk.Mint32, 4096, I(1), b);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var m2 = m.Store(Chunk.Mint32, b, 4096, I(2));
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.NotNull(m2);
        Assert.True(allocated < 2048, $"a 4-byte store into a 1 MiB block allocated {allocated} bytes");

        var history = new List<Mem> { m2 };
        for (uint i = 0; i < 64; i++) history.Add(history[^1].Stored(Chunk.Mint32, 4096 + 4 * (i % 8), I(100 + i), b));
        Assert.Equal(I(1), m.Load(Chunk.Mint32, b, 4096));
        Assert.Equal(I(2), m2.Load(Chunk.Mint32, b, 4096));
        for (int k = 1; k < history.Count; k++)
            Assert.Equal(I(100 + (uint)(k - 1)), history[k].Load(Chunk.Mint32, b, 4096 + 4 * ((k - 1) % 8)));
    }

    /// <summary>Pointer fragments sharing an 8-cell leaf with bytes: every older memory keeps its own cells.</summary>
    [Fact]
    public void MixedLeafCellsArePersistent()
    {
        var a = M1.Stored(Chunk.Mint32, 0, P(1, 8));
        var b = a.Stored(Chunk.Mint32, 4, P(1, 12));
        var c = b.Stored(Chunk.Mint8unsigned, 1, I(0xAB));
        var d = c.Stored(Chunk.Mint32, 0, Val.Vundef).Stored(Chunk.Mint32, 4, I(0x01020304));
        Assert.Equal(P(1, 8), a.Load(Chunk.Mint32, B, 0));
        Assert.Equal(Val.Vundef, a.Load(Chunk.Mint32, B, 4));
        Assert.Equal(P(1, 8), b.Load(Chunk.Mint32, B, 0));
        Assert.Equal(P(1, 12), b.Load(Chunk.Mint32, B, 4));
        Assert.Equal([Ptr(1, 8, 3), Byte(0xAB), Ptr(1, 8, 1), Ptr(1, 8, 0)], c.BytesAt(0, 4));
        Assert.Equal(P(1, 12), c.Load(Chunk.Mint32, B, 4));
        Assert.Equal([Memval.Undef, Memval.Undef, Memval.Undef, Memval.Undef, Byte(4), Byte(3), Byte(2), Byte(1)], d.BytesAt(0, 8));
        Assert.Equal(I(0x01020304), d.Load(Chunk.Mint32, B, 4));
    }
}
