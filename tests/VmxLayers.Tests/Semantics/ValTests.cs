using VmxLayers.Semantics;
using Int64 = VmxLayers.Semantics.Int64;

namespace VmxLayers.Tests.Semantics;

/// <summary>compcert-semantics.md §2 and §9 groups 9, 23 (pointer half) and 26.</summary>
public class ValTests
{
    static Val I(uint n) => Val.Vint(n);
    static Val P(int b, uint o) => Val.Vptr(b, o);

    // §9 group 9: Val.load_result.
    [Fact]
    public void G9_LoadResult()
    {
        Assert.Equal(I(0xFFFFFFFF), ValOps.LoadResult(Chunk.Mint8signed, I(0xFFF)));
        Assert.Equal(I(0xFF), ValOps.LoadResult(Chunk.Mint8unsigned, I(0xFFF)));
        Assert.Equal(P(1, 8), ValOps.LoadResult(Chunk.Mint32, P(1, 8)));
        Assert.Equal(Val.Vundef, ValOps.LoadResult(Chunk.Mint8unsigned, P(1, 8)));
        Assert.Equal(Val.Vundef, ValOps.LoadResult(Chunk.Mint64, I(5)));
        Assert.Equal(Val.Vundef, ValOps.LoadResult(Chunk.Mfloat64, I(5)));
    }

    [Fact]
    public void G9_LoadResultTableRest()
    {
        Assert.Equal(I(0xFFFF8000), ValOps.LoadResult(Chunk.Mint16signed, I(0x18000)));
        Assert.Equal(I(0x8000), ValOps.LoadResult(Chunk.Mint16unsigned, I(0x18000)));
        Assert.Equal(I(0x12345678), ValOps.LoadResult(Chunk.Mint32, I(0x12345678)));
        var l = Val.Vlong(new Int64(42));
        Assert.Equal(l, ValOps.LoadResult(Chunk.Mint64, l));
        Assert.Equal(Val.Vundef, ValOps.LoadResult(Chunk.Mint32, l));
        Assert.Equal(Val.Vfloat((double)0.1f), ValOps.LoadResult(Chunk.Mfloat32, Val.Vfloat(0.1)));
        Assert.Equal(Val.Vfloat(0.1), ValOps.LoadResult(Chunk.Mfloat64, Val.Vfloat(0.1)));
        Assert.Equal(Val.Vundef, ValOps.LoadResult(Chunk.Mint64, P(1, 0)));
        Assert.Equal(Val.Vundef, ValOps.LoadResult(Chunk.Mfloat32, I(1)));
        foreach (var c in ChunkInfo.All) Assert.Equal(Val.Vundef, ValOps.LoadResult(c, Val.Vundef));
    }

    // §9 group 23: pointer arithmetic.
    [Fact]
    public void G23_PointerArithmetic()
    {
        Assert.Equal(P(1, 4), ValOps.Add(P(1, 0xFFFFFFFC), I(8)));
        Assert.Equal(P(1, 7), ValOps.Add(I(3), P(1, 4)));
        Assert.Equal(Val.Vundef, ValOps.Add(P(1, 0), P(1, 0)));
        Assert.Equal(I(5), ValOps.Sub(P(1, 8), P(1, 3)));
        Assert.Equal(Val.Vundef, ValOps.Sub(P(1, 8), P(2, 3)));
    }

    [Fact]
    public void AddAndSubOnOtherValues()
    {
        Assert.Equal(I(0), ValOps.Add(I(0xFFFFFFFF), I(1)));
        Assert.Equal(I(0xFFFFFFFF), ValOps.Sub(I(0), I(1)));
        Assert.Equal(P(2, 0xFFFFFFFF), ValOps.Sub(P(2, 0), I(1)));
        Assert.Equal(Val.Vundef, ValOps.Sub(I(8), P(1, 3)));
        Assert.Equal(Val.Vundef, ValOps.Add(Val.Vundef, I(1)));
        Assert.Equal(Val.Vundef, ValOps.Add(Val.Vlong(new Int64(1)), I(1)));
        Assert.Equal(Val.Vundef, ValOps.Add(Val.Vfloat(1), Val.Vfloat(1)));
    }

    // §9 group 26: has_type.
    [Fact]
    public void G26_HasType()
    {
        Assert.True(P(1, 0).HasType(Typ.Tint));
        foreach (var t in Enum.GetValues<Typ>()) Assert.True(Val.Vundef.HasType(t));
        Assert.False(I(0).HasType(Typ.Tfloat));
        Assert.False(Val.Vlong(new Int64(0)).HasType(Typ.Tint));
        Assert.False(P(1, 0).HasType(Typ.Tlong));
        Assert.True(Val.Vfloat(1.0).HasType(Typ.Tsingle));
        Assert.False(Val.Vfloat(0.1).HasType(Typ.Tsingle));
        Assert.True(Val.Vfloat(0.1).HasType(Typ.Tfloat));
        Assert.False(I(0).HasType(Typ.Tsingle));
    }

    [Fact]
    public void BlocksArePositive()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Val.Vptr(0, 0u));
        Assert.Throws<ArgumentOutOfRangeException>(() => Val.Vptr(-1, 0u));
    }

    [Fact]
    public void EqualityIsStructuralOnBits()
    {
        Assert.NotEqual(Val.Vfloat(0.0), Val.Vfloat(-0.0));
        Assert.NotEqual(I(1), P(1, 1));
        Assert.NotEqual(I(1), Val.Vlong(new Int64(1)));
        Assert.Equal(Val.Vzero, I(0));
        Assert.True(ValOps.LessDef(Val.Vundef, I(3)));
        Assert.False(ValOps.LessDef(I(3), Val.Vundef));
        Assert.True(ValOps.LessDef(P(2, 3), P(2, 3)));
    }

    [Fact]
    public void ChunkTable()
    {
        int[] sizes = [1, 1, 2, 2, 4, 8, 4, 8], aligns = [1, 1, 2, 2, 4, 8, 4, 4];
        Typ[] types = [Typ.Tint, Typ.Tint, Typ.Tint, Typ.Tint, Typ.Tint, Typ.Tlong, Typ.Tsingle, Typ.Tfloat];
        for (int i = 0; i < 8; i++)
        {
            var c = (Chunk)i;
            Assert.Equal(sizes[i], c.Size());
            Assert.Equal(aligns[i], c.Align());
            Assert.Equal(types[i], c.Type());
            Assert.Equal(0, c.Size() % c.Align());
        }
        Assert.Equal(Chunk.Mint32, ChunkInfo.OfType(Typ.Tint));
        Assert.Equal(Chunk.Mfloat64, ChunkInfo.OfType(Typ.Tfloat));
        Assert.Equal(Chunk.Mint64, ChunkInfo.OfType(Typ.Tlong));
        Assert.Equal(Chunk.Mfloat32, ChunkInfo.OfType(Typ.Tsingle));
    }
}
