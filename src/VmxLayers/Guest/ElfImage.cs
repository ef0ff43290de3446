using System.Buffers.Binary;

namespace VmxLayers.Guest;

/// <summary>
/// Reads an ELF32 executable for the guest: little-endian, EM_386, ET_EXEC; its PT_LOAD segments (file bytes at
/// p_vaddr, the rest up to p_memsz zero, as guest memory starts zeroed) and e_entry.
/// </summary>
public static class ElfImage
{
    const uint PtLoad = 1;

    /// <summary>True when <paramref name="bytes"/> start with the ELF magic.</summary>
    public static bool IsElf(ReadOnlySpan<byte> bytes) => bytes.Length >= 4 && bytes[0] == 0x7F && bytes[1] == (byte)'E' && bytes[2] == (byte)'L' && bytes[3] == (byte)'F';

    /// <summary>The program in <paramref name="bytes"/>; throws <see cref="GuestLoadException"/> naming <paramref name="name"/> and the problem.</summary>
    public static GuestProgram Read(string name, byte[] bytes, string expected, bool hasExpected, int memorySize)
    {
        string Bad(string what) => $"{name}: not a loadable ELF32 i386 executable ({what})";
        if (bytes.Length < 52 || !IsElf(bytes)) throw new GuestLoadException(Bad("too short or no ELF magic"));
        if (bytes[4] != 1) throw new GuestLoadException(Bad("not ELFCLASS32"));
        if (bytes[5] != 1) throw new GuestLoadException(Bad("not little-endian"));
        var h = bytes.AsSpan();
        if (U16(h, 16) != 2) throw new GuestLoadException(Bad($"e_type {U16(h, 16)}, expected ET_EXEC"));
        if (U16(h, 18) != 3) throw new GuestLoadException(Bad($"e_machine {U16(h, 18)}, expected EM_386"));
        uint entry = U32(h, 24), phoff = U32(h, 28);
        int phentsize = U16(h, 42), phnum = U16(h, 44);
        if (phentsize < 32 || (ulong)phoff + (ulong)phentsize * (ulong)phnum > (ulong)bytes.Length) throw new GuestLoadException(Bad("program headers outside the file"));
        var segments = new List<GuestSegment>();
        for (int k = 0; k < phnum; k++)
        {
            var ph = h.Slice((int)phoff + k * phentsize, 32);
            if (U32(ph, 0) != PtLoad) continue;
            uint offset = U32(ph, 4), vaddr = U32(ph, 8), filesz = U32(ph, 16), memsz = U32(ph, 20);
            if ((ulong)offset + filesz > (ulong)bytes.Length) throw new GuestLoadException(Bad($"segment {k} outside the file"));
            if (filesz > memsz) throw new GuestLoadException(Bad($"segment {k} has p_filesz > p_memsz"));
            if ((ulong)vaddr + memsz > (ulong)memorySize)
                throw new GuestLoadException($"{name}: segment {k} [0x{vaddr:X}, 0x{(ulong)vaddr + memsz:X}) does not fit in {memorySize} bytes of guest memory (--guest-memory)");
            segments.Add(new GuestSegment(vaddr, bytes[(int)offset..(int)(offset + filesz)]));
        }
        if (segments.Count == 0) throw new GuestLoadException(Bad("no PT_LOAD segment"));
        if (entry >= (uint)memorySize) throw new GuestLoadException($"{name}: entry point 0x{entry:X} outside {memorySize} bytes of guest memory");
        var first = segments.MinBy(s => s.Address)!;
        return new GuestProgram(Path.GetFileNameWithoutExtension(name), first.Bytes, first.Address, entry, expected)
        { Segments = segments, MemorySize = memorySize, HasExpectedOutput = hasExpected };
    }

    static ushort U16(ReadOnlySpan<byte> b, int at) => BinaryPrimitives.ReadUInt16LittleEndian(b[at..]);
    static uint U32(ReadOnlySpan<byte> b, int at) => BinaryPrimitives.ReadUInt32LittleEndian(b[at..]);
}
