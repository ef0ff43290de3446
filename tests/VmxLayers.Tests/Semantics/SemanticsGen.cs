using CsCheck;
using VmxLayers.Semantics;
using Int64 = VmxLayers.Semantics.Int64;

namespace VmxLayers.Tests.Semantics;

/// <summary>One block of a generated memory: alloc lo (lo + size).</summary>
internal sealed record BlockSpec(long Lo, long Size)
{
    public long Hi => Lo + Size;
    public override string ToString() => $"[{Lo}, {Hi})";
}

internal enum MemOpKind { Store, Free, Drop }

/// <summary>One memory operation of a generated history; a failing one is skipped (the memory stays as it was).</summary>
internal sealed record MemOp(MemOpKind Kind, int Block, long Ofs, Chunk Chunk, Val Value, long Hi, Permission Perm)
{
    public Mem Apply(Mem m) => Kind switch
    {
        MemOpKind.Store => m.Store(Chunk, Block, Ofs, Value) ?? m,
        MemOpKind.Free => m.Free(Block, Ofs, Hi) ?? m,
        _ => m.DropPerm(Block, Ofs, Hi, Perm) ?? m,
    };

    public override string ToString() => Kind switch
    {
        MemOpKind.Store => $"store {Chunk} b{Block} @{Ofs} {Value}",
        MemOpKind.Free => $"free b{Block} [{Ofs}, {Hi})",
        _ => $"drop_perm b{Block} [{Ofs}, {Hi}) {Perm}",
    };
}

/// <summary>A generated memory: allocations, then a history of stores, frees and permission drops.</summary>
internal sealed record MemPlan(BlockSpec[] Blocks, MemOp[] Ops)
{
    public Mem Build()
    {
        var m = Mem.Empty;
        foreach (var b in Blocks) m = m.Alloc(b.Lo, b.Hi).Mem;
        foreach (var op in Ops) m = op.Apply(m);
        return m;
    }

    /// <summary>Every block id worth probing: the valid ones, plus 0 and one past the end.</summary>
    public IEnumerable<int> ProbeBlocks => Enumerable.Range(0, Blocks.Length + 2);

    /// <summary>Offsets around every block's bounds (probes reach outside by up to 8 bytes).</summary>
    public IEnumerable<long> ProbeOffsets(int b)
    {
        var spec = b >= 1 && b <= Blocks.Length ? Blocks[b - 1] : new BlockSpec(0, 8);
        for (long ofs = spec.Lo - 8; ofs < spec.Hi + 8; ofs++) yield return ofs;
    }

    public override string ToString() =>
        $"alloc {string.Join(" ", Blocks.Select((b, i) => $"b{i + 1}{b}"))}; " + string.Join("; ", Ops.Select(o => o.ToString()));
}

/// <summary>CsCheck generators for values, memvals, memories and injections.</summary>
internal static class SemanticsGen
{
    public const int MaxBlocks = 4;

    public static readonly Gen<Chunk> Chunk = Gen.Enum<Chunk>();
    public static readonly Gen<Permission> Permission = Gen.Enum<Permission>();
    public static readonly Gen<PermKind> PermKind = Gen.Enum<PermKind>();

    /// <summary>Bit patterns with a bias towards the interesting edges (0, sign bits, all ones).</summary>
    public static readonly Gen<uint> Bits32 = Gen.Frequency(
        (4, (IGen<uint>)Gen.UInt),
        (1, Gen.OneOf(0u, 1u, 0x7Fu, 0x80u, 0xFFu, 0x7FFFu, 0x8000u, 0xFFFFu, 0x7FFFFFFFu, 0x80000000u, 0xFFFFFFFFu)));

    public static readonly Gen<double> Double = Gen.Frequency(
        (3, (IGen<double>)Gen.Double),
        (2, Gen.Float.Select(f => (double)f)),
        (1, Gen.OneOf(0.0, -0.0, 0.1, 1.0, double.NaN, double.PositiveInfinity, double.Epsilon, 3.4028235677973366E+38)));

    public static readonly Gen<Val> Val = Gen.Frequency(
        (1, (IGen<Val>)Gen.Const(VmxLayers.Semantics.Val.Vundef)),
        (4, Bits32.Select(VmxLayers.Semantics.Val.Vint)),
        (2, Gen.ULong.Select(x => VmxLayers.Semantics.Val.Vlong(new Int64(x)))),
        (2, Double.Select(VmxLayers.Semantics.Val.Vfloat)),
        (3, Gen.Select(Gen.Int[1, MaxBlocks], Bits32, (b, o) => VmxLayers.Semantics.Val.Vptr(b, o))));

    public static readonly Gen<Memval> Memval = Gen.Frequency(
        (1, (IGen<Memval>)Gen.Const(VmxLayers.Semantics.Memval.Undef)),
        (3, Gen.Byte.Select(VmxLayers.Semantics.Memval.Byte)),
        (2, Gen.Select(Gen.Int[1, MaxBlocks], Bits32, Gen.Int[0, 3], (b, o, n) => VmxLayers.Semantics.Memval.Pointer(b, new Int(o), n))));

    /// <summary>Offsets mostly 4-aligned, sometimes not, around [-12, 52].</summary>
    public static readonly Gen<long> Offset = Gen.Select(Gen.Int[-3, 13], Gen.Frequency((6, 0), (1, 1), (1, 2), (1, 3)), (k, r) => 4L * k + r);

    /// <summary>A block id: usually valid (1..4), sometimes 0 or past the allocation.</summary>
    public static readonly Gen<int> Block = Gen.Int[0, MaxBlocks + 1];

    static readonly Gen<BlockSpec> BlockSpec = Gen.Select(Gen.Int[-8, 8], Gen.Int[0, 40], (lo, size) => new BlockSpec(lo, size));

    static readonly Gen<MemOp> Op = Gen.Frequency(
        (6, (IGen<MemOp>)Gen.Select(Gen.Int[1, MaxBlocks], Offset, Chunk, Val,
            (b, o, c, v) => new MemOp(MemOpKind.Store, b, o, c, v, 0, VmxLayers.Semantics.Permission.Freeable))),
        (1, Gen.Select(Gen.Int[1, MaxBlocks], Offset, Gen.Int[0, 12],
            (b, o, n) => new MemOp(MemOpKind.Free, b, o, VmxLayers.Semantics.Chunk.Mint8unsigned, default, o + n, VmxLayers.Semantics.Permission.Freeable))),
        (1, Gen.Select(Gen.Int[1, MaxBlocks], Offset, Gen.Int[0, 12], Permission,
            (b, o, n, p) => new MemOp(MemOpKind.Drop, b, o, VmxLayers.Semantics.Chunk.Mint8unsigned, default, o + n, p))));

    public static readonly Gen<MemPlan> Plan = Gen.Select(BlockSpec.Array[1, MaxBlocks], Op.Array[0, 12], (bs, ops) => new MemPlan(bs, ops));

    /// <summary>An injection over blocks 1..6 with small deltas (unaligned ones included).</summary>
    public static readonly Gen<MemInj> Inj = Gen.Select(Gen.Int[1, 6], Gen.Int[1, 6], Gen.Int[-16, 16]).Array[0, 6].Select(entries =>
        entries.Aggregate(MemInj.Empty, (f, e) => f[e.Item1] is null ? f.With(e.Item1, e.Item2, e.Item3) : f));
}
