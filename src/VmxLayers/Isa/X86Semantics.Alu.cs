using System.Runtime.CompilerServices;
using Iced.Intel;
using static VmxLayers.Isa.Operands;

namespace VmxLayers.Isa;

using Code = Iced.Intel.Code;

/// <summary>Arithmetic, logic, shifts, rotates, bit operations, multiplication and division.</summary>
public static partial class X86Semantics
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Alu<V, M>(ref M m, in Instruction i, IsaOp op, int size) where M : struct, IX86Machine<V>
    {
        var dst = Locate<V, M>(ref m, in i, 0);
        V a = Read(ref m, in dst, size);
        V b = Source<V, M>(ref m, in i, 1, size);
        V r = Arith(ref m, op, a, b, size);
        if (op != IsaOp.Cmp) Write(ref m, in dst, size, r);
    }

    /// <summary>The eight ALU operations: the result (truncated to size) with the flags set lazily.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static V Arith<V, M>(ref M m, IsaOp op, V a, V b, int size) where M : struct, IX86Machine<V>
    {
        V r;
        switch (op)
        {
            case IsaOp.Add: r = Trunc(ref m, m.Add(a, b), size); SetFlags(ref m, FlagOp.Add, size, r, a, b); return r;
            case IsaOp.Sub or IsaOp.Cmp: r = Trunc(ref m, m.Sub(a, b), size); SetFlags(ref m, FlagOp.Sub, size, r, a, b); return r;
            case IsaOp.And: r = m.And(a, b); break;
            case IsaOp.Or: r = m.Or(a, b); break;
            case IsaOp.Xor: r = m.Xor(a, b); break;
            case IsaOp.Adc or IsaOp.Sbb:
            {
                V c = FlagLogic.Cf<V, M>(ref m);
                bool add = op == IsaOp.Adc;
                r = Trunc(ref m, add ? m.Add(m.Add(a, b), c) : m.Sub(m.Sub(a, b), c), size);
                SetFlags(ref m, add ? FlagOp.Add : FlagOp.Sbb, size, r, a, b);   // the carry-out follows from a, b, r
                return r;
            }
            default: throw new InvalidOperationException($"{op} is not an ALU operation");
        }
        SetFlags(ref m, FlagOp.Logic, size, r, a, b);
        return r;
    }

    static void Test<V, M>(ref M m, in Instruction i, int size) where M : struct, IX86Machine<V>
    {
        V a = Source<V, M>(ref m, in i, 0, size), b = Source<V, M>(ref m, in i, 1, size);
        V r = m.And(a, b);
        SetFlags(ref m, FlagOp.Logic, size, r, a, b);
    }

    static void IncDec<V, M>(ref M m, in Instruction i, int size, bool dec) where M : struct, IX86Machine<V>
    {
        var dst = Locate<V, M>(ref m, in i, 0);
        V a = Read(ref m, in dst, size), one = m.Const(1);
        V cf = FlagLogic.Cf<V, M>(ref m);
        V r = Trunc(ref m, dec ? m.Sub(a, one) : m.Add(a, one), size);
        SetFlags(ref m, dec ? FlagOp.Dec : FlagOp.Inc, size, r, a, one);
        FlagLogic.Override<V, M>(ref m, cf);
        Write(ref m, in dst, size, r);
    }

    static void Neg<V, M>(ref M m, in Instruction i, int size) where M : struct, IX86Machine<V>
    {
        var dst = Locate<V, M>(ref m, in i, 0);
        V a = Read(ref m, in dst, size), zero = m.Const(0);
        V r = Trunc(ref m, m.Sub(zero, a), size);
        SetFlags(ref m, FlagOp.Sub, size, r, zero, a);
        Write(ref m, in dst, size, r);
    }

    static void Not<V, M>(ref M m, in Instruction i, int size) where M : struct, IX86Machine<V>
    {
        var dst = Locate<V, M>(ref m, in i, 0);
        Write(ref m, in dst, size, m.Xor(Read(ref m, in dst, size), m.Const(Mask(size))));
    }

    // ---- shifts and rotates (count masked to 5 bits; a zero count changes nothing, flags included) ----

    /// <summary>The count operand (imm8, 1 or CL) masked to 5 bits.</summary>
    static V Count<V, M>(ref M m, in Instruction i, int op) where M : struct, IX86Machine<V> =>
        m.And(Source<V, M>(ref m, in i, op, 1), m.Const(0x1F));

    static void Shift<V, M>(ref M m, in Instruction i, IsaOp op, int size) where M : struct, IX86Machine<V>
    {
        var dst = Locate<V, M>(ref m, in i, 0);
        V a = Read(ref m, in dst, size);
        V k = Count<V, M>(ref m, in i, 1);
        if (m.Branch(m.Eq(k, m.Const(0)))) return;
        V r;
        switch (op)
        {
            case IsaOp.Shl: r = Trunc(ref m, m.Shl(a, k), size); SetFlags(ref m, FlagOp.Shl, size, r, a, k); break;
            case IsaOp.Shr: r = m.Shr(a, k); SetFlags(ref m, FlagOp.Shr, size, r, a, k); break;
            default:
                V s = SignExtend(ref m, a, size);
                r = Trunc(ref m, m.Sar(s, k), size);
                SetFlags(ref m, FlagOp.Sar, size, r, s, k);
                break;
        }
        Write(ref m, in dst, size, r);
    }

    /// <summary>rol/ror: CF = the bit rotated last, OF = MSB(res) xor CF (rol) or xor of the two top bits (ror); other flags kept.</summary>
    static void Rotate<V, M>(ref M m, in Instruction i, bool right, int size) where M : struct, IX86Machine<V>
    {
        var dst = Locate<V, M>(ref m, in i, 0);
        V a = Read(ref m, in dst, size);
        V k = Count<V, M>(ref m, in i, 1);
        if (m.Branch(m.Eq(k, m.Const(0)))) return;
        int bits = size * 8;
        V n = m.And(k, m.Const((uint)bits - 1));          // rotation modulo the width
        V back = m.Sub(m.Const((uint)bits), n);            // 1..bits; a shift by the full width of a narrow value gives 0
        V r = right ? m.Or(m.Shr(a, n), ShlWide(ref m, a, back, size)) : m.Or(ShlWide(ref m, a, n, size), m.Shr(a, back));
        r = Trunc(ref m, r, size);
        V msb = Msb(ref m, r, size);
        V cf = right ? msb : m.And(r, m.Const(1));
        V of = right ? m.Xor(msb, m.And(m.Shr(r, m.Const((uint)bits - 2)), m.Const(1))) : m.Xor(msb, cf);
        FlagLogic.Override<V, M>(ref m, cf, FlagOp.CfSet | FlagOp.OfSet, of);
        Write(ref m, in dst, size, r);
    }

    /// <summary>a &lt;&lt; n for n in 0..bits (a shift by 32 of a 32-bit value gives 0).</summary>
    static V ShlWide<V, M>(ref M m, V a, V n, int size) where M : struct, IX86Machine<V> =>
        size == 4 ? m.Shl(m.Shl(a, m.Sub(n, m.Const(1))), m.Const(1)) : m.Shl(a, n);

    /// <summary>rcl/rcr: rotation through CF over bits+1 bits (count mod 9 / 17 / 33); OF = MSB(a) xor MSB(res) (SDM: for count 1).</summary>
    static void RotateCarry<V, M>(ref M m, in Instruction i, bool right, int size) where M : struct, IX86Machine<V>
    {
        var dst = Locate<V, M>(ref m, in i, 0);
        V a = Read(ref m, in dst, size);
        V k = Count<V, M>(ref m, in i, 1);
        int bits = size * 8;
        if (size < 4)
        {
            // count mod 9 or 17 (count ≤ 31): subtract the width while the count reaches it
            V w = m.Const((uint)bits + 1);
            for (int times = size == 1 ? 3 : 1; times > 0; times--) k = m.Select(m.LtU(k, w), k, m.Sub(k, w));
        }
        if (m.Branch(m.Eq(k, m.Const(0)))) return;
        V c = FlagLogic.Cf<V, M>(ref m), one = m.Const(1), rest = m.Sub(m.Const((uint)bits), k);   // rest in 0..bits-1
        V r, cf;
        if (!right)
        {
            r = m.Or(m.Or(m.Shl(a, k), m.Shl(c, m.Sub(k, one))), m.Shr(m.Shr(a, rest), one));
            cf = m.And(m.Shr(a, rest), one);
        }
        else
        {
            r = m.Or(m.Or(m.Shr(a, k), m.Shl(c, rest)), m.Shl(m.Shl(a, rest), one));
            cf = m.And(m.Shr(a, m.Sub(k, one)), one);
        }
        r = Trunc(ref m, r, size);
        FlagLogic.Override<V, M>(ref m, cf, FlagOp.CfSet | FlagOp.OfSet, m.Xor(Msb(ref m, a, size), Msb(ref m, r, size)));
        Write(ref m, in dst, size, r);
    }

    /// <summary>
    /// shld/shrd r/m, reg, imm8|CL. CF = the last bit shifted out; OF (SDM: defined for count 1 only) = MSB(res) xor
    /// MSB of the concatenation shifted by count − 1, which is the SDM's value for count 1 (QEMU's for any count).
    /// 16-bit counts above 16 (SDM: undefined result) shift the 32-bit concatenation.
    /// </summary>
    static void DoubleShift<V, M>(ref M m, in Instruction i, bool right, int size) where M : struct, IX86Machine<V>
    {
        var dst = Locate<V, M>(ref m, in i, 0);
        V a = Read(ref m, in dst, size), b = Source<V, M>(ref m, in i, 1, size);
        V k = Count<V, M>(ref m, in i, 2);
        if (m.Branch(m.Eq(k, m.Const(0)))) return;
        V one = m.Const(1), km1 = m.Sub(k, one), r, cf, before;   // before: the concatenation shifted by count − 1, at operand size
        if (size == 4)
        {
            V back = m.Sub(m.Const(32), k);
            r = right ? m.Or(m.Shr(a, k), m.Shl(b, back)) : m.Or(m.Shl(a, k), m.Shr(b, back));
            cf = right ? m.And(m.Shr(a, km1), one) : m.And(m.Shr(a, back), one);
            before = right ? m.Or(m.Shr(a, km1), ShlWide(ref m, b, m.Sub(m.Const(33), k), 4)) : m.Shl(a, km1);
        }
        else
        {
            V sixteen = m.Const(16);
            V w = right ? m.Or(m.Shl(b, sixteen), a) : m.Or(m.Shl(a, sixteen), b);
            r = right ? Trunc(ref m, m.Shr(w, k), 2) : m.Shr(m.Shl(w, k), sixteen);
            cf = right ? m.And(m.Shr(w, km1), one) : m.And(m.Shr(w, m.Sub(m.Const(32), k)), one);
            before = right ? m.Shr(w, km1) : m.Shr(m.Shl(w, km1), sixteen);
        }
        SetResultFlags(ref m, size, r, cf, m.Const(0), m.Xor(Msb(ref m, r, size), Msb(ref m, before, size)));
        Write(ref m, in dst, size, r);
    }

    // ---- bit operations ---------------------------------------------------------------------------

    /// <summary>bt/bts/btr/btc: CF = the selected bit; a register bit offset into memory may address beyond the operand.</summary>
    static void BitTest<V, M>(ref M m, in Instruction i, IsaOp op, int size) where M : struct, IX86Machine<V>
    {
        int bits = size * 8, log = size == 4 ? 5 : 4;
        V offset = Source<V, M>(ref m, in i, 1, size);
        Location<V> dst;
        if (i.Op0Kind == OpKind.Memory && i.Op1Kind == OpKind.Register)
        {
            // the signed bit offset selects the operand-sized word at address + (offset >> log) * size
            V words = m.Sar(SignExtend(ref m, offset, size), m.Const((uint)log));
            dst = new Location<V>(m.Add(Address<V, M>(ref m, in i), m.Shl(words, m.Const(size == 4 ? 2u : 1u))));
        }
        else dst = Locate<V, M>(ref m, in i, 0);
        V bit = m.And(offset, m.Const((uint)bits - 1));
        V v = Read(ref m, in dst, size), one = m.Const(1);
        V cf = m.And(m.Shr(v, bit), one);
        FlagLogic.Override<V, M>(ref m, cf);
        if (op == IsaOp.Bt) return;
        V mask = m.Shl(one, bit);
        V r = op switch
        {
            IsaOp.Bts => m.Or(v, mask),
            IsaOp.Btr => m.And(v, m.Xor(mask, m.Const(Mask(size)))),
            _ => m.Xor(v, mask),
        };
        Write(ref m, in dst, size, r);
    }

    /// <summary>bsf/bsr: the index of the lowest/highest set bit; a zero source leaves the destination unchanged and sets ZF.</summary>
    static void BitScan<V, M>(ref M m, in Instruction i, bool reverse, int size) where M : struct, IX86Machine<V>
    {
        V src = Source<V, M>(ref m, in i, 1, size);
        var dst = Reg<V>(i.Op0Register);
        V index = reverse ? m.Sub(m.Const(31), m.LeadingZeros(src)) : m.TrailingZeros(src);
        V zero = m.Eq(src, m.Const(0));
        Write(ref m, in dst, size, m.Select(zero, Read(ref m, in dst, size), index));
        SetFlags(ref m, FlagOp.Logic, size, src, src, src);   // ZF = (src = 0); our choice for the rest: as after test src, src
    }

    /// <summary>tzcnt/lzcnt: the count (the width for 0); CF = (src = 0), ZF = (count = 0), the other flags unchanged.</summary>
    static void CountZeros<V, M>(ref M m, in Instruction i, bool leading, int size) where M : struct, IX86Machine<V>
    {
        V src = Source<V, M>(ref m, in i, 1, size);
        V n = leading
            ? (size == 4 ? m.LeadingZeros(src) : m.Sub(m.LeadingZeros(src), m.Const(16)))
            : (size == 4 ? m.TrailingZeros(src) : m.TrailingZeros(m.Or(src, m.Const(0x10000))));
        Write(ref m, Reg<V>(i.Op0Register), size, n);
        FlagLogic.Override<V, M>(ref m, m.Eq(src, m.Const(0)), FlagOp.CfSet | FlagOp.ZfSet, zf: m.Eq(n, m.Const(0)));
    }

    static void PopCount<V, M>(ref M m, in Instruction i, int size) where M : struct, IX86Machine<V>
    {
        V src = Source<V, M>(ref m, in i, 1, size);
        Write(ref m, Reg<V>(i.Op0Register), size, m.PopCount(src));
        V zero = m.Const(0), zf = m.Eq(src, zero);
        ref var f = ref m.FlagState;
        f.Op = FlagOp.Explicit;
        f.Cf = zero; f.Pf = zero; f.Af = zero; f.Sf = zero; f.Of = zero;
        f.Zf = zf;
    }

    // ---- multiplication and division ---------------------------------------------------------------

    /// <summary>mul/imul r/m: AX := AL·src, DX:AX := AX·src or EDX:EAX := EAX·src; CF = OF = the high half is significant.</summary>
    static void MulAcc<V, M>(ref M m, in Instruction i, bool signed, int size) where M : struct, IX86Machine<V>
    {
        V src = Source<V, M>(ref m, in i, 0, size);
        V acc = Trunc(ref m, m.GetReg(Eax), size);
        V lo, wide;
        if (size == 4)
        {
            lo = m.Mul(acc, src);
            V hi = m.MulHigh(acc, src, signed);
            m.SetReg(Eax, lo);
            m.SetReg(Edx, hi);
            wide = signed ? m.Xor(m.Eq(hi, m.Sar(lo, m.Const(31))), m.Const(1)) : NotZero(ref m, hi);
        }
        else
        {
            V p = signed ? m.Mul(SignExtend(ref m, acc, size), SignExtend(ref m, src, size)) : m.Mul(acc, src);  // exact in 32 bits
            lo = Trunc(ref m, p, size);
            if (size == 1) Write(ref m, new Location<V>(Eax, 1), 2, Trunc(ref m, p, 2));
            else
            {
                Write(ref m, new Location<V>(Eax, 1), 2, lo);
                Write(ref m, new Location<V>(Edx, 1), 2, Trunc(ref m, m.Shr(p, m.Const(16)), 2));
            }
            wide = signed ? m.Xor(m.Eq(p, SignExtend(ref m, lo, size)), m.Const(1)) : NotZero(ref m, m.Shr(p, m.Const((uint)size * 8)));
        }
        SetFlags(ref m, FlagOp.Mul, size, lo, acc, wide);
    }

    /// <summary>imul r, r/m and imul r, r/m, imm: the truncated signed product.</summary>
    static void Imul<V, M>(ref M m, in Instruction i, int size) where M : struct, IX86Machine<V>
    {
        var dst = Reg<V>(i.Op0Register);
        V a, b;
        if (i.OpCount == 3) { a = Source<V, M>(ref m, in i, 1, size); b = Source<V, M>(ref m, in i, 2, size); }
        else { a = Read(ref m, in dst, size); b = Source<V, M>(ref m, in i, 1, size); }
        V lo, wide;
        if (size == 4)
        {
            lo = m.Mul(a, b);
            wide = m.Xor(m.Eq(m.MulHigh(a, b, true), m.Sar(lo, m.Const(31))), m.Const(1));
        }
        else
        {
            V p = m.Mul(SignExtend(ref m, a, size), SignExtend(ref m, b, size));
            lo = Trunc(ref m, p, size);
            wide = m.Xor(m.Eq(p, SignExtend(ref m, lo, size)), m.Const(1));
        }
        SetFlags(ref m, FlagOp.Mul, size, lo, a, wide);
        Write(ref m, in dst, size, lo);
    }

    /// <summary>div/idiv: AX by r/m8 (AL quotient, AH remainder), DX:AX by r/m16, EDX:EAX by r/m32; #DE on 0 or overflow; flags unchanged.</summary>
    static void Div<V, M>(ref M m, in Instruction i, bool signed, int size) where M : struct, IX86Machine<V>
    {
        V d = Source<V, M>(ref m, in i, 0, size);
        V lo, hi;
        if (size == 4) { lo = m.GetReg(Eax); hi = m.GetReg(Edx); }
        else
        {
            lo = size == 1
                ? Trunc(ref m, m.GetReg(Eax), 2)
                : m.Or(m.Shl(Trunc(ref m, m.GetReg(Edx), 2), m.Const(16)), Trunc(ref m, m.GetReg(Eax), 2));
            if (signed) lo = SignExtend(ref m, lo, size * 2);
            hi = signed ? m.Sar(lo, m.Const(31)) : m.Const(0);
        }
        if (signed) d = SignExtend(ref m, d, size);
        V fault = m.Divide(hi, lo, d, size, signed, out V q, out V r);
        if (m.Branch(fault))
            throw new IsaFault(IsaFaultKind.DivideError, "divide error (#DE): " + "divisor 0 or quotient overflow", i);
        if (size == 1) Write(ref m, new Location<V>(Eax, 1), 2, m.Or(Trunc(ref m, q, 1), m.Shl(Trunc(ref m, r, 1), m.Const(8))));
        else
        {
            Write(ref m, new Location<V>(Eax, size == 4 ? 0 : 1), size, Trunc(ref m, q, size));
            Write(ref m, new Location<V>(Edx, size == 4 ? 0 : 1), size, Trunc(ref m, r, size));
        }
    }
}
