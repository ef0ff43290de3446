using System.Runtime.CompilerServices;
using Iced.Intel;

namespace VmxLayers.Isa;

using Code = Iced.Intel.Code;

/// <summary>Where an operand lives: a general register part (32, 16, low 8, high 8 bits) or a memory address.</summary>
public readonly struct Location<V>
{
    /// <summary>Register index 0..7, or −1 for memory.</summary>
    public readonly int Reg;
    /// <summary>0 = 32 bits, 1 = low 16, 2 = low 8, 3 = bits 15:8.</summary>
    public readonly int Part;
    public readonly V Address;

    public Location(int reg, int part) { Reg = reg; Part = part; Address = default!; }
    public Location(V address) { Reg = -1; Part = 0; Address = address; }
    public bool IsMemory => Reg < 0;
}

/// <summary>Operand access for the semantics: registers by part, memory through the machine, immediates through the machine.</summary>
public static class Operands
{
    /// <summary>For each Iced register: index | part &lt;&lt; 3, or 0xFF when not a general 8/16/32-bit register.</summary>
    static readonly byte[] regInfo = BuildRegInfo();

    static byte[] BuildRegInfo()
    {
        var t = new byte[Enum.GetValues<Register>().Length];
        Array.Fill(t, (byte)0xFF);
        for (int k = 0; k < 8; k++)
        {
            t[(int)Register.EAX + k] = (byte)k;
            t[(int)Register.AX + k] = (byte)(k | 1 << 3);
            t[(int)Register.AL + k] = k < 4 ? (byte)(k | 2 << 3) : (byte)((k - 4) | 3 << 3);
        }
        return t;
    }

    /// <summary>True for EAX..EDI, AX..DI, AL..BH.</summary>
    public static bool IsGeneral(Register r) => regInfo[(int)r] != 0xFF;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Location<V> Reg<V>(Register r)
    {
        int info = regInfo[(int)r];
        return new Location<V>(info & 7, info >> 3);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint Mask(int size) => size == 4 ? 0xFFFFFFFF : size == 2 ? 0xFFFFu : 0xFFu;

    /// <summary>v truncated to <paramref name="size"/> bytes (no operation at 32 bits, so a pointer stays a pointer).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V Trunc<V, M>(ref M m, V v, int size) where M : struct, IX86Machine<V> =>
        size == 4 ? v : m.And(v, m.Const(Mask(size)));

    /// <summary>A <paramref name="size"/>-byte value sign-extended to 32 bits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V SignExtend<V, M>(ref M m, V v, int size) where M : struct, IX86Machine<V>
    {
        if (size == 4) return v;
        V k = m.Const((uint)(32 - 8 * size));
        return m.Sar(m.Shl(v, k), k);
    }

    /// <summary>Operand <paramref name="op"/>'s kind; constant operand numbers fold to Iced's field reads.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static OpKind Kind(in Instruction i, int op) => op switch { 0 => i.Op0Kind, 1 => i.Op1Kind, 2 => i.Op2Kind, _ => i.GetOpKind(op) };

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static Register RegisterOf(in Instruction i, int op) => op switch { 0 => i.Op0Register, 1 => i.Op1Register, 2 => i.Op2Register, _ => i.GetOpRegister(op) };

    /// <summary>The effective address of the memory operand: base + index·scale + displacement.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V Address<V, M>(ref M m, in Instruction i) where M : struct, IX86Machine<V>
    {
        V a = m.Displacement(in i);
        var index = i.MemoryIndex;
        if (index != Register.None)
        {
            V x = m.GetReg(regInfo[(int)index] & 7);
            int scale = i.MemoryIndexScale;
            if (scale != 1) x = m.Shl(x, m.Const((uint)System.Numerics.BitOperations.Log2((uint)scale)));
            a = m.Add(x, a);
        }
        var b = i.MemoryBase;
        return b == Register.None ? a : m.Add(m.GetReg(regInfo[(int)b] & 7), a);
    }

    /// <summary>Operand <paramref name="op"/> as a location (register or memory; not an immediate).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Location<V> Locate<V, M>(ref M m, in Instruction i, int op) where M : struct, IX86Machine<V> =>
        Kind(in i, op) == OpKind.Register ? Reg<V>(RegisterOf(in i, op)) : new Location<V>(Address<V, M>(ref m, in i));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V Read<V, M>(ref M m, in Location<V> l, int size) where M : struct, IX86Machine<V>
    {
        if (l.Reg < 0) return m.Load(l.Address, size);
        V r = m.GetReg(l.Reg);
        return l.Part switch
        {
            0 => r,
            1 => m.And(r, m.Const(0xFFFF)),
            2 => m.And(r, m.Const(0xFF)),
            _ => m.And(m.Shr(r, m.Const(8)), m.Const(0xFF)),
        };
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Write<V, M>(ref M m, in Location<V> l, int size, V v) where M : struct, IX86Machine<V>
    {
        if (l.Reg < 0) { m.Store(l.Address, size, v); return; }
        if (l.Part == 0) { m.SetReg(l.Reg, v); return; }
        V old = m.GetReg(l.Reg);
        V merged = l.Part switch
        {
            1 => m.Or(m.And(old, m.Const(0xFFFF0000)), m.And(v, m.Const(0xFFFF))),
            2 => m.Or(m.And(old, m.Const(0xFFFFFF00)), m.And(v, m.Const(0xFF))),
            _ => m.Or(m.And(old, m.Const(0xFFFF00FF)), m.Shl(m.And(v, m.Const(0xFF)), m.Const(8))),
        };
        m.SetReg(l.Reg, merged);
    }

    /// <summary>The value of operand <paramref name="op"/> at <paramref name="size"/> bytes: register, memory or immediate.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static V Source<V, M>(ref M m, in Instruction i, int op, int size) where M : struct, IX86Machine<V>
    {
        switch (Kind(in i, op))
        {
            case OpKind.Register:
                var l = Reg<V>(RegisterOf(in i, op));
                return Read<V, M>(ref m, in l, size);
            case OpKind.Memory:
                return m.Load(Address<V, M>(ref m, in i), size);
            default:
                return Trunc<V, M>(ref m, m.Immediate(in i, op), size);
        }
    }

    /// <summary>The 32-bit register <paramref name="index"/> as a location.</summary>
    public static Location<V> Gpr<V>(int index) => new(index, 0);
}
