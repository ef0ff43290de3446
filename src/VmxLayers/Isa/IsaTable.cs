using Iced.Intel;

namespace VmxLayers.Isa;

using Code = Iced.Intel.Code;

/// <summary>The semantic operation of an instruction form; <see cref="Unsupported"/> for every form outside the integer set.</summary>
public enum IsaOp : byte
{
    Unsupported,
    /// <summary>in, out, ins, outs, cpuid, hlt, vmcall: the semantics does nothing, the machine decides (a VM exit).</summary>
    Exiting,
    Add, Or, Adc, Sbb, And, Sub, Xor, Cmp,
    Test, Inc, Dec, Neg, Not,
    Mov, Movzx, Movsx, Lea, Xchg, Cmpxchg, Xadd, Bswap, Cmovcc, Setcc,
    Jcc, Jmp, JmpIndirect, Call, CallIndirect, Ret, RetImm, Loop, Loope, Loopne, Jecxz, Leave, Enter,
    Push, Pop, Pushad, Popad, Pushfd, Popfd,
    Rol, Ror, Rcl, Rcr, Shl, Shr, Sar, Shld, Shrd,
    Bt, Bts, Btr, Btc, Bsf, Bsr, Tzcnt, Lzcnt, Popcnt,
    Mul, Imul1, Imul, Div, Idiv,
    Movs, Stos, Lods, Cmps, Scas,
    /// <summary>cbw, cwde: sign-extend the lower half of the accumulator.</summary>
    Cbw,
    /// <summary>cwd, cdq: sign of the accumulator into DX/EDX.</summary>
    Cwd,
    Nop, Clc, Stc, Cmc, Cld, Std,
}

/// <summary>One instruction form (an Iced <see cref="Code"/>): its operation, operand size and source size in bytes, and its condition (0 O … 15 G) for jcc/setcc/cmovcc.</summary>
public readonly record struct IsaForm(IsaOp Op, byte Size, byte SourceSize, byte Condition);

/// <summary>
/// Which Iced codes the semantics executes: every legacy-encoded 32-bit-mode form of the supported mnemonics whose
/// operands are general registers (8/16/32-bit), memory, immediates or near branches, with 32-bit stack and branch width.
/// </summary>
public static class IsaTable
{
    /// <summary>The form of <paramref name="code"/> (Op = Unsupported outside the set).</summary>
    public static IsaForm Of(Code code) => forms[(int)code];

    internal static IsaForm[] Forms => forms;

    /// <summary>Every supported code (exiting ones included), in Code order.</summary>
    public static IEnumerable<Code> SupportedCodes =>
        Enumerable.Range(0, forms.Length).Where(c => forms[c].Op != IsaOp.Unsupported).Select(c => (Code)c);

    static readonly Dictionary<Mnemonic, IsaOp> byMnemonic = new()
    {
        [Mnemonic.Add] = IsaOp.Add, [Mnemonic.Or] = IsaOp.Or, [Mnemonic.Adc] = IsaOp.Adc, [Mnemonic.Sbb] = IsaOp.Sbb,
        [Mnemonic.And] = IsaOp.And, [Mnemonic.Sub] = IsaOp.Sub, [Mnemonic.Xor] = IsaOp.Xor, [Mnemonic.Cmp] = IsaOp.Cmp,
        [Mnemonic.Test] = IsaOp.Test, [Mnemonic.Inc] = IsaOp.Inc, [Mnemonic.Dec] = IsaOp.Dec, [Mnemonic.Neg] = IsaOp.Neg, [Mnemonic.Not] = IsaOp.Not,
        [Mnemonic.Mov] = IsaOp.Mov, [Mnemonic.Movzx] = IsaOp.Movzx, [Mnemonic.Movsx] = IsaOp.Movsx, [Mnemonic.Lea] = IsaOp.Lea,
        [Mnemonic.Xchg] = IsaOp.Xchg, [Mnemonic.Cmpxchg] = IsaOp.Cmpxchg, [Mnemonic.Xadd] = IsaOp.Xadd, [Mnemonic.Bswap] = IsaOp.Bswap,
        [Mnemonic.Jmp] = IsaOp.Jmp, [Mnemonic.Call] = IsaOp.Call, [Mnemonic.Ret] = IsaOp.Ret,
        [Mnemonic.Loop] = IsaOp.Loop, [Mnemonic.Loope] = IsaOp.Loope, [Mnemonic.Loopne] = IsaOp.Loopne, [Mnemonic.Jecxz] = IsaOp.Jecxz,
        [Mnemonic.Leave] = IsaOp.Leave, [Mnemonic.Enter] = IsaOp.Enter,
        [Mnemonic.Push] = IsaOp.Push, [Mnemonic.Pop] = IsaOp.Pop, [Mnemonic.Pushad] = IsaOp.Pushad, [Mnemonic.Popad] = IsaOp.Popad,
        [Mnemonic.Pushfd] = IsaOp.Pushfd, [Mnemonic.Popfd] = IsaOp.Popfd,
        [Mnemonic.Rol] = IsaOp.Rol, [Mnemonic.Ror] = IsaOp.Ror, [Mnemonic.Rcl] = IsaOp.Rcl, [Mnemonic.Rcr] = IsaOp.Rcr,
        [Mnemonic.Shl] = IsaOp.Shl, [Mnemonic.Sal] = IsaOp.Shl, [Mnemonic.Shr] = IsaOp.Shr, [Mnemonic.Sar] = IsaOp.Sar,
        [Mnemonic.Shld] = IsaOp.Shld, [Mnemonic.Shrd] = IsaOp.Shrd,
        [Mnemonic.Bt] = IsaOp.Bt, [Mnemonic.Bts] = IsaOp.Bts, [Mnemonic.Btr] = IsaOp.Btr, [Mnemonic.Btc] = IsaOp.Btc,
        [Mnemonic.Bsf] = IsaOp.Bsf, [Mnemonic.Bsr] = IsaOp.Bsr, [Mnemonic.Tzcnt] = IsaOp.Tzcnt, [Mnemonic.Lzcnt] = IsaOp.Lzcnt, [Mnemonic.Popcnt] = IsaOp.Popcnt,
        [Mnemonic.Mul] = IsaOp.Mul, [Mnemonic.Imul] = IsaOp.Imul, [Mnemonic.Div] = IsaOp.Div, [Mnemonic.Idiv] = IsaOp.Idiv,
        [Mnemonic.Movsb] = IsaOp.Movs, [Mnemonic.Movsw] = IsaOp.Movs, [Mnemonic.Movsd] = IsaOp.Movs,
        [Mnemonic.Stosb] = IsaOp.Stos, [Mnemonic.Stosw] = IsaOp.Stos, [Mnemonic.Stosd] = IsaOp.Stos,
        [Mnemonic.Lodsb] = IsaOp.Lods, [Mnemonic.Lodsw] = IsaOp.Lods, [Mnemonic.Lodsd] = IsaOp.Lods,
        [Mnemonic.Cmpsb] = IsaOp.Cmps, [Mnemonic.Cmpsw] = IsaOp.Cmps, [Mnemonic.Cmpsd] = IsaOp.Cmps,
        [Mnemonic.Scasb] = IsaOp.Scas, [Mnemonic.Scasw] = IsaOp.Scas, [Mnemonic.Scasd] = IsaOp.Scas,
        [Mnemonic.Cbw] = IsaOp.Cbw, [Mnemonic.Cwde] = IsaOp.Cbw, [Mnemonic.Cwd] = IsaOp.Cwd, [Mnemonic.Cdq] = IsaOp.Cwd,
        [Mnemonic.Nop] = IsaOp.Nop, [Mnemonic.Endbr32] = IsaOp.Nop,
        [Mnemonic.Clc] = IsaOp.Clc, [Mnemonic.Stc] = IsaOp.Stc, [Mnemonic.Cmc] = IsaOp.Cmc, [Mnemonic.Cld] = IsaOp.Cld, [Mnemonic.Std] = IsaOp.Std,
        [Mnemonic.In] = IsaOp.Exiting, [Mnemonic.Out] = IsaOp.Exiting, [Mnemonic.Insb] = IsaOp.Exiting, [Mnemonic.Insw] = IsaOp.Exiting,
        [Mnemonic.Insd] = IsaOp.Exiting, [Mnemonic.Outsb] = IsaOp.Exiting, [Mnemonic.Outsw] = IsaOp.Exiting, [Mnemonic.Outsd] = IsaOp.Exiting,
        [Mnemonic.Cpuid] = IsaOp.Exiting, [Mnemonic.Hlt] = IsaOp.Exiting, [Mnemonic.Vmcall] = IsaOp.Exiting,
    };

    static IsaForm[] Build()
    {
        var table = new IsaForm[Enum.GetValues<Code>().Length];
        for (int c = 0; c < table.Length; c++)
        {
            var info = ((Code)c).ToOpCode();
            if (!info.IsInstruction || !info.Mode32 || info.Encoding != EncodingKind.Legacy || info.OperandSize == 64 || info.AddressSize == 16) continue;
            if (info.DecoderOption != DecoderOptions.None) continue;                     // forms only a non-default decoder option produces
            int cc = -1;
            IsaOp op;
            if (conditional.TryGetValue(info.Mnemonic, out var cond)) (op, cc) = cond;
            else if (!byMnemonic.TryGetValue(info.Mnemonic, out op)) continue;
            if (op == IsaOp.Test && ((Code)c).ToString().EndsWith("r1", StringComparison.Ordinal)) continue;  // F6 /1, F7 /1: undocumented aliases (QEMU: #UD)
            if (!OperandsSupported(info)) continue;
            if (op is IsaOp.Jmp or IsaOp.Call && info.Op0Kind == OpCodeOperandKind.mem) continue; // far, through memory
            int size = SizeOf(info, 0);
            if (size == 0 && info.Op0Kind == OpCodeOperandKind.mem_offs) size = SizeOf(info, 1);   // mov moffs, al/ax/eax
            if (size == 0) size = info.OperandSize switch { 16 => 2, _ => StringSize(info) };
            bool stackOrBranch = op is >= IsaOp.Jcc and <= IsaOp.Popfd;
            if (stackOrBranch && info.OperandSize == 16) continue;      // 16-bit stack/branch width (66h prefix)
            if (op == IsaOp.Bswap && size != 4) continue;               // bswap r16: undefined result
            if (op == IsaOp.Jmp && info.Op0Kind is OpCodeOperandKind.r32_or_mem) op = IsaOp.JmpIndirect;
            if (op == IsaOp.Call && info.Op0Kind is OpCodeOperandKind.r32_or_mem) op = IsaOp.CallIndirect;
            if (op == IsaOp.Ret && info.OpCount == 1) op = IsaOp.RetImm;
            if (op == IsaOp.Imul && info.OpCount == 1) op = IsaOp.Imul1;
            if (op == IsaOp.Mov && info.OpCount != 2) continue;
            table[c] = new IsaForm(op, (byte)size, (byte)SizeOf(info, 1), (byte)Math.Max(cc, 0));
        }
        return table;
    }

    static int StringSize(OpCodeInfo info) => info.Mnemonic.ToString() switch
    {
        var n when n.EndsWith('b') => 1,
        var n when n.EndsWith('w') || n == "Cbw" => 2,
        _ => 4,
    };

    /// <summary>Condition suffixes in condition-code order (0 O … 15 G).</summary>
    static readonly string[] conditions = ["o", "no", "b", "ae", "e", "ne", "be", "a", "s", "ns", "p", "np", "l", "ge", "le", "g"];

    /// <summary>Jcc, SETcc, CMOVcc mnemonics with their operation and condition code.</summary>
    static readonly Dictionary<Mnemonic, (IsaOp Op, int Cc)> conditional =
        (from prefix in new[] { ("J", IsaOp.Jcc), ("Set", IsaOp.Setcc), ("Cmov", IsaOp.Cmovcc) }
         from cc in Enumerable.Range(0, conditions.Length)
         let name = prefix.Item1 + conditions[cc]
         select (Mnemonic: Enum.Parse<Mnemonic>(name), prefix.Item2, cc)).ToDictionary(x => x.Mnemonic, x => (x.Item2, x.cc));

    static bool OperandsSupported(OpCodeInfo info)
    {
        for (int k = 0; k < info.OpCount; k++)
            if (SizeOf(info, k) < 0) return false;
        return true;
    }

    /// <summary>Operand k's size in bytes, 0 when it has none (memory without size, branch), −1 when not supported.</summary>
    static int SizeOf(OpCodeInfo info, int k)
    {
        if (k >= info.OpCount) return 0;
        return info.GetOpKind(k) switch
        {
            OpCodeOperandKind.r8_or_mem or OpCodeOperandKind.r8_reg or OpCodeOperandKind.r8_opcode or OpCodeOperandKind.al or OpCodeOperandKind.cl
                or OpCodeOperandKind.imm8 or OpCodeOperandKind.imm8_const_1 => 1,
            OpCodeOperandKind.r16_or_mem or OpCodeOperandKind.r16_reg or OpCodeOperandKind.r16_opcode or OpCodeOperandKind.ax
                or OpCodeOperandKind.imm16 or OpCodeOperandKind.imm8sex16 or OpCodeOperandKind.dx => 2,
            OpCodeOperandKind.r32_or_mem or OpCodeOperandKind.r32_reg or OpCodeOperandKind.r32_opcode or OpCodeOperandKind.eax
                or OpCodeOperandKind.imm32 or OpCodeOperandKind.imm8sex32 => 4,
            OpCodeOperandKind.mem or OpCodeOperandKind.mem_offs or OpCodeOperandKind.br32_1 or OpCodeOperandKind.br32_4
                or OpCodeOperandKind.seg_rSI or OpCodeOperandKind.es_rDI or OpCodeOperandKind.seg_rDI => 0,
            _ => -1,
        };
    }

    // last: built from the tables above (static initializers run in textual order)
    static readonly IsaForm[] forms = Build();
}
