using System.Runtime.CompilerServices;
using Iced.Intel;
using static VmxLayers.Isa.Operands;

namespace VmxLayers.Isa;

using Code = Iced.Intel.Code;

/// <summary>
/// The IA-32 integer instruction semantics, written once for every machine (docs/isa.md): <see cref="Execute{V, M}"/>
/// runs one decoded instruction over any <see cref="IX86Machine{V}"/>. The guest interpreter instantiates it with
/// uint values over flat bytes; other executors instantiate it with CompCert values or SMT terms.
/// </summary>
[SkipLocalsInit]   // the operand structs are always written before they are read
public static partial class X86Semantics
{
    const int Eax = 0, Ecx = 1, Edx = 2, Ebx = 3, Esp = 4, Ebp = 5, Esi = 6, Edi = 7;

    /// <summary>
    /// Executes <paramref name="i"/> on <paramref name="m"/>: the machine has already set its next instruction
    /// address (a branch overrides it with <see cref="IX86Machine{V}.Jump"/>). Exiting instructions do nothing and
    /// return <see cref="StepOutcome.Exiting"/>. Throws <see cref="IsaFault"/> for an instruction outside the set
    /// (check <see cref="Unsupported"/> when decoding to fail early) and for a divide error.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]   // optimized at once: short guest runs never wait for tier-up
    public static StepOutcome Execute<V, M>(ref M m, in Instruction i) where M : struct, IX86Machine<V>
    {
        var form = IsaTable.Forms[(int)i.Code];
        int size = form.Size;
        switch (form.Op)
        {
            case IsaOp.Mov: Mov<V, M>(ref m, in i, size); break;
            case IsaOp.Add or IsaOp.Or or IsaOp.Adc or IsaOp.Sbb or IsaOp.And or IsaOp.Sub or IsaOp.Xor or IsaOp.Cmp:
                Alu<V, M>(ref m, in i, form.Op, size); break;
            case IsaOp.Test: Test<V, M>(ref m, in i, size); break;
            case IsaOp.Jcc: if (m.Branch(FlagLogic.Condition<V, M>(ref m, form.Condition))) m.Jump(m.BranchTarget(in i)); break;
            case IsaOp.Lea: Lea<V, M>(ref m, in i, size); break;
            case IsaOp.Push: Push<V, M>(ref m, Source<V, M>(ref m, in i, 0, 4)); break;
            case IsaOp.Pop: Pop<V, M>(ref m, in i); break;
            case IsaOp.Inc or IsaOp.Dec: IncDec<V, M>(ref m, in i, size, form.Op == IsaOp.Dec); break;
            case IsaOp.Neg: Neg<V, M>(ref m, in i, size); break;
            case IsaOp.Not: Not<V, M>(ref m, in i, size); break;
            case IsaOp.Movzx: Write(ref m, Locate<V, M>(ref m, in i, 0), size, Source<V, M>(ref m, in i, 1, form.SourceSize)); break;
            case IsaOp.Movsx: Write(ref m, Locate<V, M>(ref m, in i, 0), size, Trunc(ref m, SignExtend(ref m, Source<V, M>(ref m, in i, 1, form.SourceSize), form.SourceSize), size)); break;
            case IsaOp.Xchg: Xchg<V, M>(ref m, in i, size); break;
            case IsaOp.Cmpxchg: Cmpxchg<V, M>(ref m, in i, size); break;
            case IsaOp.Xadd: Xadd<V, M>(ref m, in i, size); break;
            case IsaOp.Bswap: Bswap<V, M>(ref m, in i); break;
            case IsaOp.Cmovcc: Cmov<V, M>(ref m, in i, size, form.Condition); break;
            case IsaOp.Setcc: Write(ref m, Locate<V, M>(ref m, in i, 0), 1, FlagLogic.Condition<V, M>(ref m, form.Condition)); break;
            case IsaOp.Jmp: m.Jump(m.BranchTarget(in i)); break;
            case IsaOp.JmpIndirect: m.Jump(Source<V, M>(ref m, in i, 0, 4)); break;
            case IsaOp.Call: Call<V, M>(ref m, in i, m.BranchTarget(in i)); break;
            case IsaOp.CallIndirect: Call<V, M>(ref m, in i, Source<V, M>(ref m, in i, 0, 4)); break;
            case IsaOp.Ret: m.Jump(PopValue<V, M>(ref m)); break;
            case IsaOp.RetImm: RetImm<V, M>(ref m, in i); break;
            case IsaOp.Loop or IsaOp.Loope or IsaOp.Loopne: Loop<V, M>(ref m, in i, form.Op); break;
            case IsaOp.Jecxz: if (m.Branch(m.Eq(m.GetReg(Ecx), m.Const(0)))) m.Jump(m.BranchTarget(in i)); break;
            case IsaOp.Leave: Leave<V, M>(ref m); break;
            case IsaOp.Enter: Enter<V, M>(ref m, in i); break;
            case IsaOp.Pushad: Pushad<V, M>(ref m); break;
            case IsaOp.Popad: Popad<V, M>(ref m); break;
            case IsaOp.Pushfd: Push<V, M>(ref m, FlagLogic.Word<V, M>(ref m)); break;
            case IsaOp.Popfd: FlagLogic.SetWord<V, M>(ref m, PopValue<V, M>(ref m)); break;
            case IsaOp.Shl or IsaOp.Shr or IsaOp.Sar: Shift<V, M>(ref m, in i, form.Op, size); break;
            case IsaOp.Rol or IsaOp.Ror: Rotate<V, M>(ref m, in i, form.Op == IsaOp.Ror, size); break;
            case IsaOp.Rcl or IsaOp.Rcr: RotateCarry<V, M>(ref m, in i, form.Op == IsaOp.Rcr, size); break;
            case IsaOp.Shld or IsaOp.Shrd: DoubleShift<V, M>(ref m, in i, form.Op == IsaOp.Shrd, size); break;
            case IsaOp.Bt or IsaOp.Bts or IsaOp.Btr or IsaOp.Btc: BitTest<V, M>(ref m, in i, form.Op, size); break;
            case IsaOp.Bsf or IsaOp.Bsr: BitScan<V, M>(ref m, in i, form.Op == IsaOp.Bsr, size); break;
            case IsaOp.Tzcnt or IsaOp.Lzcnt: CountZeros<V, M>(ref m, in i, form.Op == IsaOp.Lzcnt, size); break;
            case IsaOp.Popcnt: PopCount<V, M>(ref m, in i, size); break;
            case IsaOp.Mul or IsaOp.Imul1: MulAcc<V, M>(ref m, in i, form.Op == IsaOp.Imul1, size); break;
            case IsaOp.Imul: Imul<V, M>(ref m, in i, size); break;
            case IsaOp.Div or IsaOp.Idiv: Div<V, M>(ref m, in i, form.Op == IsaOp.Idiv, size); break;
            case IsaOp.Movs or IsaOp.Stos or IsaOp.Lods or IsaOp.Cmps or IsaOp.Scas: StringOp<V, M>(ref m, in i, form.Op, size); break;
            case IsaOp.Cbw: Cbw<V, M>(ref m, size); break;
            case IsaOp.Cwd: Cwd<V, M>(ref m, size); break;
            case IsaOp.Nop: break;
            case IsaOp.Clc or IsaOp.Stc or IsaOp.Cmc: CarryOp<V, M>(ref m, form.Op); break;
            case IsaOp.Cld: m.FlagState.Df = m.Const(0); break;
            case IsaOp.Std: m.FlagState.Df = m.Const(1); break;
            case IsaOp.Exiting: return StepOutcome.Exiting;
            case IsaOp.Unsupported:
                throw new IsaFault(IsaFaultKind.Unsupported, $"'{i.Mnemonic.ToString().ToLowerInvariant()}': {Unsupported(in i)}", i);
            default:
                throw new InvalidOperationException($"IsaOp {form.Op} has no semantics");
        }
        return StepOutcome.Executed;
    }

    /// <summary>Why <paramref name="i"/> is outside the supported set, or null when <see cref="Execute{V, M}"/> runs it.</summary>
    public static string? Unsupported(in Instruction i)
    {
        var op = IsaTable.Forms[(int)i.Code].Op;
        if (i.Code == Code.INVALID) return "not a valid instruction";
        if (op == IsaOp.Unsupported) return "outside the supported integer instruction set";
        if (op == IsaOp.Exiting) return null;
        if (i.SegmentPrefix is Register.FS or Register.GS) return "fs/gs segment override (flat memory only)";
        for (int k = 0; k < i.OpCount; k++)
        {
            switch (i.GetOpKind(k))
            {
                case OpKind.Memory:
                    if (i.MemoryBase != Register.None && !IsGpr32(i.MemoryBase) || i.MemoryIndex != Register.None && !IsGpr32(i.MemoryIndex) || i.MemoryDisplSize == 2)
                        return "16-bit addressing";
                    break;
                case OpKind.MemorySegSI or OpKind.MemorySegDI or OpKind.MemoryESDI:
                    return "16-bit addressing";
            }
        }
        return null;
    }

    static bool IsGpr32(Register r) => r >= Register.EAX && r <= Register.EDI;

    // ---- moves --------------------------------------------------------------------------------

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void Mov<V, M>(ref M m, in Instruction i, int size) where M : struct, IX86Machine<V>
    {
        V v = Source<V, M>(ref m, in i, 1, size);
        Write(ref m, Locate<V, M>(ref m, in i, 0), size, v);
    }

    static void Lea<V, M>(ref M m, in Instruction i, int size) where M : struct, IX86Machine<V> =>
        Write(ref m, Reg<V>(i.Op0Register), size, Trunc(ref m, Address<V, M>(ref m, in i), size));

    static void Xchg<V, M>(ref M m, in Instruction i, int size) where M : struct, IX86Machine<V>
    {
        var a = Locate<V, M>(ref m, in i, 0);
        var b = Locate<V, M>(ref m, in i, 1);
        V va = Read(ref m, in a, size), vb = Read(ref m, in b, size);
        Write(ref m, in a, size, vb);
        Write(ref m, in b, size, va);
    }

    /// <summary>cmpxchg: compare the accumulator with the destination; equal: destination := source, else accumulator := destination.</summary>
    static void Cmpxchg<V, M>(ref M m, in Instruction i, int size) where M : struct, IX86Machine<V>
    {
        var dst = Locate<V, M>(ref m, in i, 0);
        var acc = new Location<V>(Eax, size == 4 ? 0 : size == 2 ? 1 : 2);
        V d = Read(ref m, in dst, size), src = Source<V, M>(ref m, in i, 1, size), a = Read(ref m, in acc, size);
        SetFlags(ref m, FlagOp.Sub, size, Trunc(ref m, m.Sub(a, d), size), a, d);
        V equal = m.Eq(a, d);
        Write(ref m, in dst, size, m.Select(equal, src, d));        // the destination is written either way (SDM)
        Write(ref m, in acc, size, m.Select(equal, Read(ref m, in acc, size), d));
    }

    static void Xadd<V, M>(ref M m, in Instruction i, int size) where M : struct, IX86Machine<V>
    {
        var dst = Locate<V, M>(ref m, in i, 0);
        var src = Locate<V, M>(ref m, in i, 1);
        V d = Read(ref m, in dst, size), s = Read(ref m, in src, size);
        V sum = Trunc(ref m, m.Add(d, s), size);
        SetFlags(ref m, FlagOp.Add, size, sum, d, s);
        Write(ref m, in src, size, d);
        Write(ref m, in dst, size, sum);
    }

    static void Bswap<V, M>(ref M m, in Instruction i) where M : struct, IX86Machine<V>
    {
        var r = Reg<V>(i.Op0Register);
        V v = m.GetReg(r.Reg);
        V b0 = m.Shl(v, m.Const(24)), b3 = m.Shr(v, m.Const(24));
        V b1 = m.Shl(m.And(v, m.Const(0xFF00)), m.Const(8)), b2 = m.And(m.Shr(v, m.Const(8)), m.Const(0xFF00));
        m.SetReg(r.Reg, m.Or(m.Or(b0, b1), m.Or(b2, b3)));
    }

    static void Cmov<V, M>(ref M m, in Instruction i, int size, int cc) where M : struct, IX86Machine<V>
    {
        V src = Source<V, M>(ref m, in i, 1, size);   // read (and a memory source loaded) whatever the condition
        var dst = Reg<V>(i.Op0Register);
        Write(ref m, in dst, size, m.Select(FlagLogic.Condition<V, M>(ref m, cc), src, Read(ref m, in dst, size)));
    }

    static void Cbw<V, M>(ref M m, int size) where M : struct, IX86Machine<V>
    {
        int half = size / 2;
        V v = SignExtend(ref m, Trunc(ref m, m.GetReg(Eax), half), half);
        Write(ref m, new Location<V>(Eax, size == 4 ? 0 : 1), size, Trunc(ref m, v, size));
    }

    static void Cwd<V, M>(ref M m, int size) where M : struct, IX86Machine<V>
    {
        V sign = m.Sar(SignExtend(ref m, Trunc(ref m, m.GetReg(Eax), size), size), m.Const(31));
        Write(ref m, new Location<V>(Edx, size == 4 ? 0 : 1), size, Trunc(ref m, sign, size));
    }

    // ---- flags helpers --------------------------------------------------------------------------

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static void SetFlags<V, M>(ref M m, FlagOp op, int size, V res, V a, V b) where M : struct, IX86Machine<V>
    {
        ref var f = ref m.FlagState;
        f.Op = op; f.Size = (byte)size; f.Res = res; f.A = a; f.B = b;
    }

    static void CarryOp<V, M>(ref M m, IsaOp op) where M : struct, IX86Machine<V>
    {
        V cf = op switch { IsaOp.Clc => m.Const(0), IsaOp.Stc => m.Const(1), _ => m.Xor(FlagLogic.Cf<V, M>(ref m), m.Const(1)) };
        FlagLogic.Override<V, M>(ref m, cf);
    }

    /// <summary>Explicit flags with ZF, SF, PF taken from <paramref name="res"/> (size bytes).</summary>
    static void SetResultFlags<V, M>(ref M m, int size, V res, V cf, V af, V of) where M : struct, IX86Machine<V>
    {
        SetFlags(ref m, FlagOp.Logic, size, res, res, res);
        V zf = FlagLogic.Zf<V, M>(ref m), sf = FlagLogic.Sf<V, M>(ref m), pf = FlagLogic.Pf<V, M>(ref m);
        ref var f = ref m.FlagState;
        f.Op = FlagOp.Explicit;
        f.Cf = cf; f.Af = af; f.Of = of; f.Zf = zf; f.Sf = sf; f.Pf = pf;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static V Msb<V, M>(ref M m, V v, int size) where M : struct, IX86Machine<V> =>
        m.And(m.Shr(v, m.Const((uint)(size * 8 - 1))), m.Const(1));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static V NotZero<V, M>(ref M m, V v) where M : struct, IX86Machine<V> => m.Xor(m.Eq(v, m.Const(0)), m.Const(1));
}
