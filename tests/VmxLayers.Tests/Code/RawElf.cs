using System.Buffers.Binary;

namespace VmxLayers.Tests.Code;

/// <summary>
/// The section headers of an ELF32 little-endian file read straight from its bytes, independently of the loader
/// under test: to compare rebuilt objects section by section and to corrupt objects at known places.
/// </summary>
sealed record RawSection(int Index, string Name, uint Type, uint Offset, uint Size, uint EntrySize)
{
    /// <summary>The section headers of <paramref name="elf"/>.</summary>
    public static IReadOnlyList<RawSection> All(byte[] elf)
    {
        uint shoff = U32(elf, 0x20);
        int shentsize = U16(elf, 0x2E), shnum = U16(elf, 0x30), shstrndx = U16(elf, 0x32);
        uint Header(int i, int field) => U32(elf, (int)shoff + i * shentsize + field);
        uint strtab = Header(shstrndx, 0x10);
        return [.. Enumerable.Range(0, shnum).Select(i =>
            new RawSection(i, CString(elf, (int)(strtab + Header(i, 0))), Header(i, 4), Header(i, 0x10), Header(i, 0x14), Header(i, 0x24)))];
    }

    public static RawSection Named(byte[] elf, string name) => All(elf).Single(s => s.Name == name);

    /// <summary>Byte offset of this section's header in the file (for patching sh_type and friends).</summary>
    public static int HeaderOffset(byte[] elf, int index) => (int)U32(elf, 0x20) + index * U16(elf, 0x2E);

    public byte[] Content(byte[] elf) => Type == 8 /* SHT_NOBITS */ ? [] : elf[(int)Offset..(int)(Offset + Size)];

    public static uint U32(byte[] b, int at) => BinaryPrimitives.ReadUInt32LittleEndian(b.AsSpan(at));
    public static int U16(byte[] b, int at) => BinaryPrimitives.ReadUInt16LittleEndian(b.AsSpan(at));
    public static void Put32(byte[] b, int at, uint v) => BinaryPrimitives.WriteUInt32LittleEndian(b.AsSpan(at), v);
    public static void Put16(byte[] b, int at, ushort v) => BinaryPrimitives.WriteUInt16LittleEndian(b.AsSpan(at), v);

    static string CString(byte[] b, int at)
    {
        int end = Array.IndexOf(b, (byte)0, at);
        return System.Text.Encoding.ASCII.GetString(b, at, end - at);
    }
}
