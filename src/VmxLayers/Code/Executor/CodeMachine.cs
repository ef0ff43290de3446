using Iced.Intel;
using VmxLayers.Code.Elf;
using VmxLayers.Constants;
using VmxLayers.Isa;
using VmxLayers.Semantics;

namespace VmxLayers.Code.Executor;

/// <summary>The mutable state of one run: registers, flags, memory, the next PC and the instruction executing.</summary>
sealed class CodeState
{
    public readonly Val[] Regs = new Val[8];
    public LazyFlags<Val> Flags;
    public Mem Mem = Mem.Empty;
    public Val Next;
    public int ObjectIndex;
    public ObjectImage Object = null!;
    public DecodedInstruction Current = null!;
    /// <summary>The block of each object's .data, .rodata, .bss in this run (0: the object has none).</summary>
    public int[][] DataBlocks = [];

    /// <summary>The address of a symbol of object k: its code, its data in this run, VMX_LOC, or an underlay primitive.</summary>
    public Val SymbolValue(int k, ObjectSymbol sym)
    {
        if (sym.IsDefined)
            return sym.Section == SectionKind.Text ? CodeBlocks.Code(k, sym.Value) : Val.Vptr(DataBlocks[k][(int)sym.Section!.Value], sym.Value);
        if (sym.Name == UnderlaySymbols.VmxLoc) return Val.Vptr(Genv.VmxLocBlock, 0u);
        return UnderlaySymbols.TryParse(sym.Name, out var p) ? CodeBlocks.Underlay(p) : throw new CodeFailure($"the undefined symbol {sym}");
    }
}

/// <summary>
/// The IA-32 semantics (<see cref="X86Semantics"/>) over CompCert values and block memory (code-layer.md): registers
/// hold <see cref="Val"/>s, arithmetic is <see cref="ValAlu"/>'s, addresses are values and every load or store goes
/// through <see cref="Mem"/> with the access size's chunk (Mint8unsigned, Mint16unsigned, Mint32: permission,
/// alignment, bounds, pointer fragments), a branch on an undefined condition goes wrong, and a displacement,
/// immediate or branch target that a relocation names is the symbol's address plus the addend.
/// </summary>
readonly struct CodeMachine(CodeState s) : IX86Machine<Val>
{
    public Val Const(uint value) => Val.Vint(value);
    public Val Add(Val a, Val b) => ValOps.Add(a, b);
    public Val Sub(Val a, Val b) => ValOps.Sub(a, b);
    public Val Mul(Val a, Val b) => ValAlu.Mul(a, b);
    public Val MulHigh(Val a, Val b, bool signed) => ValAlu.MulHigh(a, b, signed);
    public Val And(Val a, Val b) => ValAlu.And(a, b);
    public Val Or(Val a, Val b) => ValAlu.Or(a, b);
    public Val Xor(Val a, Val b) => ValAlu.Xor(a, b);
    public Val Shl(Val a, Val n) => ValAlu.Shl(a, n);
    public Val Shr(Val a, Val n) => ValAlu.Shr(a, n);
    public Val Sar(Val a, Val n) => ValAlu.Sar(a, n);
    /// <summary>Val.cmpu Ceq: pointers of two blocks (or a pointer and 0) compare only when valid in the current memory.</summary>
    public Val Eq(Val a, Val b) { var m = s.Mem; return ValAlu.EqValid(a, b, (blk, ofs) => m.ValidPointer(blk, ofs)); }
    public Val LtU(Val a, Val b) => ValAlu.LtU(a, b);
    public Val LtS(Val a, Val b) => ValAlu.LtS(a, b);
    public Val Select(Val c, Val a, Val b) => ValAlu.Select(c, a, b);
    public Val PopCount(Val a) => ValAlu.PopCount(a);
    public Val TrailingZeros(Val a) => ValAlu.TrailingZeros(a);
    public Val LeadingZeros(Val a) => ValAlu.LeadingZeros(a);
    public Val Divide(Val hi, Val lo, Val d, int size, bool signed, out Val q, out Val r)
    {
        var raised = ValAlu.Divide(hi, lo, d, size, signed, out q, out r);
        return raised.IsUndef ? throw new CodeFailure("div/idiv on an undefined or pointer operand") : raised;
    }

    public bool Branch(Val c) => c.IsInt ? c.IntValue.Bits != 0 : throw new CodeFailure($"a branch on an undefined condition ({c})");
    public void Jump(Val target) => s.Next = target;

    public Val Displacement(in Instruction i)
    {
        var o = s.Current.Offsets;
        return o.HasDisplacement && o.DisplacementSize == 4 && Relocated(i, o.DisplacementOffset, "displacement") is { } v
            ? v : Val.Vint(i.MemoryDisplacement32);
    }

    public Val Immediate(in Instruction i, int operand)
    {
        var o = s.Current.Offsets;
        return o.HasImmediate && o.ImmediateSize == 4 && Relocated(i, o.ImmediateOffset, "immediate") is { } v
            ? v : Val.Vint((uint)i.GetImmediate(operand));
    }

    /// <summary>A rel32 branch whose field (its last 4 bytes) is relocated R_386_PC32: S + A − P + (P + 4) = S + A + 4.</summary>
    public Val BranchTarget(in Instruction i)
    {
        uint field = i.IP32 + (uint)i.Length - 4;
        if (i.Length >= 5 && s.Object.TryGetRelocation(SectionKind.Text, field, out var r))
        {
            if (r.Type != RelocationType.R_386_PC32) throw new CodeFailure($"a branch target relocated {r.Type} against {r.Symbol} (only R_386_PC32 is a branch)");
            return ValOps.Add(SymbolValue(r.Symbol), Val.Vint((uint)(r.Addend + 4)));
        }
        return CodeBlocks.Code(s.ObjectIndex, i.NearBranch32);
    }

    public Val NextIp(in Instruction i) => CodeBlocks.Code(s.ObjectIndex, i.NextIP32);

    Val? Relocated(in Instruction i, int fieldOffset, string what)
    {
        if (!s.Object.TryGetRelocation(SectionKind.Text, i.IP32 + (uint)fieldOffset, out var r)) return null;
        if (r.Type != RelocationType.R_386_32) throw new CodeFailure($"a{(what == "immediate" ? "n" : "")} {what} relocated {r.Type} against {r.Symbol} (only R_386_32 makes an address)");
        return ValOps.Add(SymbolValue(r.Symbol), Val.Vint((uint)r.Addend));
    }

    Val SymbolValue(ObjectSymbol sym) => s.SymbolValue(s.ObjectIndex, sym);

    public Val GetReg(int index) => s.Regs[index];
    public void SetReg(int index, Val v) => s.Regs[index] = v;
    public ref LazyFlags<Val> FlagState => ref s.Flags;

    static Chunk ChunkOf(int size) => size switch
    {
        1 => Chunk.Mint8unsigned,
        2 => Chunk.Mint16unsigned,
        4 => Chunk.Mint32,
        _ => throw new ArgumentOutOfRangeException(nameof(size), size, "an access is 1, 2 or 4 bytes"),
    };

    public Val Load(Val address, int size) =>
        s.Mem.Loadv(ChunkOf(size), address) ?? throw new CodeFailure($"{ChunkOf(size)} load at {address} fails (not a pointer, or no permission, misaligned or out of bounds)");

    public void Store(Val address, int size, Val value)
    {
        if (address.IsPtr && s.DataBlocks.Any(d => d[(int)SectionKind.Rodata] == address.Block))
            throw new CodeFailure($"a store of {value} at {address}, into .rodata");
        s.Mem = s.Mem.Storev(ChunkOf(size), address, value) ?? throw new CodeFailure($"{ChunkOf(size)} store of {value} at {address} fails (not a pointer, or no permission, misaligned or out of bounds)");
    }
}
