namespace VmxLayers.Semantics;

/// <summary>Which clause of Mem.inject fails, and where.</summary>
public sealed record InjectViolation(string Clause, string Detail)
{
    public override string ToString() => $"{Clause}: {Detail}";
}

/// <summary>Decides Mem.inject f m1 m2 clause by clause (compcert-semantics §6.3–6.4).</summary>
public static class MemInject
{
    public static InjectViolation? Check(MemInj f, Mem m1, Mem m2) =>
        FreeBlocks(f, m1) ?? MappedBlocks(f, m2) ?? Perm(f, m1, m2) ?? Align(f, m1)
        ?? Memvals(f, m1, m2) ?? NoOverlap(f, m1) ?? Representable(f, m1);

    public static bool Holds(MemInj f, Mem m1, Mem m2) => Check(f, m1, m2) is null;

    static IEnumerable<(int B1, int B2, long Delta)> Mapped(MemInj f, Mem m1) =>
        f.Entries.Where(e => m1.ValidBlock(e.From)).Select(e => (e.From, e.To, e.Delta));

    static InjectViolation? FreeBlocks(MemInj f, Mem m1)
    {
        foreach (var e in f.Entries)
            if (!m1.ValidBlock(e.From))
                return new("mi_freeblocks", $"block {e.From} is not valid in m1 but f maps it to ({e.To}, {e.Delta})");
        return null;
    }

    static InjectViolation? MappedBlocks(MemInj f, Mem m2)
    {
        foreach (var e in f.Entries)
            if (!m2.ValidBlock(e.To))
                return new("mi_mappedblocks", $"f maps block {e.From} to block {e.To}, which is not valid in m2");
        return null;
    }

    static InjectViolation? Perm(MemInj f, Mem m1, Mem m2)
    {
        foreach (var (b1, b2, delta) in Mapped(f, m1))
            foreach (var run in m1.PermissionRuns(b1))
                foreach (var (kind, p) in new[] { (PermKind.Cur, run.Cur), (PermKind.Max, run.Max) })
                    if (p is { } perm && !m2.RangePerm(b2, run.Lo + delta, run.Hi + delta, kind, perm))
                        return new("mi_perm", $"m1 has {kind} {perm} on block {b1} [{run.Lo}, {run.Hi}) but m2 lacks it on block {b2} [{run.Lo + delta}, {run.Hi + delta})");
        return null;
    }

    static InjectViolation? Align(MemInj f, Mem m1)
    {
        foreach (var (b1, _, delta) in Mapped(f, m1))
        {
            long longest = LongestMaxRange(m1, b1);
            foreach (var c in ChunkInfo.All)
                if (longest >= c.Size() && delta % c.Align() != 0)
                    return new("mi_align", $"block {b1} has a Max-permission range of {longest} bytes, so delta {delta} must be a multiple of {c.Align()} ({c})");
        }
        return null;
    }

    /// <summary>The longest run of consecutive offsets with some Max permission.</summary>
    static long LongestMaxRange(Mem m, int b)
    {
        long best = 0, curLen = 0, prevHi = long.MinValue;
        foreach (var r in m.PermissionRuns(b).Where(r => r.Max is not null))
        {
            curLen = r.Lo == prevHi ? curLen + (r.Hi - r.Lo) : r.Hi - r.Lo;
            prevHi = r.Hi;
            best = Math.Max(best, curLen);
        }
        return best;
    }

    static InjectViolation? Memvals(MemInj f, Mem m1, Mem m2)
    {
        foreach (var (b1, b2, delta) in Mapped(f, m1))
            foreach (var run in m1.PermissionRuns(b1).Where(r => r.Cur >= Permission.Readable))
                for (long ofs = run.Lo; ofs < run.Hi; ofs++)
                {
                    Memval c1 = m1.Cell(b1, ofs), c2 = m2.Cell(b2, ofs + delta);
                    if (!Inject.Memval(f, c1, c2))
                        return new("mi_memval", $"cell ({b1}, {ofs}) = {c1} does not inject into cell ({b2}, {ofs + delta}) = {c2}");
                }
        return null;
    }

    static InjectViolation? NoOverlap(MemInj f, Mem m1)
    {
        var images = Mapped(f, m1)
            .SelectMany(e => m1.PermissionRuns(e.B1).Where(r => r.Max is not null)
                .Select(r => (e.B1, e.B2, Lo: r.Lo + e.Delta, Hi: r.Hi + e.Delta)))
            .ToList();
        for (int i = 0; i < images.Count; i++)
            for (int j = i + 1; j < images.Count; j++)
            {
                var (x, y) = (images[i], images[j]);
                if (x.B1 != y.B1 && x.B2 == y.B2 && x.Lo < y.Hi && y.Lo < x.Hi)
                    return new("mi_no_overlap", $"blocks {x.B1} and {y.B1} both reach block {x.B2} at [{Math.Max(x.Lo, y.Lo)}, {Math.Min(x.Hi, y.Hi)})");
            }
        return null;
    }

    static InjectViolation? Representable(MemInj f, Mem m1)
    {
        foreach (var (b1, _, delta) in Mapped(f, m1))
            foreach (var r in m1.PermissionRuns(b1).Where(r => r.Max is not null))
            {
                // Unsigned offsets u with u or u-1 in [Lo, Hi): [Lo, Hi] clipped to [0, 2^32).
                long lo = Math.Max(r.Lo, 0), hi = Math.Min(r.Hi, Int.MaxUnsigned);
                if (lo > hi) continue;
                if (delta < 0 || lo + delta < 0 || hi + delta > Int.MaxUnsigned)
                    return new("mi_representable", $"block {b1} offsets [{lo}, {hi}] shifted by delta {delta} leave [0, {Int.MaxUnsigned}]");
            }
        return null;
    }
}
