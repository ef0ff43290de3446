using System.Runtime.CompilerServices;

namespace VmxLayers.Isa;

/// <summary>What last wrote the arithmetic flags: the flags are computed from its operands when read (<see cref="FlagLogic"/>).</summary>
public enum FlagOp : byte
{
    /// <summary>The six flags are the values in <see cref="LazyFlags{V}.Cf"/> … <see cref="LazyFlags{V}.Of"/>.</summary>
    Explicit,
    /// <summary>Res = A + B.</summary>
    Add,
    /// <summary>Res = A + B + Cf (Cf is the carry in).</summary>
    Adc,
    /// <summary>Res = A − B (also cmp, neg as 0 − B, cmps, scas, cmpxchg).</summary>
    Sub,
    /// <summary>Res = A − B − Cf (Cf is the borrow in).</summary>
    Sbb,
    /// <summary>and, or, xor, test: CF = OF = 0.</summary>
    Logic,
    /// <summary>Res = A + 1; CF is kept in Cf.</summary>
    Inc,
    /// <summary>Res = A − 1; CF is kept in Cf.</summary>
    Dec,
    /// <summary>Res = A &lt;&lt; B (B the masked count, 1..31).</summary>
    Shl,
    /// <summary>Res = A &gt;&gt; B, logical.</summary>
    Shr,
    /// <summary>Res = A &gt;&gt; B, arithmetic (A sign-extended to 32 bits).</summary>
    Sar,
    /// <summary>mul/imul: Res the low half at operand size, B = 1 when the product does not fit it (CF = OF = B).</summary>
    Mul,
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
    /// <summary>CF when <see cref="Op"/> is Explicit, Inc or Dec; the carry/borrow in for Adc/Sbb.</summary>
    public V Cf;
    /// <summary>The other flags when <see cref="Op"/> is Explicit.</summary>
    public V Pf, Af, Zf, Sf, Of;
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
        switch (f.Op)
        {
            // the carry out of the top bit, (a & b) | ((a | b) & ~res), with and/or only: a pointer operand gives no carry (CompCert: Vundef)
            case FlagOp.Add or FlagOp.Adc:
                return Msb<V, M>(ref m, m.Or(m.And(f.A, f.B), m.And(m.Or(f.A, f.B), m.Xor(f.Res, m.Const(0xFFFFFFFF)))), f.Size);
            case FlagOp.Sub: return m.LtU(f.A, f.B);
            case FlagOp.Sbb: return m.Select(f.Cf, Not1<V, M>(ref m, m.LtU(f.B, f.A)), m.LtU(f.A, f.B));
            case FlagOp.Logic: return m.Const(0);
            case FlagOp.Shl: return Msb<V, M>(ref m, m.Shl(f.A, m.Sub(f.B, m.Const(1))), f.Size);
            case FlagOp.Shr or FlagOp.Sar: return m.And(m.Sar(f.A, m.Sub(f.B, m.Const(1))), m.Const(1));
            case FlagOp.Mul: return f.B;
            default: return f.Cf; // Explicit, Inc, Dec
        }
    }

    public static V Of<V, M>(ref M m) where M : struct, IX86Machine<V>
    {
        ref var f = ref m.FlagState;
        int s = f.Size;
        switch (f.Op)
        {
            case FlagOp.Add or FlagOp.Adc: return Msb<V, M>(ref m, m.And(m.Xor(f.A, f.Res), m.Xor(f.B, f.Res)), s);
            case FlagOp.Sub or FlagOp.Sbb: return Msb<V, M>(ref m, m.And(m.Xor(f.A, f.B), m.Xor(f.A, f.Res)), s);
            case FlagOp.Logic or FlagOp.Sar: return m.Const(0);
            case FlagOp.Inc: return m.Eq(f.Res, m.Const(1u << (s * 8 - 1)));
            case FlagOp.Dec: return m.Eq(f.A, m.Const(1u << (s * 8 - 1)));
            case FlagOp.Shl: return m.Xor(Msb<V, M>(ref m, f.Res, s), Cf<V, M>(ref m));
            case FlagOp.Shr: return Msb<V, M>(ref m, m.Shr(f.A, m.Sub(f.B, m.Const(1))), s);
            case FlagOp.Mul: return f.B;
            default: return f.Of;
        }
    }

    public static V Zf<V, M>(ref M m) where M : struct, IX86Machine<V>
    {
        ref var f = ref m.FlagState;
        return f.Op switch
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
        return f.Op == FlagOp.Explicit ? f.Sf : Msb<V, M>(ref m, f.Res, f.Size);
    }

    /// <summary>PF: 1 when the low byte of the result has an even number of set bits.</summary>
    public static V Pf<V, M>(ref M m) where M : struct, IX86Machine<V>
    {
        ref var f = ref m.FlagState;
        return f.Op == FlagOp.Explicit ? f.Pf : Not1<V, M>(ref m, m.And(m.PopCount(m.And(f.Res, m.Const(0xFF))), m.Const(1)));
    }

    /// <summary>AF: carry/borrow out of bit 3 for the additive operations; 0 (our choice where the SDM leaves it undefined) for the others.</summary>
    public static V Af<V, M>(ref M m) where M : struct, IX86Machine<V>
    {
        ref var f = ref m.FlagState;
        switch (f.Op)
        {
            case FlagOp.Explicit: return f.Af;
            case FlagOp.Add or FlagOp.Adc or FlagOp.Sub or FlagOp.Sbb or FlagOp.Inc or FlagOp.Dec:
                return Bit<V, M>(ref m, m.Xor(m.Xor(f.A, f.B), f.Res), 4);
            default: return m.Const(0);
        }
    }

    /// <summary>Turns the lazy state into explicit flags (before an instruction that changes only some of them).</summary>
    public static void Materialize<V, M>(ref M m) where M : struct, IX86Machine<V>
    {
        if (m.FlagState.Op == FlagOp.Explicit) return;
        V cf = Cf<V, M>(ref m), pf = Pf<V, M>(ref m), af = Af<V, M>(ref m), zf = Zf<V, M>(ref m), sf = Sf<V, M>(ref m), of = Of<V, M>(ref m);
        ref var f = ref m.FlagState;
        f.Op = FlagOp.Explicit;
        f.Cf = cf; f.Pf = pf; f.Af = af; f.Zf = zf; f.Sf = sf; f.Of = of;
    }

    /// <summary>Condition code <paramref name="cc"/> (0 O … 15 G, as in jcc/setcc/cmovcc) as a 0/1 value.</summary>
    public static V Condition<V, M>(ref M m, int cc) where M : struct, IX86Machine<V>
    {
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
