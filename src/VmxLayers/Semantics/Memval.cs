namespace VmxLayers.Semantics;

/// <summary>The three kinds of byte cell.</summary>
public enum MemvalKind : byte { Undef, Byte, Pointer }

/// <summary>The contents of one memory cell: Undef, a concrete byte, or byte n of the pointer Vptr(b, ofs).</summary>
public readonly record struct Memval(MemvalKind Kind, byte Value, int Block, Int Ofs, int N)
{
    public static readonly Memval Undef = default;
    public static Memval Byte(byte b) => new(MemvalKind.Byte, b, 0, default, 0);
    public static Memval Pointer(int block, Int ofs, int n) => new(MemvalKind.Pointer, 0, block, ofs, n);

    public override string ToString() => Kind switch
    {
        MemvalKind.Undef => "Undef",
        MemvalKind.Byte => $"Byte 0x{Value:X2}",
        _ => $"Pointer {Block} {Ofs.Bits} {N}",
    };

    // Packed form used inside Mem: 2-bit tag | 8-bit n | 22-bit block | 32-bit payload.
    internal const int MaxPackedBlock = (1 << 22) - 1;

    internal ulong Pack() => Kind switch
    {
        MemvalKind.Undef => 0UL,
        MemvalKind.Byte => (1UL << 62) | Value,
        _ => PackPointer(Block, Ofs.Bits, N),
    };

    internal static ulong PackPointer(int block, uint ofs, int n)
    {
        if ((uint)block > MaxPackedBlock || (uint)n > 255)
            throw new ArgumentOutOfRangeException(nameof(block), $"pointer fragment (block {block}, n {n}) exceeds the memory's packed range");
        return (2UL << 62) | ((ulong)n << 54) | ((ulong)block << 32) | ofs;
    }

    internal static Memval Unpack(ulong p) => (p >> 62) switch
    {
        0 => Undef,
        1 => Byte((byte)p),
        _ => Pointer((int)((p >> 32) & MaxPackedBlock), new Int((uint)p), (int)((p >> 54) & 0xFF)),
    };
}
