using Iced.Intel;
using VmxLayers.Isa;
using VmxLayers.Semantics;

namespace VmxLayers.Tests.Isa;

using Code = Iced.Intel.Code;

/// <summary>The program cannot go on in CompCert's sense: an undefined condition or address, a load outside a block.</summary>
public sealed class GoesWrong(string message) : Exception(message);

/// <summary>
/// A second, deliberately different instantiation of <see cref="X86Semantics"/>: values are CompCert's <see cref="Val"/>
/// (Vint, Vptr, Vundef) with CompCert's arithmetic (pointer + integer is a pointer, pointer − pointer of one block is
/// an integer, everything else on a pointer or Vundef is Vundef), memory is a dictionary of blocks holding values by
/// size, a branch on an undefined condition goes wrong, and a displacement or immediate may be a relocated symbol.
/// Flat programs run in block 1: an integer address a means Vptr(1, a) (the test machine's choice).
/// </summary>
internal struct ValMachine : IX86Machine<Val>
{
    public const int FlatBlock = 1;
    readonly Holder h;

    sealed class Holder
    {
        public readonly Val[] Regs = new Val[8];
        public LazyFlags<Val> Flags;
        public readonly Dictionary<(int Block, uint Ofs), (Val Value, int Size)> Memory = [];
        public readonly Dictionary<int, uint> BlockSizes = [];
        public readonly Dictionary<(uint Ip, bool Displacement), Val> Relocations = [];
        public Val Next;
    }

    public ValMachine() { h = new Holder(); h.Flags.Df = Val.Vzero; h.Flags.Cf = h.Flags.Pf = h.Flags.Af = h.Flags.Zf = h.Flags.Sf = h.Flags.Of = Val.Vzero; }

    public Val[] Regs => h.Regs;
    public Val Next { get => h.Next; set => h.Next = value; }
    public Dictionary<int, uint> Blocks => h.BlockSizes;
    /// <summary>(instruction address, displacement or immediate) → the symbol it refers to (a Vptr).</summary>
    public Dictionary<(uint Ip, bool Displacement), Val> Relocations => h.Relocations;

    public readonly Val Const(uint value) => Val.Vint(value);
    public readonly Val Add(Val a, Val b) => ValOps.Add(a, b);
    public readonly Val Sub(Val a, Val b) => ValOps.Sub(a, b);
    public readonly Val Mul(Val a, Val b) => ValAlu.Mul(a, b);
    public readonly Val MulHigh(Val a, Val b, bool signed) => ValAlu.MulHigh(a, b, signed);
    public readonly Val And(Val a, Val b) => ValAlu.And(a, b);
    public readonly Val Or(Val a, Val b) => ValAlu.Or(a, b);
    public readonly Val Xor(Val a, Val b) => ValAlu.Xor(a, b);
    public readonly Val Shl(Val a, Val n) => ValAlu.Shl(a, n);
    public readonly Val Shr(Val a, Val n) => ValAlu.Shr(a, n);
    public readonly Val Sar(Val a, Val n) => ValAlu.Sar(a, n);
    /// <summary>CompCert's cmpu, every pointer taken as valid (this machine has no permissions).</summary>
    public readonly Val Eq(Val a, Val b) => ValAlu.Eq(a, b);
    public readonly Val LtU(Val a, Val b) => ValAlu.LtU(a, b);
    public readonly Val LtS(Val a, Val b) => ValAlu.LtS(a, b);
    public readonly Val Select(Val c, Val a, Val b) => ValAlu.Select(c, a, b);
    public readonly Val PopCount(Val a) => ValAlu.PopCount(a);
    public readonly Val TrailingZeros(Val a) => ValAlu.TrailingZeros(a);
    public readonly Val LeadingZeros(Val a) => ValAlu.LeadingZeros(a);
    public readonly Val Divide(Val hi, Val lo, Val d, int size, bool signed, out Val q, out Val r) => ValAlu.Divide(hi, lo, d, size, signed, out q, out r);

    public readonly bool Branch(Val c) => c.IsInt ? c.IntValue.Bits != 0 : throw new GoesWrong($"branch on {c}");
    public readonly void Jump(Val target) => h.Next = target.IsInt ? target : throw new GoesWrong($"jump to {target}");

    public readonly Val Displacement(in Instruction i) => Relocated(i.IP32, true, i.MemoryDisplacement32);
    public readonly Val Immediate(in Instruction i, int op) => Relocated(i.IP32, false, (uint)i.GetImmediate(op));
    readonly Val Relocated(uint ip, bool displacement, uint value) =>
        h.Relocations.TryGetValue((ip, displacement), out var sym) ? ValOps.Add(sym, Val.Vint(value)) : Val.Vint(value);

    /// <summary>Puts a flat image into block 1 as byte cells.</summary>
    public readonly void LoadFlat(byte[] image, uint at)
    {
        for (uint k = 0; k < image.Length; k++) h.Memory[(FlatBlock, at + k)] = (Val.Vint(image[k]), 1);
    }
    public readonly Val BranchTarget(in Instruction i) => Val.Vint(i.NearBranch32);
    public readonly Val NextIp(in Instruction i) => Val.Vint(i.NextIP32);

    public readonly Val GetReg(int index) => h.Regs[index];
    public readonly void SetReg(int index, Val v) => h.Regs[index] = v;
    public readonly ref LazyFlags<Val> FlagState => ref h.Flags;

    readonly (int Block, uint Ofs) Where(Val address, int size)
    {
        var (b, o) = address.IsPtr ? (address.Block, address.Ofs.Bits) : address.IsInt ? (FlatBlock, address.IntValue.Bits) : throw new GoesWrong($"access at {address}");
        if (!h.BlockSizes.TryGetValue(b, out uint length) || (ulong)o + (ulong)size > length) throw new GoesWrong($"{size}-byte access at block {b} offset {o} outside the block");
        return (b, o);
    }

    /// <summary>Mint8unsigned / Mint16unsigned / Mint32: a value stored with the same size reads back; anything else is Vundef.</summary>
    public readonly Val Load(Val address, int size) =>
        h.Memory.TryGetValue(Where(address, size), out var cell) && cell.Size == size ? cell.Value : Val.Vundef;

    public readonly void Store(Val address, int size, Val value)
    {
        var at = Where(address, size);
        for (uint k = 0; k < size; k++) h.Memory.Remove((at.Block, at.Ofs + k));   // overlapping cells lose their values
        for (uint k = 1; k < 4; k++) if (h.Memory.TryGetValue((at.Block, at.Ofs - k), out var c) && c.Size > k) h.Memory.Remove((at.Block, at.Ofs - k));
        h.Memory[at] = (value, size);
    }
}
