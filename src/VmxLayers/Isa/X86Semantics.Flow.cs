using Iced.Intel;
using static VmxLayers.Isa.Operands;

namespace VmxLayers.Isa;

using Code = Iced.Intel.Code;

/// <summary>Stack, calls and branches, and the string instructions.</summary>
public static partial class X86Semantics
{
    static void Push<V, M>(ref M m, V v) where M : struct, IX86Machine<V>
    {
        V sp = m.Sub(m.GetReg(Esp), m.Const(4));
        m.Store(sp, 4, v);
        m.SetReg(Esp, sp);
    }

    static V PopValue<V, M>(ref M m) where M : struct, IX86Machine<V>
    {
        V sp = m.GetReg(Esp);
        V v = m.Load(sp, 4);
        m.SetReg(Esp, m.Add(sp, m.Const(4)));
        return v;
    }

    /// <summary>pop r32 / pop r/m32: ESP is incremented before the destination's address is computed (SDM), so [esp+k] sees the new ESP.</summary>
    static void Pop<V, M>(ref M m, in Instruction i) where M : struct, IX86Machine<V>
    {
        V v = PopValue<V, M>(ref m);
        Write(ref m, Locate<V, M>(ref m, in i, 0), 4, v);
    }

    static void Call<V, M>(ref M m, in Instruction i, V target) where M : struct, IX86Machine<V>
    {
        Push(ref m, m.NextIp(in i));
        m.Jump(target);
    }

    static void RetImm<V, M>(ref M m, in Instruction i) where M : struct, IX86Machine<V>
    {
        V target = PopValue<V, M>(ref m);
        m.SetReg(Esp, m.Add(m.GetReg(Esp), m.Immediate(in i, 0)));
        m.Jump(target);
    }

    static void Loop<V, M>(ref M m, in Instruction i, IsaOp op) where M : struct, IX86Machine<V>
    {
        V ecx = m.Sub(m.GetReg(Ecx), m.Const(1));
        m.SetReg(Ecx, ecx);
        V go = NotZero(ref m, ecx);
        if (op != IsaOp.Loop)
        {
            V zf = FlagLogic.Zf<V, M>(ref m);
            go = m.And(go, op == IsaOp.Loope ? zf : m.Xor(zf, m.Const(1)));
        }
        if (m.Branch(go)) m.Jump(m.BranchTarget(in i));
    }

    static void Leave<V, M>(ref M m) where M : struct, IX86Machine<V>
    {
        V sp = m.GetReg(Ebp);
        V bp = m.Load(sp, 4);
        m.SetReg(Esp, m.Add(sp, m.Const(4)));
        m.SetReg(Ebp, bp);
    }

    /// <summary>enter size, level: push EBP, copy level−1 outer frame pointers, push the new frame pointer, reserve size bytes.</summary>
    static void Enter<V, M>(ref M m, in Instruction i) where M : struct, IX86Machine<V>
    {
        V frameSize = m.Immediate(in i, 0), level = m.And(m.Immediate(in i, 1), m.Const(0x1F));
        Push(ref m, m.GetReg(Ebp));
        V frame = m.GetReg(Esp);
        if (!m.Branch(m.Eq(level, m.Const(0))))
        {
            V bp = m.GetReg(Ebp);
            for (uint k = 1; m.Branch(m.LtU(m.Const(k), level)); k++)
            {
                bp = m.Sub(bp, m.Const(4));
                Push(ref m, m.Load(bp, 4));
            }
            Push(ref m, frame);
        }
        m.SetReg(Ebp, frame);
        m.SetReg(Esp, m.Sub(m.GetReg(Esp), frameSize));
    }

    static void Pushad<V, M>(ref M m) where M : struct, IX86Machine<V>
    {
        V sp = m.GetReg(Esp);
        for (int r = Eax; r <= Edi; r++) Push(ref m, r == Esp ? sp : m.GetReg(r));
    }

    static void Popad<V, M>(ref M m) where M : struct, IX86Machine<V>
    {
        for (int r = Edi; r >= Eax; r--)
        {
            V v = PopValue<V, M>(ref m);
            if (r != Esp) m.SetReg(r, v);
        }
    }

    // ---- string instructions ----------------------------------------------------------------------

    /// <summary>
    /// movs, stos, lods, cmps, scas, each with ESI/EDI stepping by the size, down when DF = 1. With rep (F3, or F2 on
    /// movs/stos/lods) the instruction repeats while ECX ≠ 0, decrementing it; repe/repne cmps/scas also stop when ZF
    /// is 0/1 after an iteration.
    /// </summary>
    static void StringOp<V, M>(ref M m, in Instruction i, IsaOp op, int size) where M : struct, IX86Machine<V>
    {
        bool compares = op is IsaOp.Cmps or IsaOp.Scas;
        bool rep = i.HasRepPrefix || i.HasRepnePrefix;
        V step = m.Select(m.FlagState.Df, m.Const((uint)-size), m.Const((uint)size));
        if (!rep) { StringIteration<V, M>(ref m, op, size, step); return; }
        V one = m.Const(1);
        while (m.Branch(NotZero(ref m, m.GetReg(Ecx))))
        {
            StringIteration<V, M>(ref m, op, size, step);
            m.SetReg(Ecx, m.Sub(m.GetReg(Ecx), one));
            if (!compares) continue;
            V zf = FlagLogic.Zf<V, M>(ref m);
            if (m.Branch(i.HasRepePrefix ? m.Xor(zf, one) : zf)) break;
        }
    }

    static void StringIteration<V, M>(ref M m, IsaOp op, int size, V step) where M : struct, IX86Machine<V>
    {
        var acc = new Location<V>(Eax, size == 4 ? 0 : size == 2 ? 1 : 2);
        switch (op)
        {
            case IsaOp.Movs:
                m.Store(m.GetReg(Edi), size, m.Load(m.GetReg(Esi), size));
                m.SetReg(Esi, m.Add(m.GetReg(Esi), step));
                m.SetReg(Edi, m.Add(m.GetReg(Edi), step));
                break;
            case IsaOp.Stos:
                m.Store(m.GetReg(Edi), size, Read(ref m, in acc, size));
                m.SetReg(Edi, m.Add(m.GetReg(Edi), step));
                break;
            case IsaOp.Lods:
                Write(ref m, in acc, size, m.Load(m.GetReg(Esi), size));
                m.SetReg(Esi, m.Add(m.GetReg(Esi), step));
                break;
            case IsaOp.Cmps:
            {
                V a = m.Load(m.GetReg(Esi), size), b = m.Load(m.GetReg(Edi), size);
                SetFlags(ref m, FlagOp.Sub, size, Trunc(ref m, m.Sub(a, b), size), a, b);
                m.SetReg(Esi, m.Add(m.GetReg(Esi), step));
                m.SetReg(Edi, m.Add(m.GetReg(Edi), step));
                break;
            }
            default: // scas
            {
                V a = Read(ref m, in acc, size), b = m.Load(m.GetReg(Edi), size);
                SetFlags(ref m, FlagOp.Sub, size, Trunc(ref m, m.Sub(a, b), size), a, b);
                m.SetReg(Edi, m.Add(m.GetReg(Edi), step));
                break;
            }
        }
    }
}
