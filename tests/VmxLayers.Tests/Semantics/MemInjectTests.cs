using VmxLayers.Semantics;
using static VmxLayers.Tests.Semantics.MemFixture;

namespace VmxLayers.Tests.Semantics;

/// <summary>compcert-semantics.md §6.3–6.4: each clause of Mem.inject is decided, and each can fail.</summary>
public class MemInjectTests
{
    /// <summary>m1: block 1 = [0, 8) holding Vptr 1 0 at 0; m2: block 1 = [0, 16) holding Vptr 1 8 at 8; f 1 = (1, 8).</summary>
    static (MemInj F, Mem M1, Mem M2) Good()
    {
        var m1 = Mem.Empty.Alloc(0, 8).Mem.Stored(Chunk.Mint32, 0, P(1, 0)).Stored(Chunk.Mint32, 4, I(7));
        var m2 = Mem.Empty.Alloc(0, 16).Mem.Stored(Chunk.Mint32, 8, P(1, 8)).Stored(Chunk.Mint32, 12, I(7));
        return (MemInj.Empty.With(1, 1, 8), m1, m2);
    }

    static string? Clause(MemInj f, Mem m1, Mem m2) => MemInject.Check(f, m1, m2)?.Clause;

    [Fact]
    public void ARelatedPairInjects()
    {
        var (f, m1, m2) = Good();
        Assert.Null(MemInject.Check(f, m1, m2));
        Assert.True(MemInject.Holds(f, m1, m2));
        Assert.True(MemInject.Holds(MemInj.Flat(m1.NextBlock), m1, m1)); // neutral_inject
        Assert.True(MemInject.Holds(MemInj.Empty, m1, m2));
    }

    [Fact]
    public void MiFreeblocks()
    {
        var (f, m1, m2) = Good();
        Assert.Equal("mi_freeblocks", Clause(f.With(2, 1, 0), m1, m2));
    }

    [Fact]
    public void MiMappedblocks()
    {
        var (_, m1, m2) = Good();
        Assert.Equal("mi_mappedblocks", Clause(MemInj.Empty.With(1, 2, 0), m1, m2));
    }

    [Fact]
    public void MiPerm()
    {
        var (f, m1, m2) = Good();
        Assert.Equal("mi_perm", Clause(f, m1, m2.DropPerm(1, 12, 16, Permission.Readable)!));
        Assert.Equal("mi_perm", Clause(f, m1, m2.Free(1, 15, 16)!));
        // Dropping in m1 instead keeps the injection (fewer permissions on the left).
        Assert.Null(MemInject.Check(f, m1.DropPerm(1, 0, 8, Permission.Readable)!, m2));
    }

    [Fact]
    public void MiAlign()
    {
        var m1 = Mem.Empty.Alloc(0, 8).Mem;
        var m2 = Mem.Empty.Alloc(0, 32).Mem;
        Assert.Null(MemInject.Check(MemInj.Empty.With(1, 1, 16), m1, m2));
        Assert.Equal("mi_align", Clause(MemInj.Empty.With(1, 1, 4), m1, m2)); // an 8-byte range needs Mint64's 8
        var small = Mem.Empty.Alloc(0, 4).Mem;
        Assert.Null(MemInject.Check(MemInj.Empty.With(1, 1, 4), small, m2));
        Assert.Equal("mi_align", Clause(MemInj.Empty.With(1, 1, 2), small, m2));
        var split = m1.Free(1, 3, 4)!; // longest Max range is now 4 bytes
        Assert.Null(MemInject.Check(MemInj.Empty.With(1, 1, 4), split, m2));
    }

    [Fact]
    public void MiMemval()
    {
        var (f, m1, m2) = Good();
        Assert.Equal("mi_memval", Clause(f, m1, m2.Stored(Chunk.Mint32, 12, I(8))));
        Assert.Equal("mi_memval", Clause(f, m1, m2.Stored(Chunk.Mint32, 8, P(1, 0))));
        Assert.Equal("mi_memval", Clause(f, m1.Stored(Chunk.Mint32, 0, P(2, 0)), m2)); // block 2 unmapped
        // Undef on the left injects into anything; unreadable cells are not compared.
        Assert.Null(MemInject.Check(f, m1.Stored(Chunk.Mint32, 4, Val.Vundef), m2));
        Assert.Null(MemInject.Check(f, m1.DropPerm(1, 4, 8, Permission.Nonempty)!, m2.Stored(Chunk.Mint32, 12, I(9))));
    }

    [Fact]
    public void MiNoOverlap()
    {
        var m1 = Mem.Empty.Alloc(0, 8).Mem.Alloc(0, 8).Mem;
        var m2 = Mem.Empty.Alloc(0, 32).Mem;
        var disjoint = MemInj.Empty.With(1, 1, 0).With(2, 1, 8);
        Assert.Null(MemInject.Check(disjoint, m1, m2));
        Assert.Equal("mi_no_overlap", Clause(MemInj.Empty.With(1, 1, 0).With(2, 1, 0), m1, m2));
        // A freed part has no Max permission, so it may overlap.
        var freed = m1.Free(2, 0, 8)!;
        Assert.Null(MemInject.Check(MemInj.Empty.With(1, 1, 0).With(2, 1, 0), freed, m2));
    }

    [Fact]
    public void MiRepresentable()
    {
        var low = Mem.Empty.Alloc(8, 16).Mem;
        var target = Mem.Empty.Alloc(0, 8).Mem;
        Assert.Equal("mi_representable", Clause(MemInj.Empty.With(1, 1, -8), low, target));

        var m1 = Mem.Empty.Alloc(0, 16).Mem;
        var big = Mem.Empty.Alloc(0, Int.Modulus + 16).Mem;
        Assert.Null(MemInject.Check(MemInj.Empty.With(1, 1, Int.Modulus - 24), m1, big));
        // One past the end (offset 16) would land on 2^32 + 8.
        Assert.Equal("mi_representable", Clause(MemInj.Empty.With(1, 1, Int.Modulus - 8), m1, big));
    }
}
