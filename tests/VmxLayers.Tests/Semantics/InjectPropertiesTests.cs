using CsCheck;
using VmxLayers.Semantics;

namespace VmxLayers.Tests.Semantics;

/// <summary>val_inject and memval_inject are monotone under inject_incr (compcert-semantics.md §6.2; val_inject_incr).</summary>
public class InjectPropertiesTests
{
    const long Iter = 1000;

    /// <summary>v2 is, half of the time, the image of v1 under f (so the premise often holds).</summary>
    static Val Image(MemInj f, Val v1, Val other, bool useImage) =>
        useImage && v1.IsPtr && f[v1.Block] is { } t ? Val.Vptr(t.Block, v1.Ofs.Add(Int.Repr(t.Delta)))
        : useImage ? v1 : other;

    /// <summary>f2 = f1 extended with mappings for blocks f1 leaves unmapped.</summary>
    static MemInj Extend(MemInj f1, MemInj extra) =>
        extra.Entries.Aggregate(f1, (f, e) => f[e.From] is null ? f.With(e.From, e.To, e.Delta) : f);

    [Fact]
    public void ValInjectIsMonotone()
    {
        long hits = 0;
        Gen.Select(SemanticsGen.Inj, SemanticsGen.Inj, SemanticsGen.Val, SemanticsGen.Val, Gen.Bool).Sample((f1, extra, v1, other, useImage) =>
        {
            var f2 = Extend(f1, extra);
            Assert.True(Inject.Incr(f1, f2));
            var v2 = Image(f1, v1, other, useImage);
            if (!Inject.Val(f1, v1, v2)) return;
            if (!v1.IsUndef) Interlocked.Increment(ref hits);
            Assert.True(Inject.Val(f2, v1, v2), $"val_inject f1 {v1} {v2} holds but not under f2 = {f2}");
        }, iter: Iter);
        Assert.True(hits >= Iter / 5, $"only {hits} cases with a defined injected value");
    }

    [Fact]
    public void MemvalInjectIsMonotone()
    {
        long hits = 0;
        Gen.Select(SemanticsGen.Inj, SemanticsGen.Inj, SemanticsGen.Memval, SemanticsGen.Memval, Gen.Bool).Sample((f1, extra, m1, other, useImage) =>
        {
            var f2 = Extend(f1, extra);
            var m2 = useImage && m1.Kind == MemvalKind.Pointer && f1[m1.Block] is { } t
                ? Memval.Pointer(t.Block, m1.Ofs.Add(Int.Repr(t.Delta)), m1.N)
                : useImage ? m1 : other;
            if (!Inject.Memval(f1, m1, m2)) return;
            if (m1.Kind != MemvalKind.Undef) Interlocked.Increment(ref hits);
            Assert.True(Inject.Memval(f2, m1, m2));
        }, iter: Iter);
        Assert.True(hits >= Iter / 5, $"only {hits} cases with a defined injected memval");
    }

    /// <summary>Changing an existing mapping is not an increment, and may break an injection that held.</summary>
    [Fact]
    public void ChangingAMappingIsNotAnIncrement()
    {
        Gen.Select(SemanticsGen.Inj, Gen.Int[1, 6], Gen.Int[1, 16]).Sample((f1, b, shift) =>
        {
            if (f1[b] is not { } t) return;
            var f2 = f1.With(b, t.Block, t.Delta + shift);
            Assert.False(Inject.Incr(f1, f2));
            var v1 = Val.Vptr(b, 0u);
            var v2 = Val.Vptr(t.Block, Int.Repr(t.Delta));
            Assert.True(Inject.Val(f1, v1, v2));
            Assert.False(Inject.Val(f2, v1, v2));
        }, iter: Iter / 4);
    }
}
