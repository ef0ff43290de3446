using System.Runtime.CompilerServices;

namespace VmxLayers.Isa;

/// <summary>
/// What last wrote the arithmetic flags: the flags are computed from its operands when read (<see cref="FlagLogic"/>).
/// The high bits say that CF, ZF or OF were overwritten since by an instruction that changes only some flags
/// (rotates, bit tests, clc/stc/cmc, inc/dec, tzcnt/lzcnt): their values are then in the matching fields.
/// </summary>
[Flags]
public enum FlagOp : byte
{
    /// <summary>The six flags are the values in <see cref="LazyFlags{V}.Cf"/> … <see cref="LazyFlags{V}.Of"/>.</summary>
    Explicit = 0,
    /// <summary>Res = A + B (also adc: its carry-out is computed from A, B and Res alone).</summary>
    Add = 1,
    /// <summary>Res = A − B (cmp, neg as 0 − B, cmps, scas, cmpxchg).</summary>
    Sub = 2,
    /// <summary>Res = A − B − borrow (the borrow-out is computed from A, B and Res alone).</summary>
    Sbb = 3,
    /// <summary>and, or, xor, test, bsf/bsr (of the source): CF = OF = 0.</summary>
    Logic = 4,
    /// <summary>Res = A + 1 (CF kept: an override).</summary>
    Inc = 5,
    /// <summary>Res = A − 1 (CF kept: an override).</summary>
    Dec = 6,
    /// <summary>Res = A &lt;&lt; B (B the masked count, 1..31).</summary>
    Shl = 7,
    /// <summary>Res = A &gt;&gt; B, logical.</summary>
    Shr = 8,
    /// <summary>Res = A &gt;&gt; B, arithmetic (A sign-extended to 32 bits).</summary>
    Sar = 9,
    /// <summary>mul/imul: Res the low half at operand size, B = 1 when the product does not fit it (CF = OF = B).</summary>
    Mul = 10,
    /// <summary>Mask of the operation above.</summary>
    Operation = 0x1F,
    /// <summary>ZF is <see cref="LazyFlags{V}.Zf"/>.</summary>
    ZfSet = 0x20,
    /// <summary>CF is <see cref="LazyFlags{V}.Cf"/>.</summary>
    CfSet = 0x40,
    /// <summary>OF is <see cref="LazyFlags{V}.Of"/>.</summary>
    OfSet = 0x80,
}

/// <summary>
/// The arithmetic flags as the last flag-writing instruction left them, plus DF. Written by the semantics only;
/// every field is a value of the machine's domain, so the same lazy scheme serves concrete and symbolic machines.
/// </summary>
public struct LazyFlags<V>
{
    public FlagOp Op;
    /// <summary>Operand size of <see cref="Op"/> in bytes.</summary>
    public byte Size;
    public V Res, A, B;
    /// <summary>Explicit flags (all six when <see cref="Op"/> is Explicit; CF, ZF, OF when their override bit is set).</summary>
    public V Cf, Pf, Af, Zf, Sf, Of;
    /// <summary>The direction flag (0 or 1): string instructions step down when 1.</summary>
    public V Df;
}

/// <summary>EFLAGS bit positions (SDM vol. 1 §3.4.3).</summary>
public static class EflagsBits
{
    public const int CF = 0, PF = 2, AF = 4, ZF = 6, SF = 7, DF = 10, OF = 11;
    /// <summary>Bit 1 always reads 1.</summary>
    public const uint Reserved1 = 0x2;
}

/// <summary>
/// Evaluates the lazy flags and the 16 condition codes, written once for every machine: only the machine's value
/// operations are used, so a pointer or undefined operand yields whatever the machine's operations give (Vundef for CompCert).
/// </summary>
public static class FlagLogic
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static V Bit<V, M>(ref M m, V x, int bit) where M : struct, IX86Machine<V> =>
        m.And(m.Shr(x, m.Const((uint)bit)), m.Const(1));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static V Msb<V, M>(ref M m, V x, int size) where M : struct, IX86Machine<V> => Bit<V, M>(ref m, x, size * 8 - 1);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static V Not1<V, M>(ref M m, V x) where M : struct, IX86Machine<V> => m.Xor(x, m.Const(1));

    public static V Cf<V, M>(ref M m) where M : struct, IX86Machine<V>
    {
        ref var f = ref m.FlagState;
        if ((f.Op & FlagOp.CfSet) != 0) return f.Cf;
        switch (f.Op & FlagOp.Operation)
        {
            // carry/borrow out of the top bit with and/or/xor only: a pointer operand gives Vundef in CompCert
            case FlagOp.Add: return Msb<V, M>(ref m, m.Or(m.And(f.A, f.B), m.And(m.Or(f.A, f.B), Not<V, M>(ref m, f.Res))), f.Size);
            case FlagOp.Sbb: return Msb<V, M>(ref m, m.Or(m.And(Not<V, M>(ref m, f.A), f.B), m.And(Not<V, M>(ref m, m.Xor(f.A, f.B)), f.Res)), f.Size);
            // cmp: the unsigned comparison, which a machine may define for two pointers of one block
            case FlagOp.Sub: return m.LtU(f.A, f.B);
            case FlagOp.Shl: return Msb<V, M>(ref m, m.Shl(f.A, m.Sub(f.B, m.Const(1))), f.Size);
            case FlagOp.Shr or FlagOp.Sar: return m.And(m.Sar(f.A, m.Sub(f.B, m.Const(1))), m.Const(1));
            case FlagOp.Mul: return f.B;
            case FlagOp.Explicit: return f.Cf;
            default: return m.Const(0);   // Logic (Inc/Dec always carry CfSet)
        }
    }

    public static V Of<V, M>(ref M m) where M : struct, IX86Machine<V>
    {
        ref var f = ref m.FlagState;
        if ((f.Op & FlagOp.OfSet) != 0) return f.Of;
        int s = f.Size;
        switch (f.Op & FlagOp.Operation)
        {
            case FlagOp.Add: return Msb<V, M>(ref m, m.And(m.Xor(f.A, f.Res), m.Xor(f.B, f.Res)), s);
            case FlagOp.Sub or FlagOp.Sbb: return Msb<V, M>(ref m, m.And(m.Xor(f.A, f.B), m.Xor(f.A, f.Res)), s);
            case FlagOp.Inc: return m.Eq(f.Res, m.Const(1u << (s * 8 - 1)));
            case FlagOp.Dec: return m.Eq(f.A, m.Const(1u << (s * 8 - 1)));
            case FlagOp.Shl: return m.Xor(Msb<V, M>(ref m, f.Res, s), Msb<V, M>(ref m, m.Shl(f.A, m.Sub(f.B, m.Const(1))), s));
            case FlagOp.Shr: return Msb<V, M>(ref m, m.Shr(f.A, m.Sub(f.B, m.Const(1))), s);
            case FlagOp.Mul: return f.B;
            case FlagOp.Explicit: return f.Of;
            default: return m.Const(0);   // Logic, Sar
        }
    }

    public static V Zf<V, M>(ref M m) where M : struct, IX86Machine<V>
    {
        ref var f = ref m.FlagState;
        if ((f.Op & FlagOp.ZfSet) != 0) return f.Zf;
        return (f.Op & FlagOp.Operation) switch
        {
            FlagOp.Explicit => f.Zf,
            // cmp: equality of the operands, which a machine may define where the difference is not (two pointers)
            FlagOp.Sub => m.Eq(f.A, f.B),
            _ => m.Eq(f.Res, m.Const(0)),
        };
    }

    public static V Sf<V, M>(ref M m) where M : struct, IX86Machine<V>
    {
        ref var f = ref m.FlagState;
        return (f.Op & FlagOp.Operation) == FlagOp.Explicit ? f.Sf : Msb<V, M>(ref m, f.Res, f.Size);
    }

    /// <summary>PF: 1 when the low byte of the result has an even number of set bits.</summary>
    public static V Pf<V, M>(ref M m) where M : struct, IX86Machine<V>
    {
        ref var f = ref m.FlagState;
        return (f.Op & FlagOp.Operation) == FlagOp.Explicit ? f.Pf : Not1<V, M>(ref m, m.And(m.PopCount(m.And(f.Res, m.Const(0xFF))), m.Const(1)));
    }

    /// <summary>AF: carry/borrow out of bit 3 for the additive operations; 0 (our choice where the SDM leaves it undefined) for the others.</summary>
    public static V Af<V, M>(ref M m) where M : struct, IX86Machine<V>
    {
        ref var f = ref m.FlagState;
        switch (f.Op & FlagOp.Operation)
        {
            case FlagOp.Explicit: return f.Af;
            case FlagOp.Add or FlagOp.Sub or FlagOp.Sbb or FlagOp.Inc or FlagOp.Dec:
                return Bit<V, M>(ref m, m.Xor(m.Xor(f.A, f.B), f.Res), 4);
            default: return m.Const(0);
        }
    }

    /// <summary>Records new values of CF (and of OF, ZF when given) over the lazy state; the other flags stay as they are.</summary>
    public static void Override<V, M>(ref M m, V cf, FlagOp which = FlagOp.CfSet, V of = default!, V zf = default!) where M : struct, IX86Machine<V>
    {
        ref var f = ref m.FlagState;
        if ((f.Op & FlagOp.Operation) == FlagOp.Explicit)
        {
            f.Cf = cf;
            if ((which & FlagOp.OfSet) != 0) f.Of = of;
            if ((which & FlagOp.ZfSet) != 0) f.Zf = zf;
            return;
        }
        f.Op |= which | FlagOp.CfSet;
        f.Cf = cf;
        if ((which & FlagOp.OfSet) != 0) f.Of = of;
        if ((which & FlagOp.ZfSet) != 0) f.Zf = zf;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static V SignExtend<V, M>(ref M m, V v, int size) where M : struct, IX86Machine<V> => Operands.SignExtend(ref m, v, size);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static V Not<V, M>(ref M m, V x) where M : struct, IX86Machine<V> => m.Xor(x, m.Const(0xFFFFFFFF));

    /// <summary>Condition code <paramref name="cc"/> (0 O … 15 G, as in jcc/setcc/cmovcc) as a 0/1 value.</summary>
    public static V Condition<V, M>(ref M m, int cc) where M : struct, IX86Machine<V>
    {
        ref var f = ref m.FlagState;
        // after cmp/sub the conditions are comparisons of the operands (B/BE/E unsigned, L/LE signed):
        // the same values as through the flags, with fewer operations
        if (f.Op == FlagOp.Sub && (cc >> 1) is 1 or 2 or 3 or 6 or 7)
        {
            V a = f.A, b = f.B;
            V c = (cc >> 1) switch
            {
                1 => m.LtU(a, b),
                2 => m.Eq(a, b),
                3 => m.Or(m.LtU(a, b), m.Eq(a, b)),
                6 => m.LtS(SignExtend<V, M>(ref m, a, f.Size), SignExtend<V, M>(ref m, b, f.Size)),
                _ => m.Or(m.Eq(a, b), m.LtS(SignExtend<V, M>(ref m, a, f.Size), SignExtend<V, M>(ref m, b, f.Size))),
            };
            return (cc & 1) == 0 ? c : Not1<V, M>(ref m, c);
        }
        V t = (cc >> 1) switch
        {
            0 => Of<V, M>(ref m),
            1 => Cf<V, M>(ref m),
            2 => Zf<V, M>(ref m),
            3 => m.Or(Cf<V, M>(ref m), Zf<V, M>(ref m)),
            4 => Sf<V, M>(ref m),
            5 => Pf<V, M>(ref m),
            6 => m.Xor(Sf<V, M>(ref m), Of<V, M>(ref m)),
            _ => m.Or(Zf<V, M>(ref m), m.Xor(Sf<V, M>(ref m), Of<V, M>(ref m))),
        };
        return (cc & 1) == 0 ? t : Not1<V, M>(ref m, t);
    }

    /// <summary>The EFLAGS word: the six arithmetic flags, DF and the always-one bit 1.</summary>
    public static V Word<V, M>(ref M m) where M : struct, IX86Machine<V>
    {
        V w = m.Const(EflagsBits.Reserved1);
        w = m.Or(w, m.Shl(Cf<V, M>(ref m), m.Const(EflagsBits.CF)));
        w = m.Or(w, m.Shl(Pf<V, M>(ref m), m.Const(EflagsBits.PF)));
        w = m.Or(w, m.Shl(Af<V, M>(ref m), m.Const(EflagsBits.AF)));
        w = m.Or(w, m.Shl(Zf<V, M>(ref m), m.Const(EflagsBits.ZF)));
        w = m.Or(w, m.Shl(Sf<V, M>(ref m), m.Const(EflagsBits.SF)));
        w = m.Or(w, m.Shl(m.FlagState.Df, m.Const(EflagsBits.DF)));
        return m.Or(w, m.Shl(Of<V, M>(ref m), m.Const(EflagsBits.OF)));
    }

    /// <summary>Sets every flag the machine keeps from an EFLAGS word (popfd); other bits are ignored.</summary>
    public static void SetWord<V, M>(ref M m, V word) where M : struct, IX86Machine<V>
    {
        V cf = Bit<V, M>(ref m, word, EflagsBits.CF), pf = Bit<V, M>(ref m, word, EflagsBits.PF), af = Bit<V, M>(ref m, word, EflagsBits.AF);
        V zf = Bit<V, M>(ref m, word, EflagsBits.ZF), sf = Bit<V, M>(ref m, word, EflagsBits.SF), df = Bit<V, M>(ref m, word, EflagsBits.DF);
        V of = Bit<V, M>(ref m, word, EflagsBits.OF);
        ref var f = ref m.FlagState;
        f.Op = FlagOp.Explicit;
        f.Cf = cf; f.Pf = pf; f.Af = af; f.Zf = zf; f.Sf = sf; f.Of = of; f.Df = df;
    }
}
