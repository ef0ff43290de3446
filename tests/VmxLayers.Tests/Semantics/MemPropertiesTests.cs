using CsCheck;
using VmxLayers.Semantics;

namespace VmxLayers.Tests.Semantics;

/// <summary>
/// Property tests of the memory-model lemmas of compcert-semantics.md §5.4 (Memtype.MemoryModel) against
/// generated memories. A failure prints CsCheck's seed; rerun with <c>seed:</c> (or CsCheck_Seed) to replay.
/// The shrinker's budget is the iteration count. Each property also counts how often its premise held,
/// so that a generator drift cannot make it pass vacuously.
/// </summary>
public class MemPropertiesTests
{
    const long Iter = 250;
    static readonly Permission[] Perms = Enum.GetValues<Permission>();
    static readonly PermKind[] Kinds = Enum.GetValues<PermKind>();

    static readonly Gen<(MemPlan, int, int, Chunk, Val)> InBoundsStore =
        Gen.Select(SemanticsGen.Plan, Gen.Int[0, 3], Gen.Int[0, 16], SemanticsGen.Chunk, SemanticsGen.Val);

    /// <summary>Stores anywhere near the blocks: block picks 0 and 5 are invalid ids, offsets may be misaligned or out of bounds.</summary>
    static readonly Gen<(MemPlan, int, int, int, Chunk, Val)> AnyStore =
        Gen.Select(SemanticsGen.Plan, Gen.Int[0, 5], Gen.Int[-3, 16], Gen.Frequency((5, 0), (1, 1), (1, 2), (1, 3)), SemanticsGen.Chunk, SemanticsGen.Val);

    /// <summary>A range [lo, lo + len) starting near one of the plan's blocks, with a permission.</summary>
    static readonly Gen<(MemPlan, int, int, int, Permission)> Range =
        Gen.Select(SemanticsGen.Plan, Gen.Int[0, 5], Gen.Int[0, 64], Gen.Int[-2, 12], SemanticsGen.Permission);

    /// <summary>Pick 0 is block 0 (never valid), pick 5 the next block id; others a valid block.</summary>
    static int PickBlock(MemPlan p, int pick) => pick switch
    {
        0 => 0,
        5 => p.Blocks.Length + 1,
        _ => 1 + (pick - 1) % p.Blocks.Length,
    };

    static long LoOf(MemPlan p, int b) => b >= 1 && b <= p.Blocks.Length ? p.Blocks[b - 1].Lo : 0;

    /// <summary>A range start from 2 bytes before to 2 bytes past the block (k folded onto its size).</summary>
    static long RangeStart(MemPlan p, int b, int k) =>
        b >= 1 && b <= p.Blocks.Length ? p.Blocks[b - 1].Lo + k % (p.Blocks[b - 1].Size + 5) - 2 : k - 2;

    /// <summary>An aligned offset inside (or just past) one of the plan's blocks, so most stores succeed.</summary>
    static (int B, long Ofs) Site(MemPlan p, int pick, int k, Chunk c)
    {
        int b = 1 + pick % p.Blocks.Length;
        var spec = p.Blocks[b - 1];
        long a = c.Align(), r = ((spec.Lo % a) + a) % a;
        long start = r == 0 ? spec.Lo : spec.Lo + a - r;
        long slots = Math.Max(1, (spec.Hi - start) / a + 1);
        return (b, start + a * (k % slots));
    }

    static bool Disjoint(int b1, long lo1, long hi1, int b2, long lo2, long hi2) => b1 != b2 || hi1 <= lo2 || hi2 <= lo1;

    static void AtLeast(long hits, long min, string what) =>
        Assert.True(hits >= min, $"only {hits} generated cases satisfied the premise of {what}; the generator no longer exercises it");

    [Fact]
    public void LoadStoreSame()
    {
        long hits = 0;
        InBoundsStore.Sample((plan, pick, k, c, v) =>
        {
            var m = plan.Build();
            var (b, ofs) = Site(plan, pick, k, c);
            if (m.Store(c, b, ofs, v) is not { } m2) return;
            Interlocked.Increment(ref hits);
            Assert.Equal(ValOps.LoadResult(c, v), m2.Load(c, b, ofs));
            Assert.Equal(Encoding.EncodeVal(c, v), m2.LoadBytes(b, ofs, c.Size())); // loadbytes_store_same
        }, iter: Iter);
        AtLeast(hits, Iter / 3, "load_store_same");
    }

    [Fact]
    public void LoadStoreOther()
    {
        long hits = 0;
        InBoundsStore.Sample((plan, pick, k, c, v) =>
        {
            var m = plan.Build();
            var (b, ofs) = Site(plan, pick, k, c);
            if (m.Store(c, b, ofs, v) is not { } m2) return;
            foreach (int b2 in plan.ProbeBlocks)
                foreach (long ofs2 in plan.ProbeOffsets(b2))
                    foreach (var c2 in ChunkInfo.All)
                        if (Disjoint(b, ofs, ofs + c.Size(), b2, ofs2, ofs2 + c2.Size()))
                        {
                            Interlocked.Increment(ref hits);
                            Assert.Equal(m.Load(c2, b2, ofs2), m2.Load(c2, b2, ofs2));
                        }
        }, iter: Iter);
        AtLeast(hits, Iter * 100, "load_store_other");
    }

    /// <summary>store_valid_access_1/_2, perm_store_1/_2, nextblock_store: a store changes no permission.</summary>
    [Fact]
    public void StoreKeepsValidAccessPermsAndNextblock()
    {
        long hits = 0;
        InBoundsStore.Sample((plan, pick, k, c, v) =>
        {
            var m = plan.Build();
            var (b, ofs) = Site(plan, pick, k, c);
            if (m.Store(c, b, ofs, v) is not { } m2) return;
            Interlocked.Increment(ref hits);
            Assert.Equal(m.NextBlock, m2.NextBlock);
            foreach (int b2 in plan.ProbeBlocks)
            {
                Assert.Equal(m.ValidBlock(b2), m2.ValidBlock(b2));
                foreach (long ofs2 in plan.ProbeOffsets(b2))
                {
                    foreach (var kind in Kinds) Assert.Equal(m.GetPerm(b2, ofs2, kind), m2.GetPerm(b2, ofs2, kind));
                    foreach (var c2 in ChunkInfo.All)
                        foreach (var p in Perms)
                            Assert.Equal(m.ValidAccess(c2, b2, ofs2, p), m2.ValidAccess(c2, b2, ofs2, p));
                }
            }
        }, iter: Iter);
        AtLeast(hits, Iter / 3, "store_valid_access_1/_2");
    }

    /// <summary>valid_access_store and store_valid_access_3 (store succeeds iff valid_access Writable), and the same for load at Readable.</summary>
    [Fact]
    public void StoreSucceedsIffValidAccessWritable()
    {
        long ok = 0, failed = 0;
        AnyStore.Sample((plan, pick, k, misalign, c, v) =>
        {
            var m = plan.Build();
            int b = PickBlock(plan, pick);
            long ofs = LoOf(plan, b) / 8 * 8 + c.Align() * k + misalign;
            bool stored = m.Store(c, b, ofs, v) is not null;
            Interlocked.Increment(ref stored ? ref ok : ref failed);
            Assert.Equal(m.ValidAccess(c, b, ofs, Permission.Writable), stored);
            Assert.Equal(m.ValidAccess(c, b, ofs, Permission.Readable), m.Load(c, b, ofs) is not null);
            bool aligned = ofs % c.Align() == 0;
            Assert.Equal(aligned && m.RangePerm(b, ofs, ofs + c.Size(), PermKind.Cur, Permission.Writable), stored);
        }, iter: Iter * 2);
        AtLeast(ok, Iter / 8, "valid_access_store");
        AtLeast(failed, Iter / 8, "store_valid_access_3 (failing stores)");
    }

    /// <summary>alloc_result, nextblock_alloc, perm_alloc_1..4, valid_access_alloc_same, load_alloc_same', load_alloc_unchanged.</summary>
    [Fact]
    public void AllocPermissions()
    {
        Gen.Select(SemanticsGen.Plan, Gen.Int[-16, 16], Gen.Int[-4, 40]).Sample((plan, lo, size) =>
        {
            var m = plan.Build();
            long hi = lo + size;
            var (m2, b) = m.Alloc(lo, hi);
            Assert.Equal(m.NextBlock, b);
            Assert.Equal(b + 1, m2.NextBlock);
            Assert.Equal(b, m.NextBlock); // the old memory is untouched
            for (long ofs = lo - 8; ofs < Math.Max(lo, hi) + 8; ofs++)
            {
                bool inside = lo <= ofs && ofs < hi;
                foreach (var kind in Kinds)
                    Assert.Equal(inside ? Permission.Freeable : null, m2.GetPerm(b, ofs, kind)); // perm_alloc_2 / _3
                foreach (var c in ChunkInfo.All)
                {
                    bool fits = ofs % c.Align() == 0 && lo <= ofs && ofs + c.Size() <= hi;
                    Assert.Equal(fits, m2.ValidAccess(c, b, ofs, Permission.Freeable));
                    Assert.Equal(fits ? Val.Vundef : null, m2.Load(c, b, ofs));
                }
            }
            foreach (int b2 in Enumerable.Range(0, b))
                foreach (long ofs in plan.ProbeOffsets(b2))
                {
                    foreach (var kind in Kinds) Assert.Equal(m.GetPerm(b2, ofs, kind), m2.GetPerm(b2, ofs, kind)); // perm_alloc_1 / _4
                    foreach (var c in ChunkInfo.All) Assert.Equal(m.Load(c, b2, ofs), m2.Load(c, b2, ofs));
                }
        }, iter: Iter);
    }

    /// <summary>free_range_perm, range_perm_free, perm_free_1/_2/_3, nextblock_free, load_free, valid_access_free_2 (MemimplX free).</summary>
    [Fact]
    public void FreePermissions()
    {
        long hits = 0;
        Range.Sample((plan, pick, k, len, _) =>
        {
            var m = plan.Build();
            int b = PickBlock(plan, pick);
            long lo = RangeStart(plan, b, k);
            long hi = lo + len;
            var r = m.Free(b, lo, hi);
            Assert.Equal(hi <= lo || m.RangePerm(b, lo, hi, PermKind.Cur, Permission.Freeable), r is not null);
            if (r is null) return;
            if (hi > lo) Interlocked.Increment(ref hits);
            Assert.Equal(m.NextBlock, r.NextBlock);
            foreach (int b2 in plan.ProbeBlocks)
                foreach (long ofs in plan.ProbeOffsets(b2))
                {
                    bool inside = b2 == b && lo <= ofs && ofs < hi;
                    foreach (var kind in Kinds)
                    {
                        if (inside) Assert.False(r.Perm(b2, ofs, kind, Permission.Nonempty)); // perm_free_2
                        else Assert.Equal(m.GetPerm(b2, ofs, kind), r.GetPerm(b2, ofs, kind)); // perm_free_1 / _3
                    }
                    foreach (var c in ChunkInfo.All)
                    {
                        if (Disjoint(b, lo, hi, b2, ofs, ofs + c.Size()) || hi <= lo)
                            Assert.Equal(m.Load(c, b2, ofs), r.Load(c, b2, ofs)); // load_free
                        else
                            Assert.False(r.ValidAccess(c, b2, ofs, Permission.Nonempty)); // valid_access_free_2
                    }
                }
        }, iter: Iter);
        AtLeast(hits, Iter / 12, "perm_free_2 (non-empty frees)");
    }

    /// <summary>range_perm_drop_1/_2, perm_drop_1..4, load_drop.</summary>
    [Fact]
    public void DropPermPermissions()
    {
        long hits = 0;
        Range.Sample((plan, pick, k, len, p) =>
        {
            var m = plan.Build();
            int b = PickBlock(plan, pick);
            long lo = RangeStart(plan, b, k);
            long hi = lo + len;
            var r = m.DropPerm(b, lo, hi, p);
            Assert.Equal(m.RangePerm(b, lo, hi, PermKind.Cur, Permission.Freeable), r is not null);
            if (r is null) return;
            if (hi > lo) Interlocked.Increment(ref hits);
            Assert.Equal(m.NextBlock, r.NextBlock);
            foreach (int b2 in plan.ProbeBlocks)
                foreach (long ofs in plan.ProbeOffsets(b2))
                {
                    bool inside = b2 == b && lo <= ofs && ofs < hi;
                    foreach (var kind in Kinds)
                    {
                        if (inside)
                        {
                            Assert.True(r.Perm(b2, ofs, kind, p)); // perm_drop_1
                            foreach (var q in Perms) if (r.Perm(b2, ofs, kind, q)) Assert.True(p >= q); // perm_drop_2
                        }
                        else Assert.Equal(m.GetPerm(b2, ofs, kind), r.GetPerm(b2, ofs, kind)); // perm_drop_3
                        foreach (var q in Perms) if (r.Perm(b2, ofs, kind, q)) Assert.True(m.Perm(b2, ofs, kind, q)); // perm_drop_4
                    }
                    foreach (var c in ChunkInfo.All)
                        if (p >= Permission.Readable || Disjoint(b, lo, hi, b2, ofs, ofs + c.Size()))
                            Assert.Equal(m.Load(c, b2, ofs), r.Load(c, b2, ofs)); // load_drop
                }
        }, iter: Iter);
        AtLeast(hits, Iter / 12, "perm_drop_1 (non-empty drops)");
    }
}
