using VmxLayers.Semantics;

namespace VmxLayers.Tests.Semantics;

/// <summary>Mem.WithoutFreedTail: dropping blocks beyond a bound only when all of them are freed.</summary>
public class MemFreedTailTests
{
    [Fact]
    public void DropsOnlyAFullyFreedTailAndKeepsTheRest()
    {
        var (m, kept) = Mem.Empty.Alloc(0, 8);
        m = m.Store(Chunk.Mint32, kept, 0, Val.Vint(7u))!;
        var (m2, frame) = m.Alloc(0, 16);
        var (m3, data) = m2.Alloc(0, 4);
        Assert.Null(m3.WithoutFreedTail(frame));                     // both still allocated
        var halfFreed = m3.Free(frame, 0, 16)!;
        Assert.Null(halfFreed.WithoutFreedTail(frame));              // the data block is not freed
        Assert.Null(halfFreed.Free(data, 0, 2)!.WithoutFreedTail(frame));   // freed in part only
        var freed = halfFreed.Free(data, 0, 4)!;
        var trimmed = freed.WithoutFreedTail(frame)!;
        Assert.Equal(frame, trimmed.NextBlock);
        Assert.Equal(Val.Vint(7u), trimmed.Load(Chunk.Mint32, kept, 0));
        Assert.Same(freed, freed.WithoutFreedTail(freed.NextBlock));
        Assert.Equal(frame, trimmed.Alloc(0, 4).Block);               // the id is reused
        Assert.Throws<InvalidOperationException>(() => freed.Owned().WithoutFreedTail(frame));
    }
}
