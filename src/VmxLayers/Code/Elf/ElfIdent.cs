using System.Buffers.Binary;

namespace VmxLayers.Code.Elf;

/// <summary>
/// Checks the ELF identification and header fields the code layer depends on, from the raw bytes and before any
/// parsing, so that a 64-bit, big-endian, foreign or linked file gets a precise line instead of a parser error.
/// </summary>
static class ElfIdent
{
    const int Elf32HeaderSize = 52;
    const ushort EtRel = 1, Em386 = 3;

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
