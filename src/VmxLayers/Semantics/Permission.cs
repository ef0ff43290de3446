namespace VmxLayers.Semantics;

/// <summary>CompCert permissions, totally ordered Freeable ≥ Writable ≥ Readable ≥ Nonempty.</summary>
public enum Permission : byte { Nonempty = 1, Readable = 2, Writable = 3, Freeable = 4 }

/// <summary>Current or maximal permission.</summary>
public enum PermKind : byte { Cur, Max }

/// <summary>A maximal range [Lo, Hi) of one block with the same Cur/Max permissions (0 = none).</summary>
internal readonly record struct PermRun(long Lo, long Hi, byte Cur, byte Max)
{
    public byte Get(PermKind k) => k == PermKind.Cur ? Cur : Max;
}

/// <summary>Per-block permissions as sorted, disjoint runs; offsets outside every run have no permission.</summary>
internal static class PermRuns
{
    public static PermRun[] Alloc(long lo, long hi) =>
        lo < hi ? [new PermRun(lo, hi, (byte)Permission.Freeable, (byte)Permission.Freeable)] : [];

    public static byte Get(PermRun[] runs, long ofs, PermKind k)
    {
        foreach (var r in runs)
            if (ofs >= r.Lo && ofs < r.Hi) return r.Get(k);
        return 0;
    }

    /// <summary>range_perm: every offset in [lo, hi) has at least p (vacuous when hi ≤ lo).</summary>
    public static bool Range(PermRun[] runs, long lo, long hi, PermKind k, Permission p)
    {
        long next = lo;
        foreach (var r in runs)
        {
            if (next >= hi) break;
            if (r.Hi <= next) continue;
            if (r.Lo > next || r.Get(k) < (byte)p) return false;
            next = r.Hi;
        }
        return next >= hi;
    }

    /// <summary>Sets both Cur and Max to `perm` (0 = none) on [lo, hi), splitting runs as needed.</summary>
    public static PermRun[] Set(PermRun[] runs, long lo, long hi, byte perm)
    {
        var result = new List<PermRun>(runs.Length + 2);
        foreach (var r in runs)
        {
            if (r.Hi <= lo || r.Lo >= hi) { result.Add(r); continue; }
            if (r.Lo < lo) result.Add(r with { Hi = lo });
            if (r.Hi > hi) result.Add(r with { Lo = hi });
        }
        if (perm != 0) result.Add(new PermRun(lo, hi, perm, perm));
        result.Sort((a, b) => a.Lo.CompareTo(b.Lo));
        return [.. result];
    }
}
