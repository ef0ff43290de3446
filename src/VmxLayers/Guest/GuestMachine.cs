using System.Diagnostics.CodeAnalysis;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Iced.Intel;
using VmxLayers.Isa;

namespace VmxLayers.Guest;

using Code = Iced.Intel.Code;

/// <summary>
/// The guest CPU as an <see cref="IX86Machine{V}"/> with uint values: registers and flags of a <see cref="GuestCpu"/>,
/// flat little-endian memory, instruction constants read as they are. Every operation is a one-liner the JIT inlines
/// into the specialized semantics.
/// </summary>
internal struct GuestMachine(GuestCpu cpu) : IX86Machine<uint>
{
    readonly uint[] regs = cpu.Regs;
    readonly byte[] memory = cpu.Memory;
    readonly DecodedCode code = cpu.Code;
    /// <summary>The address execution continues at: set to the next instruction before executing, changed by a jump.</summary>
    public uint Next;

    public readonly ref LazyFlags<uint> FlagState => ref cpu.Flags;

    [MethodImpl(MethodImplOptions.AggressiveInlining)] public readonly uint Const(uint value) => value;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public readonly uint Add(uint a, uint b) => a + b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public readonly uint Sub(uint a, uint b) => a - b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public readonly uint Mul(uint a, uint b) => a * b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly uint MulHigh(uint a, uint b, bool signed) =>
        signed ? (uint)((ulong)((long)(int)a * (int)b) >> 32) : (uint)(((ulong)a * b) >> 32);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public readonly uint And(uint a, uint b) => a & b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public readonly uint Or(uint a, uint b) => a | b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public readonly uint Xor(uint a, uint b) => a ^ b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public readonly uint Shl(uint a, uint count) => a << (int)count;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public readonly uint Shr(uint a, uint count) => a >> (int)count;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public readonly uint Sar(uint a, uint count) => (uint)((int)a >> (int)count);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public readonly uint Eq(uint a, uint b) => a == b ? 1u : 0u;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public readonly uint LtU(uint a, uint b) => a < b ? 1u : 0u;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public readonly uint LtS(uint a, uint b) => (int)a < (int)b ? 1u : 0u;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public readonly uint Select(uint condition, uint ifTrue, uint ifFalse) => condition != 0 ? ifTrue : ifFalse;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public readonly uint PopCount(uint a) => (uint)BitOperations.PopCount(a);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public readonly uint TrailingZeros(uint a) => (uint)BitOperations.TrailingZeroCount(a);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public readonly uint LeadingZeros(uint a) => (uint)BitOperations.LeadingZeroCount(a);

    public readonly uint Divide(uint hi, uint lo, uint divisor, int size, bool signed, out uint quotient, out uint remainder)
    {
        quotient = remainder = 0;
        if (divisor == 0) return 1;
        int bits = size * 8;
        if (signed)
        {
            long n = (long)(((ulong)hi << 32) | lo), d = (int)divisor;
            if (n == long.MinValue && d == -1) return 1;
            long q = n / d;
            if (q < -(1L << (bits - 1)) || q >= 1L << (bits - 1)) return 1;
            quotient = (uint)q;
            remainder = (uint)(n % d);
        }
        else
        {
            ulong n = ((ulong)hi << 32) | lo, q = n / divisor;
            if (q >> bits != 0) return 1;
            quotient = (uint)q;
            remainder = (uint)(n % divisor);
        }
        return 0;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)] public readonly bool Branch(uint condition) => condition != 0;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public void Jump(uint target) => Next = target;

    [MethodImpl(MethodImplOptions.AggressiveInlining)] public readonly uint Displacement(in Instruction insn) => insn.MemoryDisplacement32;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly uint Immediate(in Instruction insn, int operand) => Operands.Kind(in insn, operand) switch
    {
        OpKind.Immediate8 => insn.Immediate8,
        OpKind.Immediate32 => insn.Immediate32,
        OpKind.Immediate8to32 => (uint)insn.Immediate8to32,
        OpKind.Immediate16 => insn.Immediate16,
        OpKind.Immediate8to16 => (uint)insn.Immediate8to16,
        OpKind.Immediate8_2nd => insn.Immediate8_2nd,
        _ => (uint)insn.GetImmediate(operand),
    };
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public readonly uint BranchTarget(in Instruction insn) => insn.NearBranch32;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public readonly uint NextIp(in Instruction insn) => insn.NextIP32;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly uint GetReg(int index) => Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(regs), index);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly void SetReg(int index, uint value) => Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(regs), index) = value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly uint Load(uint address, int size)
    {
        if ((ulong)address + (uint)size > (ulong)memory.Length) OutOfRange(address, size);
        ref byte b = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(memory), (nint)address);
        return size == 4 ? Unsafe.ReadUnaligned<uint>(ref b) : size == 1 ? b : Unsafe.ReadUnaligned<ushort>(ref b);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly void Store(uint address, int size, uint value)
    {
        if ((ulong)address + (uint)size > (ulong)memory.Length) OutOfRange(address, size);
        if (code.Covers(address, size)) code.MarkDirty(address, size);
        ref byte b = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(memory), (nint)address);
        if (size == 4) Unsafe.WriteUnaligned(ref b, value);
        else if (size == 1) b = (byte)value;
        else Unsafe.WriteUnaligned(ref b, (ushort)value);
    }

    [DoesNotReturn, MethodImpl(MethodImplOptions.NoInlining)]
    readonly void OutOfRange(uint address, int size) =>
        throw new GuestMachineFault(GuestFaultKind.MemoryAccess, $"{size}-byte memory access at 0x{address:X8} outside guest memory [0, 0x{memory.Length:X})");
}
