using Iced.Intel;
using VmxLayers.Isa;

namespace VmxLayers.Tests.Guest.Differential;

using Code = Iced.Intel.Code;

/// <summary>One random single-instruction test: machine code at <see cref="RandomInstructions.CodeAt"/> and the state before it.</summary>
internal sealed record InstructionCase(string Form, Instruction Insn, byte[] Code, uint[] Regs, uint Eflags, byte[] Data, byte[] Stack);

/// <summary>
/// Generates random instances of every form the semantics supports (each Iced code of <see cref="IsaTable"/>, with an r/m
/// operand as register and as memory, string instructions without prefix, with rep/repe and with repne), with registers,
/// flags and memory chosen so that memory operands land in the data or stack area, branch targets in the code page,
/// rep counts stay small and most divisions do not fault. Exiting instructions (tested by ExitTests) and popcnt (which
/// Unicorn 2.0.1 rejects; tested against known values) are left out.
/// </summary>
internal sealed class RandomInstructions(int seed)
{
    public const uint CodeAt = 0x1100, CodePage = 0x1000, CodeEnd = 0x1200;
    public const uint DataAt = 0x8000, DataSize = 0x400, StackAt = 0xE000, StackSize = 0x400;
    public const uint Flags = GuestFlags.CF | GuestFlags.PF | GuestFlags.AF | GuestFlags.ZF | GuestFlags.SF | GuestFlags.DF | GuestFlags.OF;

    readonly Random rng = new(seed);

    /// <summary>Every form the generator covers: the code and, for r/m and string forms, the variant.</summary>
    public static IReadOnlyList<(Code Code, string Variant)> Forms { get; } = BuildForms();

    static IReadOnlyList<(Code, string)> BuildForms()
    {
        var forms = new List<(Code, string)>();
        foreach (var code in IsaTable.SupportedCodes)
        {
            var op = IsaTable.Of(code).Op;
            if (op is IsaOp.Exiting or IsaOp.Popcnt) continue;
            if (op is IsaOp.Movs or IsaOp.Stos or IsaOp.Lods or IsaOp.Cmps or IsaOp.Scas) { forms.Add((code, "")); forms.Add((code, "rep")); forms.Add((code, "repne")); continue; }
            var info = code.ToOpCode();
            bool rm = Enumerable.Range(0, info.OpCount).Any(k => info.GetOpKind(k) is OpCodeOperandKind.r8_or_mem or OpCodeOperandKind.r16_or_mem or OpCodeOperandKind.r32_or_mem);
            if (rm) { forms.Add((code, "reg")); forms.Add((code, "mem")); }
            else forms.Add((code, ""));
        }
        return forms;
    }

    public static string Key(Code code, string variant) => variant.Length == 0 ? code.ToString() : $"{code}/{variant}";

    uint Value() => rng.Next(6) switch
    {
        0 => 0,
        1 => (uint)rng.Next(256),
        2 => new[] { 0x7FFFFFFFu, 0x80000000u, 0xFFFFFFFFu, 0x7Fu, 0x80u, 0xFFu, 0x7FFFu, 0x8000u, 0xFFFFu, 1u }[rng.Next(10)],
        _ => (uint)rng.NextInt64(0, 1L << 32),
    };

    uint Stack() => StackAt + 0x100 + (uint)rng.Next(0x200) / 4 * 4;
    uint Data(uint margin = 64) => DataAt + margin + (uint)rng.Next((int)(DataSize - 2 * margin));
    /// <summary>A branch target in the code page outside the instruction (the page is filled with hlt).</summary>
    uint Target() => rng.Next(2) == 0 ? CodePage + (uint)rng.Next((int)(CodeAt - CodePage)) : CodeAt + 0x20 + (uint)rng.Next((int)(CodeEnd - CodeAt - 0x20));

    /// <summary>A rel8-reachable target outside the instruction.</summary>
    uint NearTarget() => rng.Next(2) == 0 ? CodeAt - 0x60 + (uint)rng.Next(0x60) : CodeAt + 0x20 + (uint)rng.Next(0x40);

    public InstructionCase Next()
    {
        while (true)
            if (TryNext(Forms[rng.Next(Forms.Count)]) is { } c) return c;
    }

    /// <summary>An instance of the form <paramref name="form"/>, or null when the random choices conflict (the caller retries).</summary>
    public InstructionCase? TryNext((Code Code, string Variant) form)
    {
        var regs = new uint[8];
        for (int k = 0; k < 8; k++) regs[k] = Value();
        regs[4] = Stack();
        uint eflags = ((uint)rng.Next() & Flags) | 2;
        var data = new byte[DataSize];
        var stack = new byte[StackSize];
        rng.NextBytes(data);
        rng.NextBytes(stack);
        var op = IsaTable.Of(form.Code).Op;
        byte[] code;
        uint memAddress = 0;
        if (op is IsaOp.Movs or IsaOp.Stos or IsaOp.Lods or IsaOp.Cmps or IsaOp.Scas)
        {
            code = StringBytes(form.Code, form.Variant);
            regs[1] = (uint)rng.Next(17);
            regs[6] = Data(96); regs[7] = Data(96);
        }
        else
        {
            var info = form.Code.ToOpCode();
            var ops = new object[info.OpCount];
            var used = new HashSet<int>();
            for (int k = 0; k < info.OpCount; k++)
            {
                var kind = info.GetOpKind(k);
                ops[k] = kind switch
                {
                    OpCodeOperandKind.r8_or_mem or OpCodeOperandKind.r16_or_mem or OpCodeOperandKind.r32_or_mem when form.Variant == "mem" => Memory(regs, out memAddress),
                    OpCodeOperandKind.mem => Memory(regs, out memAddress),
                    OpCodeOperandKind.mem_offs => Moffs(out memAddress),
                    OpCodeOperandKind.r8_or_mem or OpCodeOperandKind.r8_reg or OpCodeOperandKind.r8_opcode => Register.AL + rng.Next(8),
                    OpCodeOperandKind.r16_or_mem or OpCodeOperandKind.r16_reg or OpCodeOperandKind.r16_opcode => Register.AX + rng.Next(8),
                    OpCodeOperandKind.r32_or_mem or OpCodeOperandKind.r32_reg or OpCodeOperandKind.r32_opcode => Register.EAX + rng.Next(8),
                    OpCodeOperandKind.al => Register.AL,
                    OpCodeOperandKind.ax => Register.AX,
                    OpCodeOperandKind.eax => Register.EAX,
                    OpCodeOperandKind.cl => Register.CL,
                    OpCodeOperandKind.imm8_const_1 => 1,
                    OpCodeOperandKind.imm8 => rng.Next(256),
                    OpCodeOperandKind.imm8sex16 or OpCodeOperandKind.imm8sex32 => rng.Next(-128, 128),
                    OpCodeOperandKind.imm16 => rng.Next(65536),
                    OpCodeOperandKind.imm32 => (object)Value(),
                    OpCodeOperandKind.br32_1 => NearTarget(),
                    OpCodeOperandKind.br32_4 => Target(),
                    _ => throw new InvalidOperationException($"{form.Code}: operand kind {kind}"),
                };
            }
            if (!Adjust(form.Code, op, ops, regs, data, stack, memAddress)) return null;
            var insn = Create(form.Code, ops);
            code = Encode(insn);
        }
        var decoded = Decode(code);
        if (decoded.Code != form.Code) return null;   // xchg eax, eax is nop
        return new InstructionCase(Key(form.Code, form.Variant), decoded, code, regs, eflags, data, stack);
    }

    MemoryOperand Memory(uint[] regs, out uint address)
    {
        Register bas = rng.Next(8) == 0 ? Register.None : Register.EAX + rng.Next(8);
        Register index = rng.Next(2) == 0 ? Register.None : new[] { Register.EAX, Register.ECX, Register.EDX, Register.EBX, Register.EBP, Register.ESI, Register.EDI }[rng.Next(7)];
        int scale = 1 << rng.Next(4);
        uint idx = (uint)rng.Next(32);
        long disp;
        if (bas == Register.ESP)
        {
            disp = rng.Next(2) == 0 ? rng.Next(0, 64) : 0;
            if (index != Register.None) regs[index - Register.EAX] = idx;
            address = regs[4] + (index == Register.None ? 0 : idx * (uint)scale) + (uint)disp;
            return new MemoryOperand(bas, index, scale, disp, disp == 0 ? 0 : 1);
        }
        address = Data();
        if (bas != Register.None && bas == index)
        {
            regs[bas - Register.EAX] = idx;
            disp = (int)(address - idx * (uint)(1 + scale));
            return new MemoryOperand(bas, index, scale, disp, 4);
        }
        if (index != Register.None) regs[index - Register.EAX] = idx;
        uint scaled = index == Register.None ? 0 : idx * (uint)scale;
        if (bas == Register.None)
        {
            disp = (int)(address - scaled);
            return new MemoryOperand(Register.None, index, scale, disp, 4);
        }
        disp = rng.Next(3) switch { 0 => 0, 1 => rng.Next(-128, 128), _ => rng.Next(-100000, 100000) };
        regs[bas - Register.EAX] = address - scaled - (uint)(int)disp;
        return new MemoryOperand(bas, index, scale, disp, disp == 0 ? 0 : disp is >= -128 and <= 127 ? 1 : 4);
    }

    MemoryOperand Moffs(out uint address)
    {
        address = Data();
        return new MemoryOperand(Register.None, address, 4);
    }

    /// <summary>Instruction-specific constraints; false when they conflict with the operands drawn.</summary>
    bool Adjust(Code code, IsaOp op, object[] ops, uint[] regs, byte[] data, byte[] stack, uint mem)
    {
        int RegIndex(object o) => o is Register r ? VmxLayers.Isa.Operands.IsGeneral(r) ? (r >= Register.EAX ? r - Register.EAX : r >= Register.AX ? r - Register.AX : (r - Register.AL) & 3) : -1 : -1;
        bool UsesInAddress(int reg) => ops.OfType<MemoryOperand>().Any(m => m.Base == Register.EAX + reg || m.Index == Register.EAX + reg);
        void WriteMem(uint address, uint value, int size = 4)
        {
            var (area, at) = address >= StackAt ? (stack, address - StackAt) : (data, address - DataAt);
            for (int b = 0; b < size; b++) area[at + b] = (byte)(value >> (8 * b));
        }
        uint ReadMem(uint address, int size)
        {
            var (area, at) = address >= StackAt ? (stack, address - StackAt) : (data, address - DataAt);
            uint v = 0;
            for (int b = 0; b < size; b++) v |= (uint)area[at + b] << (8 * b);
            return v;
        }
        int size = IsaTable.Of(code).Size;
        switch (op)
        {
            case IsaOp.JmpIndirect or IsaOp.CallIndirect:
                if (ops[0] is MemoryOperand) WriteMem(mem, Target());
                else { if (RegIndex(ops[0]) == 4) return false; regs[RegIndex(ops[0])] = Target(); }
                break;
            case IsaOp.Ret or IsaOp.RetImm:
                WriteMem(regs[4], Target());
                if (op == IsaOp.RetImm) ops[0] = rng.Next(0, 16) * 4;
                break;
            case IsaOp.Popfd:
                WriteMem(regs[4], (uint)rng.Next() & Flags | 2);
                break;
            case IsaOp.Leave:
                regs[5] = Stack();
                break;
            case IsaOp.Enter:
                ops[0] = rng.Next(0, 32) * 4;
                ops[1] = rng.Next(0, 4);
                regs[5] = Stack();
                break;
            case IsaOp.Pop when ops[0] is MemoryOperand m && m.Base == Register.ESP:
                break;
            case IsaOp.Loop or IsaOp.Loope or IsaOp.Loopne or IsaOp.Jecxz:
                regs[1] = (uint)rng.Next(3);
                break;
            case IsaOp.Bt or IsaOp.Bts or IsaOp.Btr or IsaOp.Btc when ops[0] is MemoryOperand && ops[1] is Register r:
                if (UsesInAddress(RegIndex(r))) return false;
                uint offset = (uint)rng.Next(-256, 256);
                regs[RegIndex(r)] = size == 2 ? (regs[RegIndex(r)] & 0xFFFF0000) | (offset & 0xFFFF) : offset;
                break;
            case IsaOp.Shld or IsaOp.Shrd when size == 2:
                if (UsesInAddress(1)) return false;
                if (ops[2] is int) ops[2] = rng.Next(17);
                else regs[1] = (regs[1] & ~0xFFu) | (uint)rng.Next(17);   // 16-bit counts above 16: SDM-undefined result
                break;
            case IsaOp.Cmpxchg when rng.Next(2) == 0 && !UsesInAddress(0):
            {
                uint dst = ops[0] is MemoryOperand ? ReadMem(mem, size) : Read(regs, (Register)ops[0]);
                if (ops[0] is Register d && RegIndex(d) == 0) break;
                Write(regs, size == 1 ? Register.AL : size == 2 ? Register.AX : Register.EAX, dst);
                break;
            }
            case IsaOp.Bsf or IsaOp.Bsr or IsaOp.Tzcnt or IsaOp.Lzcnt when rng.Next(5) == 0:
                if (ops[1] is MemoryOperand) WriteMem(mem, 0, size);
                else Write(regs, (Register)ops[1], 0);
                break;
            case IsaOp.Div or IsaOp.Idiv when rng.Next(10) < 8:
                return FitDivision(op == IsaOp.Idiv, size, ops[0], regs, mem, ReadMem, WriteMem);
        }
        return true;
    }

    /// <summary>Makes the dividend's high part such that the quotient fits (and the divisor non-zero).</summary>
    bool FitDivision(bool signed, int size, object divisorOperand, uint[] regs, uint mem, Func<uint, int, uint> read, Action<uint, uint, int> write)
    {
        uint d = divisorOperand is MemoryOperand ? read(mem, size) : Read(regs, (Register)divisorOperand);
        if (d == 0)
        {
            d = 3;
            if (divisorOperand is MemoryOperand) write(mem, d, size); else Write(regs, (Register)divisorOperand, d);
        }
        if (divisorOperand is Register r && (r is Register.AL or Register.AH or Register.AX or Register.EAX or Register.DX or Register.EDX)) return false;
        if (divisorOperand is MemoryOperand m && (m.Base is Register.EAX or Register.EDX || m.Index is Register.EAX or Register.EDX)) return false;
        int bits = size * 8;
        uint mask = bits == 32 ? 0xFFFFFFFF : (1u << bits) - 1;
        uint lo = Read(regs, size == 1 ? Register.AL : size == 2 ? Register.AX : Register.EAX);
        uint high = signed ? ((lo >> (bits - 1)) & 1) != 0 ? mask : 0 : (uint)rng.NextInt64(0, d & mask);
        if (signed && ((d & mask) == mask) && lo == 1u << (bits - 1)) return false;   // MIN / −1
        if (size == 1) Write(regs, Register.AH, high);
        else Write(regs, size == 2 ? Register.DX : Register.EDX, high);
        return true;
    }

    static uint Read(uint[] regs, Register r)
    {
        if (r >= Register.EAX && r <= Register.EDI) return regs[r - Register.EAX];
        if (r >= Register.AX && r <= Register.DI) return regs[r - Register.AX] & 0xFFFF;
        int k = r - Register.AL;
        return k < 4 ? regs[k] & 0xFF : (regs[k - 4] >> 8) & 0xFF;
    }

    static void Write(uint[] regs, Register r, uint v)
    {
        if (r >= Register.EAX && r <= Register.EDI) { regs[r - Register.EAX] = v; return; }
        if (r >= Register.AX && r <= Register.DI) { regs[r - Register.AX] = (regs[r - Register.AX] & 0xFFFF0000) | (v & 0xFFFF); return; }
        int k = r - Register.AL;
        if (k < 4) regs[k] = (regs[k] & 0xFFFFFF00) | (v & 0xFF);
        else regs[k - 4] = (regs[k - 4] & 0xFFFF00FF) | ((v & 0xFF) << 8);
    }

    static byte[] StringBytes(Code code, string variant)
    {
        var info = code.ToOpCode();
        var bytes = new List<byte>();
        if (variant == "rep") bytes.Add(0xF3);
        if (variant == "repne") bytes.Add(0xF2);
        if (info.OperandSize == 16) bytes.Add(0x66);
        bytes.Add((byte)info.OpCode);
        return [.. bytes];
    }

    static Instruction Create(Code code, object[] ops)
    {
        bool isBranch = code.ToOpCode().Op0Kind is OpCodeOperandKind.br32_1 or OpCodeOperandKind.br32_4;
        if (isBranch) return Instruction.CreateBranch(code, (uint)ops[0]);
        return ops switch
        {
            [] => Instruction.Create(code),
            [Register a] => Instruction.Create(code, a),
            [MemoryOperand a] => Instruction.Create(code, a),
            [int a] => Instruction.Create(code, a),
            [uint a] => Instruction.Create(code, a),
            [Register a, Register b] => Instruction.Create(code, a, b),
            [Register a, MemoryOperand b] => Instruction.Create(code, a, b),
            [MemoryOperand a, Register b] => Instruction.Create(code, a, b),
            [Register a, int b] => Instruction.Create(code, a, b),
            [Register a, uint b] => Instruction.Create(code, a, b),
            [MemoryOperand a, int b] => Instruction.Create(code, a, b),
            [MemoryOperand a, uint b] => Instruction.Create(code, a, b),
            [int a, int b] => Instruction.Create(code, a, b),
            [Register a, Register b, int c] => Instruction.Create(code, a, b, c),
            [Register a, Register b, uint c] => Instruction.Create(code, a, b, c),
            [Register a, MemoryOperand b, int c] => Instruction.Create(code, a, b, c),
            [Register a, MemoryOperand b, uint c] => Instruction.Create(code, a, b, c),
            [MemoryOperand a, Register b, int c] => Instruction.Create(code, a, b, c),
            [Register a, Register b, Register c] => Instruction.Create(code, a, b, c),
            [MemoryOperand a, Register b, Register c] => Instruction.Create(code, a, b, c),
            _ => throw new InvalidOperationException($"{code}: no Create for ({string.Join(", ", ops.Select(o => o.GetType().Name))})"),
        };
    }

    static byte[] Encode(Instruction insn)
    {
        var w = new Writer();
        Encoder.Create(32, w).Encode(insn, CodeAt);
        return [.. w.Bytes];
    }

    public static Instruction Decode(byte[] code)
    {
        var d = Decoder.Create(32, new ByteArrayCodeReader(code));
        d.IP = CodeAt;
        d.Decode(out var insn);
        return insn;
    }

    sealed class Writer : CodeWriter
    {
        public readonly List<byte> Bytes = [];
        public override void WriteByte(byte value) => Bytes.Add(value);
    }
}

/// <summary>EFLAGS bits, for the tests.</summary>
internal static class GuestFlags
{
    public const uint CF = VmxLayers.Guest.GuestCpu.CF, PF = VmxLayers.Guest.GuestCpu.PF, AF = VmxLayers.Guest.GuestCpu.AF, ZF = VmxLayers.Guest.GuestCpu.ZF,
        SF = VmxLayers.Guest.GuestCpu.SF, DF = VmxLayers.Guest.GuestCpu.DF, OF = VmxLayers.Guest.GuestCpu.OF;
}
