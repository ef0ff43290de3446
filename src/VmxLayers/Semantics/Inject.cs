using System.Collections.Immutable;

namespace VmxLayers.Semantics;

/// <summary>A memory injection (CompCert meminj): block ↦ optional (block, delta). Finite support.</summary>
public sealed class MemInj
{
    readonly ImmutableSortedDictionary<int, (int Block, long Delta)> map;

    MemInj(ImmutableSortedDictionary<int, (int Block, long Delta)> map) { this.map = map; }

    public static readonly MemInj Empty = new(ImmutableSortedDictionary<int, (int, long)>.Empty);

    /// <summary>inject_id restricted to blocks below a bound (CompCert's flat_inj thr).</summary>
    public static MemInj Flat(int threshold)
    {
        var b = ImmutableSortedDictionary.CreateBuilder<int, (int, long)>();
        for (int i = 1; i < threshold; i++) b[i] = (i, 0);
        return new MemInj(b.ToImmutable());
    }

    public (int Block, long Delta)? this[int b] => map.TryGetValue(b, out var t) ? t : null;

    public MemInj With(int b, int target, long delta) => new(map.SetItem(b, (target, delta)));

    public IEnumerable<(int From, int To, long Delta)> Entries => map.Select(kv => (kv.Key, kv.Value.Block, kv.Value.Delta));

    public override string ToString() => "{" + string.Join(", ", Entries.Select(e => $"{e.From}↦({e.To},{e.Delta})")) + "}";
}

/// <summary>val_inject, memval_inject and inject_incr.</summary>
public static class Inject
{
    public static bool Val(MemInj f, Val v1, Val v2)
    {
        if (v1.IsUndef) return true;
        if (v1.Tag != v2.Tag) return false;
        if (!v1.IsPtr) return v1 == v2;
        return f[v1.Block] is { } t && t.Block == v2.Block && v2.Ofs == v1.Ofs.Add(Int.Repr(t.Delta));
    }

    public static bool Memval(MemInj f, Memval m1, Memval m2) => m1.Kind switch
    {
        MemvalKind.Undef => true,
        MemvalKind.Byte => m2.Kind == MemvalKind.Byte && m2.Value == m1.Value,
        _ => m2.Kind == MemvalKind.Pointer && m2.N == m1.N && f[m1.Block] is { } t
             && t.Block == m2.Block && m2.Ofs == m1.Ofs.Add(Int.Repr(t.Delta)),
    };

    /// <summary>inject_incr f1 f2: every mapping of f1 is in f2, unchanged.</summary>
    public static bool Incr(MemInj f1, MemInj f2) => f1.Entries.All(e => f2[e.From] == (e.To, e.Delta));
}
