using VmxLayers.Semantics;

namespace VmxLayers.Tests.Semantics;

/// <summary>compcert-semantics.md §8 and §9 group 25 (maps).</summary>
public class ZMapTests
{
    // §9 group 25: ZMap.get 7 (ZMap.init Undef) = Undef.
    [Fact]
    public void G25_InitReadsDefaultEverywhere()
    {
        var m = ZMap<Memval>.Init(Memval.Undef);
        Assert.Equal(Memval.Undef, m.Get(7));
        Assert.Equal(Memval.Undef, m[-7]);
        Assert.Equal(Memval.Undef, m[long.MinValue]);
    }

    // §9 group 25: gss and gso with negative keys.
    [Fact]
    public void G25_GssGsoNegativeKeys()
    {
        var m = ZMap<Val>.Init(Val.Vundef).Set(3, Val.Vint(30));
        var x = Val.Vint(42);
        var n = m.Set(-3, x);
        Assert.Equal(x, n.Get(-3));
        Assert.Equal(m.Get(3), n.Get(3));
        Assert.Equal(Val.Vint(30), n.Get(3));
        Assert.Equal(Val.Vundef, m.Get(-3)); // persistence
    }

    [Fact]
    public void SetTwiceKeepsLastAndNeverChangesDefault()
    {
        var m = ZMap<int>.Init(5).Set(1, 10).Set(1, 20);
        Assert.Equal(20, m[1]);
        Assert.Equal(5, m.Default);
        Assert.Equal(5, m[2]);
        Assert.Equal(new[] { 1L }, m.SetKeys);
    }
}
