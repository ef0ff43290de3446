using VmxLayers.Semantics;
using Int64 = VmxLayers.Semantics.Int64;
using static VmxLayers.Tests.Semantics.MemFixture;

namespace VmxLayers.Tests.Semantics;

/// <summary>compcert-semantics.md §6.1–6.2, §4.8 and §9 group 24.</summary>
public class InjectTests
{
    static readonly MemInj F = MemInj.Empty.With(1, 3, 8); // f 1 = Some(3, 8), f 2 = None

    // §9 group 24: val_inject.
    [Fact]
    public void G24_ValInject()
    {
        Assert.True(Inject.Val(F, P(1, 4), P(3, 12)));
        Assert.True(Inject.Val(F, P(1, 0xFFFFFFFC), P(3, 4)));
        Assert.True(Inject.Val(F, Val.Vundef, I(7)));
        Assert.True(Inject.Val(F, I(7), I(7)));
        Assert.False(Inject.Val(F, I(7), I(8)));
        Assert.False(Inject.Val(F, I(7), Val.Vundef));
        Assert.False(Inject.Val(F, I(7), P(3, 7)));
        foreach (var v2 in new[] { Val.Vundef, I(0), P(2, 0), P(3, 8), P(3, 0) })
            Assert.False(Inject.Val(F, P(2, 0), v2));
    }

    [Fact]
    public void G24_PointerInjectionNeedsBlockAndDelta()
    {
        Assert.False(Inject.Val(F, P(1, 4), P(3, 4)));
        Assert.False(Inject.Val(F, P(1, 4), P(1, 12)));
        Assert.False(Inject.Val(F, P(3, 12), P(3, 12))); // 3 is not mapped
        Assert.False(Inject.Val(F, P(1, 4), I(12)));
        var neg = MemInj.Empty.With(1, 2, -4);
        Assert.True(Inject.Val(neg, P(1, 0), P(2, 0xFFFFFFFC)));
    }

    [Fact]
    public void UndefInjectsIntoEverythingAndOtherValuesOnlyIntoThemselves()
    {
        Val[] all = [Val.Vundef, I(1), Val.Vlong(new Int64(1)), Val.Vfloat(1.0), P(3, 9)];
        foreach (var v in all) Assert.True(Inject.Val(F, Val.Vundef, v));
        Val[] defined = [I(1), Val.Vlong(new Int64(1)), Val.Vfloat(1.0)];
        foreach (var v1 in defined)
            foreach (var v2 in all)
                Assert.Equal(v1 == v2, Inject.Val(F, v1, v2));
        Assert.False(Inject.Val(F, Val.Vfloat(0.0), Val.Vfloat(-0.0)));
    }

    [Fact]
    public void InjectIdIsLessDef()
    {
        var id = MemInj.Flat(4);
        Val[] all = [Val.Vundef, I(1), I(2), Val.Vlong(new Int64(1)), Val.Vfloat(1.0), P(1, 9), P(2, 9), P(3, 0)];
        foreach (var a in all)
            foreach (var b in all)
                Assert.Equal(ValOps.LessDef(a, b), Inject.Val(id, a, b));
    }

    [Fact]
    public void MemvalInject()
    {
        Assert.True(Inject.Memval(F, Memval.Undef, Byte(3)));
        Assert.True(Inject.Memval(F, Memval.Undef, Ptr(9, 0, 1)));
        Assert.True(Inject.Memval(F, Byte(3), Byte(3)));
        Assert.False(Inject.Memval(F, Byte(3), Byte(4)));
        Assert.False(Inject.Memval(F, Byte(3), Memval.Undef));
        Assert.True(Inject.Memval(F, Ptr(1, 4, 2), Ptr(3, 12, 2)));
        Assert.False(Inject.Memval(F, Ptr(1, 4, 2), Ptr(3, 12, 1)));
        Assert.False(Inject.Memval(F, Ptr(1, 4, 2), Ptr(3, 4, 2)));
        Assert.False(Inject.Memval(F, Ptr(2, 4, 2), Ptr(2, 4, 2)));
        Assert.True(Inject.Memval(F, Ptr(1, 0xFFFFFFFC, 0), Ptr(3, 4, 0)));
    }

    [Fact]
    public void InjectIncrAllowsAddingButNotChanging()
    {
        var f2 = F.With(2, 5, 0);
        Assert.True(Inject.Incr(F, f2));
        Assert.False(Inject.Incr(f2, F));
        Assert.True(Inject.Incr(MemInj.Empty, F));
        Assert.True(Inject.Incr(F, F));
        Assert.False(Inject.Incr(F, F.With(1, 3, 16)));
        Assert.False(Inject.Incr(F, F.With(1, 4, 8)));
    }

    [Fact]
    public void FlatInjMapsBlocksBelowTheThreshold()
    {
        var flat = MemInj.Flat(3);
        Assert.Equal((1, 0L), flat[1]);
        Assert.Equal((2, 0L), flat[2]);
        Assert.Null(flat[3]);
        Assert.Null(flat[0]);
        Assert.Empty(MemInj.Flat(1).Entries);
    }
}
