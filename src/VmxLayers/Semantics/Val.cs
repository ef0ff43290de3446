using System.Runtime.CompilerServices;
namespace VmxLayers.Semantics;

/// <summary>The five constructors of CompCert 2.x values (no Vsingle).</summary>
public enum ValTag : byte { Vundef, Vint, Vlong, Vfloat, Vptr }

/// <summary>A CompCert value. Blocks are positive; a Vptr offset is a 32-bit <see cref="Int"/>.</summary>
public readonly struct Val : IEquatable<Val>
{
    public ValTag Tag { get; }
    /// <summary>Block of a Vptr (0 otherwise).</summary>
    public int Block { get; }
    /// <summary>Payload: the Int of Vint / offset of Vptr, the Int64 of Vlong, the IEEE bits of Vfloat.</summary>
    readonly ulong bits;

    // every value is built here: inlined even where a large spec or relation method has spent the JIT's inlining budget
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    Val(ValTag tag, int block, ulong bits) { Tag = tag; Block = block; this.bits = bits; }

    public static readonly Val Vundef = default;
    /// <summary>A value from its parts as <see cref="Tag"/>, <see cref="Block"/> and <see cref="RawBits"/> give them (no checks: they came from a value).</summary>
    internal static Val FromRaw(ValTag tag, int block, ulong bits) => new(tag, block, bits);
    public static Val Vint(Int i) => new(ValTag.Vint, 0, i.Bits);
    public static Val Vint(uint i) => new(ValTag.Vint, 0, i);
    public static Val Vlong(Int64 i) => new(ValTag.Vlong, 0, i.Bits);
    public static Val Vfloat(double f) => new(ValTag.Vfloat, 0, BitConverter.DoubleToUInt64Bits(f));
    public static Val Vptr(int block, Int ofs)
    {
        if (block <= 0) throw new ArgumentOutOfRangeException(nameof(block), block, "blocks are positive");
        return new(ValTag.Vptr, block, ofs.Bits);
    }
    public static Val Vptr(int block, uint ofs) => Vptr(block, new Int(ofs));

    public static readonly Val Vzero = Vint(0);
    public static readonly Val Vone = Vint(1);
    public static readonly Val Vmone = Vint(uint.MaxValue);

    public bool IsUndef => Tag == ValTag.Vundef;
    public bool IsInt => Tag == ValTag.Vint;
    public bool IsPtr => Tag == ValTag.Vptr;

    /// <summary>The Int of a Vint, or the offset of a Vptr.</summary>
    public Int IntValue => new(unchecked((uint)bits));
    public Int Ofs => new(unchecked((uint)bits));
    public Int64 LongValue => new(bits);
    public double FloatValue => BitConverter.UInt64BitsToDouble(bits);
    public ulong RawBits => bits;

    public bool Equals(Val o) => Tag == o.Tag && Block == o.Block && bits == o.bits;
    public override bool Equals(object? obj) => obj is Val v && Equals(v);
    public override int GetHashCode() => HashCode.Combine(Tag, Block, bits);
    public static bool operator ==(Val a, Val b) => a.Equals(b);
    public static bool operator !=(Val a, Val b) => !a.Equals(b);

    public override string ToString() => Tag switch
    {
        ValTag.Vundef => "Vundef",
        ValTag.Vint => $"Vint {IntValue.Bits}",
        ValTag.Vlong => $"Vlong {LongValue.Bits}",
        ValTag.Vfloat => $"Vfloat {FloatValue.ToString("R", System.Globalization.CultureInfo.InvariantCulture)}",
        _ => $"Vptr {Block} {Ofs.Bits}",
    };
}

/// <summary>Operations of CompCert's Values.v that the layers and tests need.</summary>
public static class ValOps
{
    public static bool HasType(this Val v, Typ t) => v.Tag switch
    {
        ValTag.Vundef => true,
        ValTag.Vint or ValTag.Vptr => t == Typ.Tint,
        ValTag.Vlong => t == Typ.Tlong,
        ValTag.Vfloat => t == Typ.Tfloat || (t == Typ.Tsingle && IsSingle(v.FloatValue)),
        _ => false,
    };

    /// <summary>Float.is_single: the double is exactly representable in binary32.</summary>
    public static bool IsSingle(double f) => double.IsNaN(f) ? BitConverter.DoubleToUInt64Bits(f) == BitConverter.DoubleToUInt64Bits((double)(float)f) : (double)(float)f == f;

    /// <summary>Round a double to single precision, kept as a double (Float.singleoffloat).</summary>
    public static double SingleOfFloat(double f) => (double)(float)f;

    /// <summary>The normalisation a same-chunk store then load applies.</summary>
    public static Val LoadResult(Chunk c, Val v) => (c, v.Tag) switch
    {
        (Chunk.Mint8signed, ValTag.Vint) => Val.Vint(v.IntValue.SignExt(8)),
        (Chunk.Mint8unsigned, ValTag.Vint) => Val.Vint(v.IntValue.ZeroExt(8)),
        (Chunk.Mint16signed, ValTag.Vint) => Val.Vint(v.IntValue.SignExt(16)),
        (Chunk.Mint16unsigned, ValTag.Vint) => Val.Vint(v.IntValue.ZeroExt(16)),
        (Chunk.Mint32, ValTag.Vint or ValTag.Vptr) => v,
        (Chunk.Mint64, ValTag.Vlong) => v,
        (Chunk.Mfloat32, ValTag.Vfloat) => Val.Vfloat(SingleOfFloat(v.FloatValue)),
        (Chunk.Mfloat64, ValTag.Vfloat) => v,
        _ => Val.Vundef,
    };

    public static Val Add(Val a, Val b) => (a.Tag, b.Tag) switch
    {
        (ValTag.Vint, ValTag.Vint) => Val.Vint(a.IntValue.Add(b.IntValue)),
        (ValTag.Vptr, ValTag.Vint) => Val.Vptr(a.Block, a.Ofs.Add(b.IntValue)),
        (ValTag.Vint, ValTag.Vptr) => Val.Vptr(b.Block, b.Ofs.Add(a.IntValue)),
        _ => Val.Vundef,
    };

    public static Val Sub(Val a, Val b) => (a.Tag, b.Tag) switch
    {
        (ValTag.Vint, ValTag.Vint) => Val.Vint(a.IntValue.Sub(b.IntValue)),
        (ValTag.Vptr, ValTag.Vint) => Val.Vptr(a.Block, a.Ofs.Sub(b.IntValue)),
        (ValTag.Vptr, ValTag.Vptr) when a.Block == b.Block => Val.Vint(a.Ofs.Sub(b.Ofs)),
        _ => Val.Vundef,
    };

    /// <summary>Val.lessdef: equal, or the left side is Vundef.</summary>
    public static bool LessDef(Val a, Val b) => a.IsUndef || a == b;
}
