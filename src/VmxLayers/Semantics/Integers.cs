using System.Numerics;

namespace VmxLayers.Semantics;

/// <summary>CompCert's 32-bit machine integer: an unsigned value in [0, 2^32); every operation wraps.</summary>
public readonly record struct Int(uint Bits) : IComparable<Int>
{
    public const long Modulus = 1L << 32;
    public const long MaxUnsigned = uint.MaxValue;
    public const long MaxSigned = int.MaxValue;
    public const long MinSigned = int.MinValue;

    public static readonly Int Zero = new(0);
    public static readonly Int One = new(1);
    public static readonly Int MOne = new(uint.MaxValue);

    /// <summary>Floor modulo 2^32: the low 32 bits of the two's-complement form.</summary>
    public static Int Repr(long z) => new(unchecked((uint)z));
    public static Int Repr(BigInteger z) => new((uint)(z & uint.MaxValue));

    public long Unsigned => Bits;
    public int Signed => unchecked((int)Bits);

    public Int Add(Int y) => new(unchecked(Bits + y.Bits));
    public Int Sub(Int y) => new(unchecked(Bits - y.Bits));
    public Int Mul(Int y) => new(unchecked(Bits * y.Bits));
    public Int Neg() => new(unchecked(0u - Bits));
    public Int And(Int y) => new(Bits & y.Bits);
    public Int Or(Int y) => new(Bits | y.Bits);
    public Int Xor(Int y) => new(Bits ^ y.Bits);
    public Int Not() => new(~Bits);

    /// <summary>Keeps the low n bits (n ≥ 32 leaves x unchanged).</summary>
    public Int ZeroExt(int n) => n >= 32 ? this : new(Bits & ((1u << n) - 1));

    /// <summary>Reads the low n bits as an n-bit two's-complement number.</summary>
    public Int SignExt(int n)
    {
        if (n >= 32) return this;
        int shift = 32 - n;
        return new(unchecked((uint)((int)(Bits << shift) >> shift)));
    }

    public bool Ltu(Int y) => Bits < y.Bits;
    public bool Lt(Int y) => Signed < y.Signed;
    public int CompareTo(Int other) => Bits.CompareTo(other.Bits);
    public override string ToString() => Bits.ToString();
}

/// <summary>CompCert's 64-bit machine integer.</summary>
public readonly record struct Int64(ulong Bits)
{
    public static Int64 Repr(long z) => new(unchecked((ulong)z));
    public static Int64 Repr(BigInteger z) => new((ulong)(z & ulong.MaxValue));
    public ulong Unsigned => Bits;
    public long Signed => unchecked((long)Bits);
    public Int Loword => new(unchecked((uint)Bits));
    public Int Hiword => new((uint)(Bits >> 32));
    public static Int64 OfWords(Int hi, Int lo) => new(((ulong)hi.Bits << 32) | lo.Bits);
    public Int64 Add(Int64 y) => new(unchecked(Bits + y.Bits));
    public override string ToString() => Bits.ToString();
}

/// <summary>CompCert's 8-bit machine integer (the content of a <see cref="Memval"/> byte).</summary>
public readonly record struct Byte(byte Bits)
{
    public static Byte Repr(long z) => new(unchecked((byte)z));
    public int Unsigned => Bits;
    public int Signed => unchecked((sbyte)Bits);
    public override string ToString() => $"0x{Bits:X2}";
}
