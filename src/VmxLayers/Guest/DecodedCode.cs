using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Iced.Intel;
using VmxLayers.Isa;

namespace VmxLayers.Guest;

using Code = Iced.Intel.Code;

/// <summary>
/// Decoded instructions cached by address (one lazily allocated 1 KiB page of entries where code runs: 40 KB, below the
/// large-object heap), and a bit per
/// guest byte marking the bytes that cached instructions cover, so a store into code invalidates exactly the
/// instructions it overlaps. Owned by one <see cref="GuestCpu"/>.
/// </summary>
internal sealed class DecodedCode
{
    const int PageBits = 10, PageSize = 1 << PageBits, MaxLength = 15;

    readonly byte[] memory;
    readonly Instruction[]?[] pages;
    /// <summary>Per page, the lowest and one past the highest entry ever filled (what <see cref="Clear"/> must wipe).</summary>
    readonly (int Lo, int Hi)[] filled;
    /// <summary>Bit b of byte a>>3 set: guest byte a belongs to a cached instruction (two bytes of padding for 16-bit reads).</summary>
    readonly byte[] marks;
    readonly MemoryReader reader;
    readonly Decoder decoder;

    public DecodedCode(byte[] memory)
    {
        this.memory = memory;
        pages = new Instruction[]?[(memory.Length + PageSize - 1) >> PageBits];
        filled = new (int, int)[pages.Length];
        marks = new byte[(memory.Length >> 3) + 3];
        reader = new MemoryReader(memory);
        decoder = Decoder.Create(32, reader, DecoderOptions.None);
        _ = IsaTable.Of(Code.INVALID);   // the instruction-form table is built here, at load like the decoder's, not at the first guest step
    }

    /// <summary>The cached instruction at <paramref name="address"/>, decoding it on a miss; throws <see cref="GuestMachineFault"/> when it cannot be run.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ref Instruction At(uint address)
    {
        uint page = address >> PageBits;
        if (page < (uint)pages.Length && Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(pages), (nint)page) is { } entries)
        {
            // entries has PageSize elements and the offset is masked to the page
            ref var e = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(entries), (nint)(address & (PageSize - 1)));
            if (e.Length != 0) return ref e;
        }
        return ref Fill(address);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    ref Instruction Fill(uint address)
    {
        if (address >= (uint)memory.Length) throw new GuestMachineFault(GuestFaultKind.MemoryAccess, $"instruction fetch at 0x{address:X8} outside guest memory [0, 0x{memory.Length:X})");
        reader.Position = (int)address;
        decoder.IP = address;
        decoder.Decode(out var insn);
        if (decoder.LastError == DecoderError.NoMoreBytes)
            throw new GuestMachineFault(GuestFaultKind.MemoryAccess, $"instruction fetch at 0x{address:X8}: the instruction runs past the end of guest memory [0, 0x{memory.Length:X})");
        if (X86Semantics.Unsupported(in insn) is { } why)
            throw new GuestMachineFault(GuestFaultKind.UnknownOpcode, $"cannot run {Show(address)}: {why}");
        uint page = address >> PageBits;
        int at = (int)(address & (PageSize - 1));
        var entries = pages[page];
        if (entries is null) { pages[page] = entries = new Instruction[PageSize]; filled[page] = (at, at + 1); }
        else filled[page] = (Math.Min(filled[page].Lo, at), Math.Max(filled[page].Hi, at + 1));
        ref var e = ref entries[at];
        e = insn;
        lowest = Math.Min(lowest, address);
        highest = Math.Max(highest, address + (uint)insn.Length);
        for (uint a = address; a < address + (uint)insn.Length; a++) marks[a >> 3] |= (byte)(1 << (int)(a & 7));
        return ref e;
    }

    /// <summary>True when a store of <paramref name="size"/> bytes at <paramref name="address"/> (in range) touches cached code.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool Covers(uint address, int size) =>
        ((Unsafe.ReadUnaligned<ushort>(ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(marks), (nint)(address >> 3))) >> (int)(address & 7))
            & ((1 << size) - 1)) != 0;

    /// <summary>The lowest address and one past the highest byte of the instructions decoded since the last <see cref="Clear"/>.</summary>
    uint lowest = uint.MaxValue, highest;

    /// <summary>
    /// True when every cached instruction lies in [<paramref name="start"/>, <paramref name="end"/>): a reload that puts
    /// the same bytes there (which the caller checks) leaves them valid — a cached entry's bytes are unchanged since
    /// it was decoded, as any store into them drops it.
    /// </summary>
    public bool Within(uint start, uint end) => lowest >= start && highest <= end;

    /// <summary>True when a store touched cached code since the last <see cref="FlushDirty"/>.</summary>
    public bool Dirty;
    uint dirtyLo = uint.MaxValue, dirtyHi;

    /// <summary>
    /// Records a store into cached code; the entries are dropped by <see cref="FlushDirty"/> after the storing instruction
    /// completes (it may still be reading its own cached entry), before the next fetch.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public void MarkDirty(uint address, int size)
    {
        Dirty = true;
        dirtyLo = Math.Min(dirtyLo, address);
        dirtyHi = Math.Max(dirtyHi, address + (uint)size);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    public void FlushDirty()
    {
        Invalidate(dirtyLo, (int)(dirtyHi - dirtyLo));
        Dirty = false;
        dirtyLo = uint.MaxValue;
        dirtyHi = 0;
    }

    /// <summary>Drops every cached instruction overlapping [address, address + size) and re-marks the neighbourhood.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public void Invalidate(uint address, int size)
    {
        uint lo = address >= MaxLength ? address - MaxLength : 0, hi = Math.Min(address + (uint)size + MaxLength, (uint)memory.Length);
        for (uint s = lo; s < address + (uint)size; s++)
            if (Entry(s) is { } entries && entries[s & (PageSize - 1)].Length is var n and > 0 && s + (uint)n > address)
                entries[s & (PageSize - 1)] = default;
        for (uint a = lo; a < hi; a++) marks[a >> 3] &= (byte)~(1 << (int)(a & 7));
        uint from = lo >= MaxLength ? lo - MaxLength : 0;
        for (uint s = from; s < hi; s++)
            if (Entry(s) is { } entries && entries[s & (PageSize - 1)].Length is var n and > 0)
                for (uint a = Math.Max(s, lo); a < Math.Min(s + (uint)n, hi); a++) marks[a >> 3] |= (byte)(1 << (int)(a & 7));
    }

    Instruction[]? Entry(uint address) => (address >> PageBits) < (uint)pages.Length ? pages[address >> PageBits] : null;

    /// <summary>Forgets every decoded instruction (after the memory was replaced from outside); keeps the pages for reuse.</summary>
    public void Clear()
    {
        for (int p = 0; p < pages.Length; p++)
            if (pages[p] is { } entries && filled[p].Hi > 0)
            {
                Array.Clear(entries, filled[p].Lo, filled[p].Hi - filled[p].Lo);
                filled[p] = (0, 0);
            }
        Array.Clear(marks);
        lowest = uint.MaxValue;
        highest = 0;
    }

    /// <summary>What the bytes at <paramref name="address"/> decode to, and the bytes, for messages.</summary>
    public string Show(uint address)
    {
        if (address >= (uint)memory.Length) return "(outside guest memory)";
        reader.Position = (int)address;
        decoder.IP = address;
        decoder.Decode(out var insn);
        int n = Math.Max(1, Math.Min(insn.Length, memory.Length - (int)address));
        string bytes = string.Join(' ', Convert.ToHexString(memory, (int)address, n).Chunk(2).Select(c => new string(c)));
        return insn.Code == Code.INVALID ? $"bytes {bytes}" : $"'{Format(insn)}' ({bytes})";
    }

    static string Format(in Instruction insn)
    {
        var f = new NasmFormatter();
        var o = new StringOutput();
        f.Format(insn, o);
        return o.ToStringAndReset();
    }

    sealed class MemoryReader(byte[] memory) : CodeReader
    {
        public int Position;
        public override int ReadByte() => Position < memory.Length ? memory[Position++] : -1;
    }
}

/// <summary>The instruction at an address cannot be run (outside memory, undecodable, unsupported).</summary>
internal sealed class GuestMachineFault(GuestFaultKind kind, string message) : Exception(message)
{
    public GuestFaultKind Kind { get; } = kind;
}
