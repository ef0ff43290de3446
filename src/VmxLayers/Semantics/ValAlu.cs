using System.Numerics;

namespace VmxLayers.Semantics;

/// <summary>
/// The integer operations of the IA-32 semantics on CompCert values (Values.v): integers compute as 32-bit words;
/// pointer + integer is a pointer and pointer − pointer of one block an integer (<see cref="ValOps"/>); everything
/// else on a pointer or Vundef is Vundef. Comparisons follow Val.cmpu: two pointers of one block compare offsets,
/// two valid pointers of different blocks or a pointer and 0 are unequal (validity is the caller's: a machine with
/// a memory checks it, see <see cref="EqValid"/>).
/// </summary>
public static class ValAlu
{
    static Val Ints(Val a, Val b, Func<uint, uint, uint> f) => a.IsInt && b.IsInt ? Val.Vint(f(a.IntValue.Bits, b.IntValue.Bits)) : Val.Vundef;

    public static Val Mul(Val a, Val b) => Ints(a, b, (x, y) => x * y);
    public static Val MulHigh(Val a, Val b, bool signed) =>
        Ints(a, b, (x, y) => signed ? (uint)((ulong)((long)(int)x * (int)y) >> 32) : (uint)(((ulong)x * y) >> 32));
    public static Val And(Val a, Val b) => Ints(a, b, (x, y) => x & y);
    public static Val Or(Val a, Val b) => Ints(a, b, (x, y) => x | y);
    public static Val Xor(Val a, Val b) => Ints(a, b, (x, y) => x ^ y);
    public static Val Shl(Val a, Val n) => Ints(a, n, (x, k) => x << (int)k);
    public static Val Shr(Val a, Val n) => Ints(a, n, (x, k) => x >> (int)k);
    public static Val Sar(Val a, Val n) => Ints(a, n, (x, k) => (uint)((int)x >> (int)k));

    /// <summary>Val.cmpu Ceq with every pointer taken as valid.</summary>
    public static Val Eq(Val a, Val b) => EqValid(a, b, static (_, _) => true);

    /// <summary>Val.cmpu Ceq: a pointer takes part in a comparison with another block or with 0 only if <paramref name="valid"/> says its place is valid.</summary>
    public static Val EqValid(Val a, Val b, Func<int, uint, bool> valid)
    {
        if (a.IsInt && b.IsInt) return Val.Vint(a.IntValue.Bits == b.IntValue.Bits ? 1u : 0u);
        if (a.IsPtr && b.IsPtr)
        {
            if (a.Block == b.Block) return Val.Vint(a.Ofs.Bits == b.Ofs.Bits ? 1u : 0u);
            return valid(a.Block, a.Ofs.Bits) && valid(b.Block, b.Ofs.Bits) ? Val.Vzero : Val.Vundef;
        }
        if (a.IsPtr && b.IsInt && b.IntValue.Bits == 0) return valid(a.Block, a.Ofs.Bits) ? Val.Vzero : Val.Vundef;
        if (b.IsPtr && a.IsInt && a.IntValue.Bits == 0) return valid(b.Block, b.Ofs.Bits) ? Val.Vzero : Val.Vundef;
        return Val.Vundef;
    }

    /// <summary>Val.cmpu Clt: integers, or two pointers of one block by offset.</summary>
    public static Val LtU(Val a, Val b)
    {
        if (a.IsInt && b.IsInt) return Val.Vint(a.IntValue.Bits < b.IntValue.Bits ? 1u : 0u);
        if (a.IsPtr && b.IsPtr && a.Block == b.Block) return Val.Vint(a.Ofs.Bits < b.Ofs.Bits ? 1u : 0u);
        return Val.Vundef;
    }

    public static Val LtS(Val a, Val b) => Ints(a, b, (x, y) => (int)x < (int)y ? 1u : 0u);
    public static Val Select(Val c, Val a, Val b) => c.IsInt ? c.IntValue.Bits != 0 ? a : b : Val.Vundef;
    public static Val PopCount(Val a) => a.IsInt ? Val.Vint((uint)BitOperations.PopCount(a.IntValue.Bits)) : Val.Vundef;
    public static Val TrailingZeros(Val a) => a.IsInt ? Val.Vint((uint)BitOperations.TrailingZeroCount(a.IntValue.Bits)) : Val.Vundef;
    public static Val LeadingZeros(Val a) => a.IsInt ? Val.Vint((uint)BitOperations.LeadingZeroCount(a.IntValue.Bits)) : Val.Vundef;

    /// <summary>IA-32 div/idiv on integers: Vone when it raises #DE, else Vzero with the quotient and remainder; Vundef (and both Vundef) on any other value.</summary>
    public static Val Divide(Val hi, Val lo, Val d, int size, bool signed, out Val q, out Val r)
    {
        q = r = Val.Vundef;
        if (!(hi.IsInt && lo.IsInt && d.IsInt)) return Val.Vundef;
        ulong n = ((ulong)hi.IntValue.Bits << 32) | lo.IntValue.Bits;
        uint dv = d.IntValue.Bits;
        if (dv == 0) return Val.Vone;
        int bits = size * 8;
        if (signed)
        {
            long sn = (long)n, sd = (int)dv;
            if (sn == long.MinValue && sd == -1) return Val.Vone;
            long sq = sn / sd;
            if (sq < -(1L << (bits - 1)) || sq >= 1L << (bits - 1)) return Val.Vone;
            q = Val.Vint((uint)sq); r = Val.Vint((uint)(sn % sd));
        }
        else
        {
            ulong uq = n / dv;
            if (uq >> bits != 0) return Val.Vone;
            q = Val.Vint((uint)uq); r = Val.Vint((uint)(n % dv));
        }
        return Val.Vzero;
    }
}
