using System.Buffers.Binary;

namespace VmxLayers.Code.Elf;

/// <summary>
/// Checks the ELF header and the extent of every table and section from the raw bytes, before any parsing: a
/// 64-bit, big-endian, foreign or linked file gets a precise line instead of a parser error, and the parser never
/// sees a size larger than the file (it would try to read it: seconds for a corrupted size field).
/// </summary>
static class ElfHeaderCheck
{
    const int Elf32HeaderSize = 52, SectionHeaderSize = 40;
    const ushort EtRel = 1, Em386 = 3;
    const uint ShtNull = 0, ShtNoBits = 8;

    public static void Check(string file, ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < 4 || bytes[0] != 0x7F || bytes[1] != (byte)'E' || bytes[2] != (byte)'L' || bytes[3] != (byte)'F')
            throw new ObjectFileError(file, "not an ELF file (no \\x7fELF magic at offset 0)");
        if (bytes.Length < 6)
            throw new ObjectFileError(file, $"truncated ELF header: {bytes.Length} bytes");
        switch (bytes[4])
        {
            case 1: break;
            case 2: throw new ObjectFileError(file, "an ELF64 object: the code layer needs an ELF32 i386 object (gcc -m32)");
            default: throw new ObjectFileError(file, $"invalid ELF class {bytes[4]} at offset 4");
        }
        if (bytes[5] != 1)
            throw new ObjectFileError(file, bytes[5] == 2
                ? "a big-endian ELF object: the code layer needs a little-endian i386 object"
                : $"invalid ELF data encoding {bytes[5]} at offset 5");
        if (bytes.Length < Elf32HeaderSize)
            throw new ObjectFileError(file, $"truncated ELF header: {bytes.Length} bytes, an ELF32 header has {Elf32HeaderSize}");
        ushort type = BinaryPrimitives.ReadUInt16LittleEndian(bytes[16..]);
        ushort machine = BinaryPrimitives.ReadUInt16LittleEndian(bytes[18..]);
        if (machine != Em386)
            throw new ObjectFileError(file, $"machine {MachineName(machine)} (e_machine at offset 18): the code layer needs EM_386 (gcc -m32)");
        if (type != EtRel)
            throw new ObjectFileError(file, $"{TypeName(type)} (e_type at offset 16): the code layer needs a relocatable object, ET_REL (gcc -c)");
        CheckExtents(file, bytes);
    }

    static uint U32(ReadOnlySpan<byte> b, int at) => BinaryPrimitives.ReadUInt32LittleEndian(b[at..]);
    static ushort U16(ReadOnlySpan<byte> b, int at) => BinaryPrimitives.ReadUInt16LittleEndian(b[at..]);

    /// <summary>No program headers; the section header table and every section's content lie inside the file.</summary>
    static void CheckExtents(string file, ReadOnlySpan<byte> bytes)
    {
        long length = bytes.Length;
        uint phoff = U32(bytes, 0x1C), shoff = U32(bytes, 0x20);
        int phnum = U16(bytes, 0x2C), shentsize = U16(bytes, 0x2E), shnum = U16(bytes, 0x30), shstrndx = U16(bytes, 0x32);
        if (phnum > 0)
            throw new ObjectFileError(file, $"truncated or corrupt ELF object: {phnum} program headers (e_phnum at offset 0x2c); a relocatable object has none");
        if (phoff > length)   // unused without program headers, but the parser would read up to it
            throw new ObjectFileError(file, $"truncated or corrupt ELF object: program header offset 0x{phoff:x} (e_phoff at offset 0x1c) lies past the end of the file ({length} bytes)");
        if (shnum == 0) throw new ObjectFileError(file, "no section headers (e_shnum at offset 0x30 is 0): not a relocatable object");
        if (shentsize != SectionHeaderSize)
            throw new ObjectFileError(file, $"truncated or corrupt ELF object: section header size {shentsize} (e_shentsize at offset 0x2e), ELF32 has {SectionHeaderSize}");
        if (shoff + (long)shnum * SectionHeaderSize > length)
            throw new ObjectFileError(file, $"truncated or corrupt ELF object: the section header table (offset 0x{shoff:x}, {shnum} entries) runs past the end of the file ({length} bytes)");
        if (shstrndx >= shnum)
            throw new ObjectFileError(file, $"truncated or corrupt ELF object: section name table index {shstrndx} (e_shstrndx at offset 0x32) is not below {shnum}");
        for (int i = 0; i < shnum; i++)
        {
            var header = bytes.Slice((int)shoff + i * SectionHeaderSize, SectionHeaderSize);
            uint type = U32(header, 4), offset = U32(header, 0x10), size = U32(header, 0x14);
            if (type is not (ShtNull or ShtNoBits) && offset + (long)size > length)
                throw new ObjectFileError(file, $"truncated or corrupt ELF object: section [{i}] (offset 0x{offset:x}, 0x{size:x} bytes) runs past the end of the file ({length} bytes)");
        }
    }

    static string MachineName(ushort m) => m switch
    {
        62 => "EM_X86_64",
        40 => "EM_ARM",
        183 => "EM_AARCH64",
        243 => "EM_RISCV",
        _ => $"{m}",
    };

    static string TypeName(ushort t) => t switch
    {
        0 => "an ET_NONE file",
        2 => "an executable (ET_EXEC)",
        3 => "a shared object or PIE executable (ET_DYN)",
        4 => "a core file (ET_CORE)",
        _ => $"an ELF file of type {t}",
    };
}
