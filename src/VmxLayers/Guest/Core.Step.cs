using VmxLayers.Constants;
using static VmxLayers.Guest.GuestCpu;

namespace VmxLayers.Guest;

/// <summary>The decoder: one switch over the opcode byte; exiting instructions stop before executing.</summary>
internal ref partial struct Core
{
    /// <summary>Executes one instruction; returns true (and the exit) instead if it is an exiting instruction.</summary>
    public bool Step(out GuestExit exit)
    {
        exit = default;
        Start = Eip;
        osz = 4;
        bool rep = false;
        uint op = Fetch8();
        while (true)
        {
            if (op == 0x66) osz = 2;
            else if (op == 0xF3) rep = true;
            else break;
            op = Fetch8();
        }
        if (rep && op is not (0x6C or 0x6D or 0x6E or 0x6F)) Unknown();
        switch (op)
        {
            // ALU r/m,r | r,r/m | acc,imm: add or adc sbb and sub xor cmp
            case 0x00 or 0x01 or 0x02 or 0x03 or 0x08 or 0x09 or 0x0A or 0x0B
              or 0x10 or 0x11 or 0x12 or 0x13 or 0x18 or 0x19 or 0x1A or 0x1B
              or 0x20 or 0x21 or 0x22 or 0x23 or 0x28 or 0x29 or 0x2A or 0x2B
              or 0x30 or 0x31 or 0x32 or 0x33 or 0x38 or 0x39 or 0x3A or 0x3B:
                AluModRm((int)op);
                return false;
            case 0x04 or 0x0C or 0x14 or 0x1C or 0x24 or 0x2C or 0x34 or 0x3C:
                SetAccUnlessCmp(1, Alu((int)(op >> 3), GetReg(0, 1), Fetch8(), 1), op);
                return false;
            case 0x05 or 0x0D or 0x15 or 0x1D or 0x25 or 0x2D or 0x35 or 0x3D:
                SetAccUnlessCmp(osz, Alu((int)(op >> 3), GetReg(0, osz), FetchImm(osz), osz), op);
                return false;
            case 0x0F:
                return TwoByte(out exit);
            case 0x40 or 0x41 or 0x42 or 0x43 or 0x44 or 0x45 or 0x46 or 0x47:
                SetReg((int)op & 7, osz, IncDec(GetReg((int)op & 7, osz), osz, false));
                return false;
            case 0x48 or 0x49 or 0x4A or 0x4B or 0x4C or 0x4D or 0x4E or 0x4F:
                SetReg((int)op & 7, osz, IncDec(GetReg((int)op & 7, osz), osz, true));
                return false;
            case 0x50 or 0x51 or 0x52 or 0x53 or 0x54 or 0x55 or 0x56 or 0x57:
                Need32(); Push(r[op & 7]);
                return false;
            case 0x58 or 0x59 or 0x5A or 0x5B or 0x5C or 0x5D or 0x5E or 0x5F:
                Need32(); r[op & 7] = Pop();
                return false;
            case 0x68: Need32(); Push(Fetch32()); return false;
            case 0x6A: Need32(); Push((uint)(sbyte)Fetch8()); return false;
            case 0x69 or 0x6B:
            {
                DecodeModRm();
                uint a = ReadRm(osz);
                uint b = op == 0x6B ? (uint)(sbyte)Fetch8() : FetchImm(osz);
                SetReg(regField, osz, IMul(a, b, osz));
                return false;
            }
            case 0x6C or 0x6D or 0x6E or 0x6F:
                // ins/outs: string I/O through port DX; decoded only to report the exit.
                exit = IoExit(op >= 0x6E ? false : true, (op & 1) == 0 ? 1 : osz, true, rep, false, (ushort)r[2]);
                return true;
            case 0x70 or 0x71 or 0x72 or 0x73 or 0x74 or 0x75 or 0x76 or 0x77 or 0x78 or 0x79 or 0x7A or 0x7B or 0x7C or 0x7D or 0x7E or 0x7F:
            {
                uint d = (uint)(sbyte)Fetch8();
                if (Cond((int)op & 0xF)) Eip += d;
                return false;
            }
            case 0x80 or 0x81 or 0x83:
            {
                int size = op == 0x80 ? 1 : osz;
                DecodeModRm();
                uint imm = op == 0x81 ? FetchImm(osz) : op == 0x83 ? (uint)(sbyte)Fetch8() : Fetch8();
                uint res = Alu(regField, ReadRm(size), imm, size);
                if (regField != 7) WriteRm(size, res);
                return false;
            }
            case 0x84 or 0x85:
            {
                int size = op == 0x84 ? 1 : osz;
                DecodeModRm();
                Alu(4, ReadRm(size), GetReg(regField, size), size);
                return false;
            }
            case 0x86 or 0x87:
            {
                int size = op == 0x86 ? 1 : osz;
                DecodeModRm();
                uint a = ReadRm(size);
                WriteRm(size, GetReg(regField, size));
                SetReg(regField, size, a);
                return false;
            }
            case 0x88 or 0x89:
            {
                int size = op == 0x88 ? 1 : osz;
                DecodeModRm();
                WriteRm(size, GetReg(regField, size));
                return false;
            }
            case 0x8A or 0x8B:
            {
                int size = op == 0x8A ? 1 : osz;
                DecodeModRm();
                SetReg(regField, size, ReadRm(size));
                return false;
            }
            case 0x8D:
                DecodeModRm();
                if (rmIsReg) Unknown();
                SetReg(regField, osz, rmAddr);
                return false;
            case 0x8F:
                Need32(); DecodeModRm();
                if (regField != 0) Unknown();
                {
                    uint v = Pop();
                    WriteRm(4, v);
                }
                return false;
            case 0x90: return false;
            case 0x91 or 0x92 or 0x93 or 0x94 or 0x95 or 0x96 or 0x97:
            {
                uint a = GetReg(0, osz);
                SetReg(0, osz, GetReg((int)op & 7, osz));
                SetReg((int)op & 7, osz, a);
                return false;
            }
            case 0x98:
                if (osz == 4) r[0] = (uint)(short)r[0]; else SetReg(0, 2, (uint)(sbyte)r[0]);
                return false;
            case 0x99:
                if (osz == 4) r[2] = (int)r[0] < 0 ? 0xFFFFFFFF : 0; else SetReg(2, 2, (short)r[0] < 0 ? 0xFFFFu : 0);
                return false;
            case 0xA0: SetReg(0, 1, Read8(Fetch32())); return false;
            case 0xA1: SetReg(0, osz, ReadMem(Fetch32(), osz)); return false;
            case 0xA2: WriteMem(Fetch32(), 1, r[0]); return false;
            case 0xA3: WriteMem(Fetch32(), osz, r[0]); return false;
            case 0xA8: Alu(4, r[0], Fetch8(), 1); return false;
            case 0xA9: Alu(4, r[0], FetchImm(osz), osz); return false;
            case 0xB0 or 0xB1 or 0xB2 or 0xB3 or 0xB4 or 0xB5 or 0xB6 or 0xB7: SetReg((int)op & 7, 1, Fetch8()); return false;
            case 0xB8 or 0xB9 or 0xBA or 0xBB or 0xBC or 0xBD or 0xBE or 0xBF: SetReg((int)op & 7, osz, FetchImm(osz)); return false;
            case 0xC0 or 0xC1 or 0xD0 or 0xD1 or 0xD2 or 0xD3:
            {
                int size = (op & 1) == 0 ? 1 : osz;
                DecodeModRm();
                int count = op <= 0xC1 ? Fetch8() : op <= 0xD1 ? 1 : (int)(r[1] & 0xFF);
                WriteRm(size, Shift(regField, ReadRm(size), count, size));
                return false;
            }
            case 0xC2:
            {
                Need32();
                uint n = Fetch16();
                Eip = Pop();
                r[4] += n;
                return false;
            }
            case 0xC3: Need32(); Eip = Pop(); return false;
            case 0xC6 or 0xC7:
            {
                int size = op == 0xC6 ? 1 : osz;
                DecodeModRm();
                if (regField != 0) Unknown();
                WriteRm(size, FetchImm(size));
                return false;
            }
            case 0xE0 or 0xE1 or 0xE2:
            {
                uint d = (uint)(sbyte)Fetch8();
                uint c = --r[1];
                bool z = (fl & ZF) != 0;
                if (c != 0 && (op == 0xE2 || (op == 0xE1) == z)) Eip += d;
                return false;
            }
            case 0xE3:
            {
                uint d = (uint)(sbyte)Fetch8();
                if (r[1] == 0) Eip += d;
                return false;
            }
            case 0xE4 or 0xE5 or 0xE6 or 0xE7:
            {
                ushort port = Fetch8();
                exit = IoExit(op <= 0xE5, (op & 1) == 0 ? 1 : osz, false, false, true, port);
                return true;
            }
            case 0xEC or 0xED or 0xEE or 0xEF:
                exit = IoExit(op <= 0xED, (op & 1) == 0 ? 1 : osz, false, false, false, (ushort)r[2]);
                return true;
            case 0xE8:
            {
                Need32();
                uint d = Fetch32();
                Push(Eip);
                Eip += d;
                return false;
            }
            case 0xE9: { Need32(); uint d = Fetch32(); Eip += d; return false; }
            case 0xEB: { uint d = (uint)(sbyte)Fetch8(); Eip += d; return false; }
            case 0xF4: exit = Exit(ExitReasons.HLT); return true;
            case 0xF5: fl ^= CF; return false;
            case 0xF6 or 0xF7: Group3(op == 0xF6 ? 1 : osz); return false;
            case 0xF8: fl &= ~CF; return false;
            case 0xF9: fl |= CF; return false;
            case 0xFC: fl &= ~DF; return false;
            case 0xFD: fl |= DF; return false;
            case 0xFE: Group5(1); return false;
            case 0xFF: Group5(osz); return false;
            default:
                Unknown();
                return false;
        }
    }

    /// <summary>Two-byte opcodes 0F xx.</summary>
    bool TwoByte(out GuestExit exit)
    {
        exit = default;
        uint op = Fetch8();
        switch (op)
        {
            case 0x01:
                if (Fetch8() != 0xC1) Unknown();
                exit = Exit(ExitReasons.VMCALL);
                return true;
            case 0x1F:
                DecodeModRm(); // multi-byte nop (alignment padding)
                return false;
            case 0x80 or 0x81 or 0x82 or 0x83 or 0x84 or 0x85 or 0x86 or 0x87 or 0x88 or 0x89 or 0x8A or 0x8B or 0x8C or 0x8D or 0x8E or 0x8F:
            {
                Need32();
                uint d = Fetch32();
                if (Cond((int)op & 0xF)) Eip += d;
                return false;
            }
            case 0x90 or 0x91 or 0x92 or 0x93 or 0x94 or 0x95 or 0x96 or 0x97 or 0x98 or 0x99 or 0x9A or 0x9B or 0x9C or 0x9D or 0x9E or 0x9F:
                DecodeModRm();
                WriteRm(1, Cond((int)op & 0xF) ? 1u : 0u);
                return false;
            case 0xA2:
                exit = Exit(ExitReasons.CPUID);
                return true;
            case 0xAF:
                DecodeModRm();
                SetReg(regField, osz, IMul(GetReg(regField, osz), ReadRm(osz), osz));
                return false;
            case 0xB6 or 0xB7 or 0xBE or 0xBF:
            {
                int from = (op & 1) == 0 ? 1 : 2;
                DecodeModRm();
                uint v = ReadRm(from);
                if (op >= 0xBE) v = from == 1 ? (uint)(sbyte)v : (uint)(short)v;
                SetReg(regField, osz, v);
                return false;
            }
            default:
                Unknown();
                return false;
        }
    }

    /// <summary>F6/F7: /0 test imm, /2 not, /3 neg, /4 mul, /5 imul, /6 div, /7 idiv (acc-based forms).</summary>
    void Group3(int size)
    {
        DecodeModRm();
        uint a = ReadRm(size), mask = Mask(size);
        switch (regField)
        {
            case 0: Alu(4, a, FetchImm(size), size); return;
            case 2: WriteRm(size, ~a & mask); return;
            case 3:
            {
                uint res = Alu(5, 0, a, size);
                WriteRm(size, res);
                return;
            }
            case 4 or 5:
            {
                if (size != 4) Unknown();
                ulong p = regField == 4 ? (ulong)r[0] * a : (ulong)((long)(int)r[0] * (int)a);
                r[0] = (uint)p;
                r[2] = (uint)(p >> 32);
                bool wide = regField == 4 ? r[2] != 0 : (long)p != (int)r[0];
                fl = (fl & ~(CF | OF)) | (wide ? CF | OF : 0);
                return;
            }
            case 6 or 7:
            {
                if (size != 4) Unknown();
                if (a == 0) Fault("divide error (#DE): divisor 0", GuestFaultKind.DivideError);
                ulong n = ((ulong)r[2] << 32) | r[0];
                if (regField == 6)
                {
                    ulong q = n / a;
                    if (q > uint.MaxValue) Fault("divide error (#DE): quotient overflow", GuestFaultKind.DivideError);
                    r[0] = (uint)q;
                    r[2] = (uint)(n % a);
                }
                else
                {
                    long sn = (long)n, sd = (int)a;
                    if (sn == long.MinValue && sd == -1) Fault("divide error (#DE): quotient overflow", GuestFaultKind.DivideError);
                    long q = sn / sd;
                    if (q is > int.MaxValue or < int.MinValue) Fault("divide error (#DE): quotient overflow", GuestFaultKind.DivideError);
                    r[0] = (uint)q;
                    r[2] = (uint)(sn % sd);
                }
                return;
            }
            default: Unknown(); return;
        }
    }

    /// <summary>FE/FF: /0 inc, /1 dec, and for FF /2 call, /4 jmp, /6 push (all through r/m).</summary>
    void Group5(int size)
    {
        DecodeModRm();
        switch (regField)
        {
            case 0 or 1: WriteRm(size, IncDec(ReadRm(size), size, regField == 1)); return;
            case 2 when size == 4: { uint t = ReadRm(4); Push(Eip); Eip = t; return; }
            case 4 when size == 4: Eip = ReadRm(4); return;
            case 6 when size == 4: Push(ReadRm(4)); return;
            default: Unknown(); return;
        }
    }

    /// <summary>ALU op in its r/m forms: bit 1 = direction (reg is destination), bit 0 = word/dword.</summary>
    void AluModRm(int op)
    {
        int size = (op & 1) == 0 ? 1 : osz, kind = op >> 3;
        DecodeModRm();
        if ((op & 2) == 0)
        {
            uint res = Alu(kind, ReadRm(size), GetReg(regField, size), size);
            if (kind != 7) WriteRm(size, res);
        }
        else
        {
            uint res = Alu(kind, GetReg(regField, size), ReadRm(size), size);
            if (kind != 7) SetReg(regField, size, res);
        }
    }

    /// <summary>Writes the accumulator unless the ALU op was cmp (its opcode has bits 5:3 = 7).</summary>
    readonly void SetAccUnlessCmp(int size, uint v, uint op)
    {
        if ((op >> 3) != 7) SetReg(0, size, v);
    }

    /// <summary>Two/three-operand imul: truncated signed product; CF=OF=1 iff it does not fit.</summary>
    uint IMul(uint a, uint b, int size)
    {
        int bits = size * 8;
        long sa = (int)(a << (32 - bits)) >> (32 - bits), sb = (int)(b << (32 - bits)) >> (32 - bits);
        long p = sa * sb;
        uint res = (uint)p & Mask(size);
        long back = (int)(res << (32 - bits)) >> (32 - bits);
        fl = (fl & ~(CF | OF)) | (back != p ? CF | OF : 0);
        return res;
    }

    /// <summary>Stack and near branches with a 0x66 prefix would change the stack width: not supported.</summary>
    readonly void Need32()
    {
        if (osz != 4) Unknown();
    }

    readonly GuestExit Exit(uint reason) => new((int)reason, 0, Eip - Start, Start);

    readonly GuestExit IoExit(bool isIn, int size, bool isString, bool rep, bool immediate, ushort port) =>
        new((int)ExitReasons.INOUT, IoQualification.Encode(size, isIn, isString, rep, immediate, port), Eip - Start, Start);
}
