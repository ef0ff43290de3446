using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Numerics;
using System.Runtime.CompilerServices;
using static VmxLayers.Guest.GuestCpu;

namespace VmxLayers.Guest;

/// <summary>
/// The interpreter's working state for one run: registers and memory are the CPU's own arrays, EIP and
/// EFLAGS live in fields until <see cref="Commit"/>. Fetch, operand access and flags; the decoder is in Core.Step.cs.
/// </summary>
internal ref partial struct Core
{
    readonly uint[] r;
    readonly byte[] m;
    readonly string name;
    /// <summary>Address of the next byte to fetch.</summary>
    public uint Eip;
    /// <summary>Address of the instruction being executed (the fault/exit EIP).</summary>
    public uint Start;
    uint fl;
    /// <summary>Operand size of the current instruction: 4, or 2 after a 0x66 prefix.</summary>
    int osz;
    // Decoded ModRM operand of the current instruction.
    int regField;
    bool rmIsReg;
    int rmIdx;
    uint rmAddr;

    public Core(GuestCpu cpu)
    {
        r = cpu.Regs; m = cpu.Memory; name = cpu.Name; Eip = cpu.Eip; Start = cpu.Eip; fl = cpu.Eflags;
        osz = 4; regField = 0; rmIsReg = false; rmIdx = 0; rmAddr = 0;
    }

    public readonly void Commit(GuestCpu cpu, uint eip, long executed)
    {
        cpu.Eip = eip;
        cpu.Eflags = fl | ResetEflags;
        cpu.InstructionsExecuted += executed;
    }

    // ---- faults -------------------------------------------------------------------------------

    [DoesNotReturn, MethodImpl(MethodImplOptions.NoInlining)]
    readonly void Fault(string what, GuestFaultKind kind) =>
        throw new GuestFault($"guest '{name}': {what} at EIP=0x{Start:X8}", kind, Start);

    [DoesNotReturn, MethodImpl(MethodImplOptions.NoInlining)]
    readonly void Unknown()
    {
        uint end = Math.Min(Eip, (uint)m.Length);
        var bytes = end > Start ? Convert.ToHexString(m, (int)Start, (int)(end - Start)) : "";
        Fault($"unknown or unsupported opcode {string.Join(' ', bytes.Chunk(2).Select(c => new string(c)))}", GuestFaultKind.UnknownOpcode);
    }

    [DoesNotReturn, MethodImpl(MethodImplOptions.NoInlining)]
    readonly void OutOfRange(uint addr, int size) =>
        Fault($"{size}-byte memory access at 0x{addr:X8} outside guest memory [0, 0x{m.Length:X})", GuestFaultKind.MemoryAccess);

    // ---- fetch --------------------------------------------------------------------------------

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    byte Fetch8()
    {
        if (Eip >= (uint)m.Length) OutOfRange(Eip, 1);
        return m[Eip++];
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    uint Fetch32()
    {
        uint v = Read32(Eip);
        Eip += 4;
        return v;
    }

    uint Fetch16()
    {
        uint v = Read16(Eip);
        Eip += 2;
        return v;
    }

    /// <summary>An immediate of the operand size (imm16 with 0x66, else imm32).</summary>
    uint FetchImm(int size) => size == 4 ? Fetch32() : size == 2 ? Fetch16() : Fetch8();

    // ---- memory -------------------------------------------------------------------------------

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    readonly uint Read32(uint a)
    {
        if (a > (uint)m.Length - 4) OutOfRange(a, 4);
        return BinaryPrimitives.ReadUInt32LittleEndian(m.AsSpan((int)a, 4));
    }

    readonly uint Read16(uint a)
    {
        if (a > (uint)m.Length - 2) OutOfRange(a, 2);
        return BinaryPrimitives.ReadUInt16LittleEndian(m.AsSpan((int)a, 2));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    readonly uint Read8(uint a)
    {
        if (a >= (uint)m.Length) OutOfRange(a, 1);
        return m[a];
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    readonly uint ReadMem(uint a, int size) => size == 4 ? Read32(a) : size == 1 ? Read8(a) : Read16(a);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    readonly void WriteMem(uint a, int size, uint v)
    {
        if (a > (uint)m.Length - (uint)size) OutOfRange(a, size);
        if (size == 4) BinaryPrimitives.WriteUInt32LittleEndian(m.AsSpan((int)a, 4), v);
        else if (size == 1) m[a] = (byte)v;
        else BinaryPrimitives.WriteUInt16LittleEndian(m.AsSpan((int)a, 2), (ushort)v);
    }

    void Push(uint v)
    {
        uint sp = r[4] - 4;
        WriteMem(sp, 4, v);
        r[4] = sp;
    }

    uint Pop()
    {
        uint v = Read32(r[4]);
        r[4] += 4;
        return v;
    }

    // ---- registers (8-bit encodings 4..7 are AH, CH, DH, BH) ------------------------------------

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    readonly uint GetReg(int i, int size) => size switch
    {
        4 => r[i],
        2 => r[i] & 0xFFFF,
        _ => i < 4 ? r[i] & 0xFF : (r[i - 4] >> 8) & 0xFF,
    };

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    readonly void SetReg(int i, int size, uint v)
    {
        if (size == 4) r[i] = v;
        else if (size == 2) r[i] = (r[i] & 0xFFFF0000) | (v & 0xFFFF);
        else if (i < 4) r[i] = (r[i] & 0xFFFFFF00) | (v & 0xFF);
        else r[i - 4] = (r[i - 4] & 0xFFFF00FF) | ((v & 0xFF) << 8);
    }

    // ---- ModRM / SIB ----------------------------------------------------------------------------

    /// <summary>Decodes ModRM (+SIB, displacement) into regField and the r/m operand (32-bit addressing).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    void DecodeModRm()
    {
        uint modrm = Fetch8();
        int mod = (int)(modrm >> 6), rm = (int)(modrm & 7);
        regField = (int)((modrm >> 3) & 7);
        if (mod == 3) { rmIsReg = true; rmIdx = rm; return; }
        rmIsReg = false;
        rmAddr = EffectiveAddress(mod, rm);
    }

    uint EffectiveAddress(int mod, int rm)
    {
        uint addr;
        if (rm == 4)
        {
            uint sib = Fetch8();
            int scale = (int)(sib >> 6), index = (int)((sib >> 3) & 7), bas = (int)(sib & 7);
            addr = index == 4 ? 0 : r[index] << scale;
            addr += bas == 5 && mod == 0 ? Fetch32() : r[bas];
        }
        else if (rm == 5 && mod == 0) addr = Fetch32();
        else addr = r[rm];
        if (mod == 1) addr += (uint)(sbyte)Fetch8();
        else if (mod == 2) addr += Fetch32();
        return addr;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    readonly uint ReadRm(int size) => rmIsReg ? GetReg(rmIdx, size) : ReadMem(rmAddr, size);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    readonly void WriteRm(int size, uint v)
    {
        if (rmIsReg) SetReg(rmIdx, size, v);
        else WriteMem(rmAddr, size, v);
    }

    // ---- flags ----------------------------------------------------------------------------------

    static uint Mask(int size) => size == 4 ? 0xFFFFFFFF : size == 2 ? 0xFFFFu : 0xFFu;
    static uint SignBit(int size) => 1u << (size * 8 - 1);

    /// <summary>ZF, SF, PF of a result (already masked to size).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    static uint Szp(uint res, int size) =>
        (res == 0 ? ZF : 0) | ((res & SignBit(size)) != 0 ? SF : 0) | ((BitOperations.PopCount(res & 0xFF) & 1) == 0 ? PF : 0);

    const uint ArithFlags = CF | PF | AF | ZF | SF | OF;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    void SetArith(uint res, int size, bool cf, bool of, uint a, uint b)
    {
        fl = (fl & ~ArithFlags) | Szp(res, size) | (cf ? CF : 0) | (of ? OF : 0) | ((a ^ b ^ res) & AF);
    }

    /// <summary>The eight ALU operations in opcode order: add, or, adc, sbb, and, sub, xor, cmp. Returns the masked result.</summary>
    uint Alu(int op, uint a, uint b, int size)
    {
        uint mask = Mask(size), sign = SignBit(size), res;
        a &= mask; b &= mask;
        uint c = fl & CF;
        switch (op)
        {
            case 0: res = (a + b) & mask; SetArith(res, size, res < a, ((a ^ res) & (b ^ res) & sign) != 0, a, b); return res;
            case 2: res = (a + b + c) & mask; SetArith(res, size, c != 0 ? res <= a : res < a, ((a ^ res) & (b ^ res) & sign) != 0, a, b); return res;
            case 3: res = (a - b - c) & mask; SetArith(res, size, c != 0 ? a <= b : a < b, ((a ^ b) & (a ^ res) & sign) != 0, a, b); return res;
            case 5 or 7: res = (a - b) & mask; SetArith(res, size, a < b, ((a ^ b) & (a ^ res) & sign) != 0, a, b); return res;
            case 1: res = a | b; break;
            case 4: res = a & b; break;
            default: res = a ^ b; break;
        }
        fl = (fl & ~ArithFlags) | Szp(res, size);
        return res;
    }

    /// <summary>inc/dec: like add/sub 1 but CF is preserved.</summary>
    uint IncDec(uint a, int size, bool dec)
    {
        uint mask = Mask(size), sign = SignBit(size);
        a &= mask;
        uint res = (dec ? a - 1 : a + 1) & mask;
        bool of = dec ? a == sign : res == sign;
        fl = (fl & ~(ArithFlags & ~CF)) | Szp(res, size) | (of ? OF : 0) | ((a ^ 1 ^ res) & AF);
        return res;
    }

    /// <summary>Shift/rotate group (/0 rol, /1 ror, /4 shl, /5 shr, /6 sal, /7 sar); count masked to 5 bits; count 0 changes nothing.</summary>
    uint Shift(int op, uint a, int count, int size)
    {
        uint mask = Mask(size), sign = SignBit(size);
        int bits = size * 8;
        a &= mask;
        count &= 0x1F;
        if (count == 0) return a;
        uint res;
        bool cf;
        bool of;
        switch (op)
        {
            case 0:
            {
                int k = count % bits;
                res = ((a << k) | (a >> ((bits - k) % bits))) & mask;
                cf = (res & 1) != 0;
                of = ((res & sign) != 0) ^ cf;
                fl = (fl & ~(CF | OF)) | (cf ? CF : 0) | (of ? OF : 0);
                return res;
            }
            case 1:
            {
                int k = count % bits;
                res = ((a >> k) | (a << ((bits - k) % bits))) & mask;
                cf = (res & sign) != 0;
                of = cf ^ ((res & (sign >> 1)) != 0);
                fl = (fl & ~(CF | OF)) | (cf ? CF : 0) | (of ? OF : 0);
                return res;
            }
            case 4 or 6:
                res = (uint)(((ulong)a << count) & mask);
                cf = (((ulong)a << count >> bits) & 1) != 0;
                of = ((res & sign) != 0) ^ cf;
                break;
            case 5:
                res = a >> count;
                cf = ((a >> (count - 1)) & 1) != 0;
                of = (a & sign) != 0;
                break;
            case 7:
            {
                int s = (int)(a << (32 - bits)) >> (32 - bits);
                res = (uint)(s >> count) & mask;
                cf = ((s >> (count - 1)) & 1) != 0;
                of = false;
                break;
            }
            default:
                Unknown();
                return 0;
        }
        fl = (fl & ~ArithFlags) | Szp(res, size) | (cf ? CF : 0) | (of ? OF : 0);
        return res;
    }

    /// <summary>Condition code cc (0..15, as in jcc/setcc) on the current flags.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    readonly bool Cond(int cc)
    {
        bool t = (cc >> 1) switch
        {
            0 => (fl & OF) != 0,
            1 => (fl & CF) != 0,
            2 => (fl & ZF) != 0,
            3 => (fl & (CF | ZF)) != 0,
            4 => (fl & SF) != 0,
            5 => (fl & PF) != 0,
            6 => ((fl & SF) != 0) != ((fl & OF) != 0),
            _ => (fl & ZF) != 0 || ((fl & SF) != 0) != ((fl & OF) != 0),
        };
        return t ^ ((cc & 1) != 0);
    }
}
