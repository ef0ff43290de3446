using CsCheck;
using VmxLayers.Constants;
using VmxLayers.Layers;
using VmxLayers.Semantics;

namespace VmxLayers.Tests.Smt;

/// <summary>
/// The generic memory facts the prover's word-level SMT encoding of VMX_LOC relies on (A1–A8),
/// each checked as a property of the concrete byte-level memory on random memories, values and injections.
/// </summary>
public sealed class AssumptionTests
{
    const int Iter = 400;

    // ---------------------------------------------------------------- A1–A2: store then load

    /// <summary>Guards against a vacuous pass: the property's hypothesis must have held often enough.</summary>
    static void NotVacuous(int relevant, int iterations, string what) =>
        Assert.True(relevant >= iterations / 10, $"only {relevant} of {iterations} cases had {what}");

    [Fact]
    public void A1_load_store_same()
    {
        int stores = 0;
        Gen.Select(MemGen.Memory, MemGen.Block, MemGen.Offset, MemGen.Value).Sample((mc, b, ofs, v) =>
        {
            if (mc.Mem.Store(Chunk.Mint32, b, ofs, v) is not { } m2) return true;
            Interlocked.Increment(ref stores);
            return m2.Load(Chunk.Mint32, b, ofs) == ValOps.LoadResult(Chunk.Mint32, v);
        }, iter: Iter);
        NotVacuous(stores, Iter, "a successful store");
    }

    [Fact]
    public void A2_load_store_other()
    {
        int relevant = 0;
        // Half the loads are a few words away from the store in the same block, where a byte-level bug would show.
        var slots = Gen.Select(MemGen.Block, MemGen.AlignedOffset, MemGen.Block, MemGen.AlignedOffset, Gen.Bool, Gen.Int[-3, 3],
            (b, o, b2, o2, near, k) => near ? (b, o, b, o + 4 * k) : (b, o, b2, o2));
        Gen.Select(MemGen.Memory, slots, MemGen.Value).Sample((mc, s, v) =>
        {
            var (b, ofs, b2, ofs2) = s;
            if ((b, ofs) == (b2, ofs2) || mc.Mem.Store(Chunk.Mint32, b, ofs, v) is not { } m2) return true;
            var before = mc.Mem.Load(Chunk.Mint32, b2, ofs2);
            if (before is not null) Interlocked.Increment(ref relevant);
            return m2.Load(Chunk.Mint32, b2, ofs2) == before;
        }, iter: Iter);
        NotVacuous(relevant, Iter, "a successful store and a successful load elsewhere");
    }

    // ---------------------------------------------------------------- A3: slot layout arithmetic

    static long SlotOffset(long cpu, int slot) => (long)VmxSlots.Stride * cpu + 4 * slot;

    [Fact]
    public void A3_slot_disjointness()
    {
        var cpu = Gen.Frequency((3, Gen.Long[0, 16]), (1, Gen.Long[0, 1L << 24]));
        var slot = Gen.Int[0, VmxSlots.Size - 1];
        // Half the pairs use the same or a neighbouring CPU, where a wrong stride or size would collide.
        var pair = Gen.Select(cpu, slot, cpu, slot, Gen.Bool, (c, i, c2, i2, near) => near ? (c, i, Math.Max(0, c + c2 % 3 - 1), i2) : (c, i, c2, i2));
        pair.Sample((c, i, c2, i2) =>
        {
            long o = SlotOffset(c, i), o2 = SlotOffset(c2, i2);
            bool same = (c, i) == (c2, i2);
            bool disjoint = o + 4 <= o2 || o2 + 4 <= o;
            // The offset decodes back to (c, i): injectivity for all pairs, not only the sampled ones.
            bool decodes = (o / VmxSlots.Stride, o % VmxSlots.Stride / 4) == (c, i) && o % VmxSlots.Stride + 4 <= VmxSlots.Stride;
            return (o == o2) == same && (same || disjoint) && o % 4 == 0 && decodes;
        }, iter: 5 * Iter);
    }

    // ---------------------------------------------------------------- A4: what a store preserves

    [Fact]
    public void A4_store_preserves_nextblock_permissions_and_valid_access()
    {
        int stores = 0;
        var probe = Gen.Select(MemGen.Block, MemGen.Offset, MemGen.Chunk, Gen.Enum<Permission>());
        Gen.Select(MemGen.Memory, MemGen.Chunk, Gen.Select(MemGen.Block, MemGen.Offset, MemGen.Value), probe.Array[8])
            .Sample((mc, c, st, probes) =>
            {
                var (b, ofs, v) = st;
                var m = mc.Mem;
                if (m.Store(c, b, ofs, v) is not { } m2) return true;
                Interlocked.Increment(ref stores);
                if (m2.NextBlock != m.NextBlock) return false;
                for (int blk = 0; blk <= m.NextBlock; blk++)
                    for (long o = MemGen.MinOfs - 4; o <= MemGen.MaxOfs + 8; o++)
                        if (m2.GetPerm(blk, o, PermKind.Cur) != m.GetPerm(blk, o, PermKind.Cur)
                            || m2.GetPerm(blk, o, PermKind.Max) != m.GetPerm(blk, o, PermKind.Max)) return false;
                return probes.All(p => m2.ValidAccess(p.Item3, p.Item1, p.Item2, p.Item4) == m.ValidAccess(p.Item3, p.Item1, p.Item2, p.Item4));
            }, iter: Iter);
        NotVacuous(stores, Iter, "a successful store");
    }

    // ---------------------------------------------------------------- A5: stores outside the injection's image

    /// <summary>No high block mapped onto low block b has any (Cur or Max) permission on [ofs−δ, ofs+4−δ).</summary>
    static bool OutsideImage(MemInj f, Mem high, int b, long ofs) =>
        f.Entries.Where(e => e.To == b).All(e =>
        {
            for (long o = ofs - e.Delta; o < ofs + 4 - e.Delta; o++)
                if (high.GetPerm(e.From, o, PermKind.Cur) is not null || high.GetPerm(e.From, o, PermKind.Max) is not null) return false;
            return true;
        });

    [Fact]
    public void A5_store_outside_inject()
    {
        int relevant = 0, intoImagedBlock = 0, intoSharedBlock = 0;
        // Low block 1 is where two high blocks may share a low block; its images reach offsets up to ~170.
        var block = Gen.Frequency((1, Gen.Const(1)), (1, MemGen.Block));
        var offset = Gen.Frequency((2, MemGen.Offset), (1, Gen.Long[-2, 44].Select(x => 4 * x)));
        Gen.Select(MemGen.Injected, block, offset, MemGen.Value).Sample((ic, b, ofs, v) =>
        {
            if (!MemInject.Holds(ic.F, ic.High, ic.Low) || !OutsideImage(ic.F, ic.High, b, ofs)) return true;
            if (ic.Low.Store(Chunk.Mint32, b, ofs, v) is not { } low2) return true;
            Interlocked.Increment(ref relevant);
            // The interesting stores land in a low block that some high block is mapped onto (as VMX_LOC is).
            if (ic.F.Entries.Any(e => e.To == b)) Interlocked.Increment(ref intoImagedBlock);
            if (ic.F.Entries.Count(e => e.To == b) > 1) Interlocked.Increment(ref intoSharedBlock);
            return MemInject.Check(ic.F, ic.High, low2) is null;
        }, iter: 4 * Iter);
        NotVacuous(relevant, 4 * Iter, "Mem.inject, the hypothesis and a successful store");
        NotVacuous(intoImagedBlock, 2 * Iter, "such a store into a block in f's image");
        NotVacuous(intoSharedBlock, Iter / 2, "such a store into a low block two high blocks map onto"); // measured ≈70
    }

    // ---------------------------------------------------------------- A6–A7: Mint32 access

    [Fact]
    public void A6_valid_access_store_and_load()
    {
        int relevant = 0;
        Gen.Select(MemGen.Memory, MemGen.Block, MemGen.Offset, MemGen.Value).Sample((mc, b, ofs, v) =>
        {
            if (!mc.Mem.ValidAccess(Chunk.Mint32, b, ofs, Permission.Writable)) return true;
            Interlocked.Increment(ref relevant);
            return mc.Mem.Load(Chunk.Mint32, b, ofs) is not null
                && mc.Mem.Store(Chunk.Mint32, b, ofs, v) is { } m2
                && m2.Load(Chunk.Mint32, b, ofs) is not null;
        }, iter: Iter);
        NotVacuous(relevant, Iter, "a writable Mint32 access");
    }

    [Fact]
    public void A7_mint32_load_is_undef_int_or_ptr_and_load_result_fixes_it()
    {
        int loads = 0;
        Gen.Select(MemGen.Memory, MemGen.Block, MemGen.Offset).Sample((mc, b, ofs) =>
        {
            if (mc.Mem.Load(Chunk.Mint32, b, ofs) is not { } v) return true;
            Interlocked.Increment(ref loads);
            return v.Tag is ValTag.Vundef or ValTag.Vint or ValTag.Vptr && ValOps.LoadResult(Chunk.Mint32, v) == v;
        }, iter: Iter);
        NotVacuous(loads, Iter, "a successful load");
    }

    // ---------------------------------------------------------------- A9: permissions are ordered

    [Fact]
    public void A9_a_writable_word_is_readable()
    {
        int writable = 0;
        Gen.Select(MemGen.Memory, MemGen.Block, MemGen.Offset).Sample((mc, b, ofs) =>
        {
            if (!mc.Mem.ValidAccess(Chunk.Mint32, b, ofs, Permission.Writable)) return true;
            Interlocked.Increment(ref writable);
            return mc.Mem.ValidAccess(Chunk.Mint32, b, ofs, Permission.Readable)
                && Enumerable.Range(0, 4).All(k => mc.Mem.Perm(b, ofs + k, PermKind.Cur, Permission.Readable));
        }, iter: Iter);
        NotVacuous(writable, Iter, "a writable Mint32 word");
    }

    // ---------------------------------------------------------------- A8: val_inject

    [Fact]
    public void A8_val_inject_load_result_and_inject_incr()
    {
        int related = 0;
        Gen.Select(MemGen.Inj, MemGen.Value, MemGen.Value, Gen.Bool, MemGen.Inj).Sample((f, v, other, injectIt, extra) =>
        {
            var v2 = injectIt ? MemGen.InjectVal(f, v) ?? other : other;
            if (!Inject.Val(f, v, v2)) return true;
            Interlocked.Increment(ref related);
            var f2 = extra.Entries.Aggregate(f, (g, e) => g[e.From] is null ? g.With(e.From, e.To, e.Delta) : g);
            return Inject.Val(f, ValOps.LoadResult(Chunk.Mint32, v), ValOps.LoadResult(Chunk.Mint32, v2))
                && (!Inject.Incr(f, f2) || Inject.Val(f2, v, v2))
                && (!Inject.Incr(f, extra) || Inject.Val(extra, v, v2));
        }, iter: 5 * Iter);
        Assert.True(related >= Iter, $"only {related} of {5 * Iter} value pairs were related");
    }
}

/// <summary>A memory built from a plan, kept with the plan so a counterexample prints readably.</summary>
public sealed record MemCase(Mem Mem, MemGen.BlockPlan[] Blocks, MemGen.StorePlan[] Stores)
{
    public override string ToString() => $"blocks [{string.Join("; ", Blocks.AsEnumerable())}] stores [{string.Join("; ", Stores.AsEnumerable())}]";
}

/// <summary>High and low memories with an injection f between them (Mem.inject may or may not hold).</summary>
public sealed record InjCase(Mem High, Mem Low, MemInj F, MemGen.BlockPlan[] Blocks, MemGen.StorePlan[] Stores, MemGen.StorePlan[] Noise)
{
    public override string ToString() =>
        $"f {F} blocks [{string.Join("; ", Blocks.AsEnumerable())}] stores [{string.Join("; ", Stores.AsEnumerable())}] low noise [{string.Join("; ", Noise.AsEnumerable())}]";
}

/// <summary>Generators of small random memories: up to four blocks, mixed-chunk stores, dropped permissions.</summary>
public static class MemGen
{
    public const int MaxBlocks = 4;
    public const long MinOfs = -8, MaxOfs = 72;

    /// <summary>
    /// Block [Lo, Lo+Size); then [DropLo, DropLo+DropLen) relative to Lo gets Drop (null frees it: no permission).
    /// Delta / Mapped / LowExtra describe the block's image for injection cases.
    /// </summary>
    public sealed record BlockPlan(long Lo, long Size, long DropLo, long DropLen, Permission? Drop, bool Dropped, long Delta, bool Mapped, long LowExtra)
    {
        public override string ToString() =>
            $"[{Lo},{Lo + Size})" + (Dropped ? $" {(Drop?.ToString() ?? "none")}@[{Lo + DropLo},{Lo + DropLo + DropLen})" : "") + (Mapped ? $" ↦+{Delta}" : " unmapped");
    }

    public sealed record StorePlan(int Block, Chunk Chunk, long Ofs, Val Value)
    {
        public override string ToString() => $"{Chunk} ({Block},{Ofs}) := {Value}";
    }

    public static readonly Gen<int> Block = Gen.Int[1, MaxBlocks];

    /// <summary>4-aligned offsets, mostly where most blocks have bytes, sometimes anywhere around them.</summary>
    public static readonly Gen<long> AlignedOffset = Gen.Frequency((3, Gen.Long[0, 7]), (1, Gen.Long[MinOfs / 4, MaxOfs / 4])).Select(x => 4 * x);

    /// <summary>Mostly 4-aligned offsets in and around the blocks, sometimes not aligned.</summary>
    public static readonly Gen<long> Offset = Gen.Frequency((5, AlignedOffset), (1, Gen.Long[MinOfs, MaxOfs]));

    public static readonly Gen<Chunk> Chunk = Gen.Frequency((4, Gen.Const(global::VmxLayers.Semantics.Chunk.Mint32)), (2, Gen.Enum<Chunk>()));

    public static readonly Gen<Val> Value = Gen.Frequency(
        (1, Gen.Const(Val.Vundef)),
        (2, Gen.Frequency((1, Gen.UInt), (1, Gen.UInt[0, 16])).Select(Val.Vint)),
        (2, Gen.Select(Gen.Int[1, MaxBlocks + 1], Gen.Frequency((1, Gen.UInt), (3, Gen.UInt[0, 80])), (b, o) => Val.Vptr(b, o))),
        (1, Gen.ULong.Select(x => Val.Vlong(new global::VmxLayers.Semantics.Int64(x)))),
        (1, Gen.Double.Select(Val.Vfloat)));

    static readonly Gen<BlockPlan> BlockPlanGen =
        Gen.Select(
            Gen.Select(Gen.OneOf(Gen.Const(0L), Gen.Const(-8L), Gen.Const(-4L), Gen.Const(-3L)), Gen.Frequency((3, Gen.Long[6, 16].Select(x => 4 * x)), (1, Gen.Long[0, 64]))),
            Gen.Select(Gen.Long[0, 64], Gen.Long[0, 64]),
            Gen.Select(Gen.Frequency((1, Gen.Const((Permission?)null)), (3, Gen.Enum<Permission>().Select(p => (Permission?)p))), Gen.Int[0, 3]),
            Gen.Select(Gen.OneOf(Gen.Const(0L), Gen.Const(8L), Gen.Const(16L)), Gen.Int[0, 5], Gen.Long[0, 8]),
            (bounds, drop, perm, img) => new BlockPlan(
                bounds.Item1, bounds.Item2,
                Math.Min(drop.Item1, bounds.Item2), Math.Min(drop.Item2, bounds.Item2), perm.Item1, perm.Item2 > 0,
                img.Item1, img.Item2 > 0, img.Item3));

    /// <summary>Half the stores use the chunk that fits the value, so longs and floats really reach memory.</summary>
    static readonly Gen<StorePlan> StorePlanGen = Gen.Select(Block, Chunk, Offset, Value, Gen.Bool,
        (b, c, o, v, fit) => new StorePlan(b, fit ? ChunkInfo.OfType(v.Tag switch { ValTag.Vlong => Typ.Tlong, ValTag.Vfloat => Typ.Tfloat, _ => Typ.Tint }) : c, o, v));

    public static readonly Gen<MemCase> Memory =
        Gen.Select(BlockPlanGen.Array[MaxBlocks - 1, MaxBlocks], StorePlanGen.Array[0, 12], (blocks, stores) =>
            new MemCase(Build(blocks, stores), blocks, stores));

    /// <summary>
    /// f maps each Mapped block k to (k, Delta); the low memory mirrors the high one shifted by Delta
    /// (values injected, permissions kept Freeable), plus random low-only noise stores.
    /// </summary>
    public static readonly Gen<InjCase> Injected =
        Gen.Select(BlockPlanGen.Array[MaxBlocks - 1, MaxBlocks], StorePlanGen.Array[0, 12], StorePlanGen.Array[0, 3], Gen.Frequency((3, Gen.Const(true)), (1, Gen.Const(false))), (blocks, stores, noise, merge) =>
        {
            var (high, low, f) = BuildPair(blocks, stores, merge);
            foreach (var s in noise) low = low.Store(s.Chunk, s.Block, s.Ofs, s.Value) ?? low;
            return new InjCase(high, low, f, blocks, stores, noise);
        });

    /// <summary>A random injection over blocks 1..MaxBlocks+1 with small aligned deltas.</summary>
    public static readonly Gen<MemInj> Inj =
        Gen.Select(Gen.Bool, Gen.Int[1, MaxBlocks + 1], Gen.OneOf(Gen.Const(0L), Gen.Const(8L), Gen.Const(-4L), Gen.Const(1L << 32))).Array[0, MaxBlocks]
            .Select(es => es.Select((e, i) => (e, From: i + 1)).Where(x => !x.e.Item1)
                .Aggregate(MemInj.Empty, (f, x) => f.With(x.From, x.e.Item2, x.e.Item3)));

    /// <summary>The value v becomes under f (pointers shifted), or null for a pointer f does not map.</summary>
    public static Val? InjectVal(MemInj f, Val v) =>
        !v.IsPtr ? v : f[v.Block] is { } t ? Val.Vptr(t.Block, v.Ofs.Add(Int.Repr(t.Delta))) : null;

    /// <summary>Allocates the blocks, runs the stores (failures skipped), then applies the permission drops.</summary>
    static Mem Build(BlockPlan[] blocks, StorePlan[] stores)
    {
        var m = Mem.Empty;
        foreach (var p in blocks) (m, _) = m.Alloc(p.Lo, p.Lo + p.Size);
        foreach (var s in stores) m = m.Store(s.Chunk, s.Block, s.Ofs, s.Value) ?? m;
        return Drop(m, blocks);
    }

    static Mem Drop(Mem m, BlockPlan[] blocks)
    {
        for (int k = 1; k <= blocks.Length; k++)
        {
            var p = blocks[k - 1];
            if (!p.Dropped) continue;
            long lo = p.Lo + p.DropLo, hi = lo + p.DropLen;
            m = (p.Drop is { } perm ? m.DropPerm(k, lo, hi, perm) : m.Free(k, lo, hi)) ?? m;
        }
        return m;
    }

    /// <summary>
    /// The high memory as in Build (pointers to unmapped blocks stored as Vundef), an injection f and the
    /// low image: mapped block k's bytes shifted by its Delta inside a low block that also has the Delta
    /// bytes before the image and LowExtra bytes after it (slack no high block reaches, like VMX_LOC);
    /// with merge, high block 2 is mapped into low block 1 after block 1's image (two high blocks, one
    /// low block). Every successful high store is repeated in the image with the injected value; no low
    /// permission is dropped (the low side keeps Freeable).
    /// </summary>
    static (Mem High, Mem Low, MemInj F) BuildPair(BlockPlan[] blocks, StorePlan[] stores, bool merge)
    {
        int n = blocks.Length;
        var target = new int[n + 1];
        var delta = new long[n + 1];
        var lowHi = new long[n + 1];
        for (int k = 1; k <= n; k++)
        {
            var p = blocks[k - 1];
            (target[k], delta[k]) = (k, p.Mapped ? p.Delta : 0);
            lowHi[k] = p.Lo + p.Size + delta[k] + p.LowExtra;
        }
        if (merge && n >= 2 && blocks[0].Mapped && blocks[1].Mapped)
        {
            var p = blocks[1];
            long d = Math.Max(0, lowHi[1] - p.Lo);
            (target[2], delta[2]) = (1, (d + 7) / 8 * 8); // a multiple of 8 keeps mi_align
            lowHi[1] = Math.Max(lowHi[1], p.Lo + p.Size + delta[2] + p.LowExtra);
        }
        var f = MemInj.Empty;
        for (int k = 1; k <= n; k++)
            if (blocks[k - 1].Mapped) f = f.With(k, target[k], delta[k]);

        Mem high = Mem.Empty, low = Mem.Empty;
        for (int k = 1; k <= n; k++)
        {
            (high, _) = high.Alloc(blocks[k - 1].Lo, blocks[k - 1].Lo + blocks[k - 1].Size);
            (low, _) = low.Alloc(blocks[k - 1].Lo, lowHi[k]);
        }
        foreach (var s in stores)
        {
            var v = InjectVal(f, s.Value) is null ? Val.Vundef : s.Value;
            if (s.Block > n || high.Store(s.Chunk, s.Block, s.Ofs, v) is not { } h) continue;
            high = h;
            low = low.Store(s.Chunk, target[s.Block], s.Ofs + delta[s.Block], InjectVal(f, v)!.Value) ?? low;
        }
        return (Drop(high, blocks), low, f);
    }
}
