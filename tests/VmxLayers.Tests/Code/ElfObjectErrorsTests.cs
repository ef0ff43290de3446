using VmxLayers.Code.Elf;

namespace VmxLayers.Tests.Code;

/// <summary>Bad objects made by corrupting impl/vmx.o at known places: each gives its one line, naming file and place.</summary>
public class ElfObjectErrorsTests
{
    static readonly byte[] vmx = File.ReadAllBytes(ImplFiles.In("vmx.o"));
    static readonly RawSection rel = RawSection.Named(vmx, ".rel.text"), symtab = RawSection.Named(vmx, ".symtab");

    /// <summary>The loader's one line for a copy of vmx.o changed by <paramref name="patch"/>.</summary>
    static string Error(Action<byte[]> patch)
    {
        var bytes = (byte[])vmx.Clone();
        patch(bytes);
        return Error(bytes);
    }

    static string Error(byte[] bytes)
    {
        var e = Assert.Throws<ObjectFileError>(() => ElfObjectReader.Read("bad.o", bytes));
        Assert.DoesNotContain('\n', e.Message);
        Assert.StartsWith("bad.o: ", e.Message);
        return e.Message["bad.o: ".Length..];
    }

    static int Symbol(int index) => (int)symtab.Offset + 16 * index;
    static int RelEntry(int index) => (int)rel.Offset + 8 * index;
    /// <summary>vmx.o's symbol table: 7 vmx_enter, 8 vmx_readz, 13 vmx_writez; 4 the .comment section symbol, 6 the file symbol.</summary>
    const int VmxEnter = 7, VmxReadz = 8, VmxWritez = 13, CommentSection = 4, FileSymbol = 6;

    [Fact]
    public void TheSymbolIndicesThisTestUsesAreVmxOs()
    {
        var image = ElfObjectReader.Read("vmx.o", vmx);
        Assert.Equal(image.Definition("vmx_enter")!.Value, RawSection.U32(vmx, Symbol(VmxEnter) + 4));
        Assert.Equal(image.Definition("vmx_writez")!.Value, RawSection.U32(vmx, Symbol(VmxWritez) + 4));
        Assert.Equal(image.Relocations[0].Offset, RawSection.U32(vmx, RelEntry(0)));
    }

    [Fact]
    public void FilesThatAreNotElf32I386RelocatablesAreNamedForWhatTheyAre()
    {
        Assert.Equal("not an ELF file (no \\x7fELF magic at offset 0)", Error("int main() { return 0; }\n"u8.ToArray()));
        Assert.Equal("not an ELF file (no \\x7fELF magic at offset 0)", Error([]));
        Assert.Equal("truncated ELF header: 40 bytes, an ELF32 header has 52", Error(vmx[..40]));
        Assert.Equal("an ELF64 object: the code layer needs an ELF32 i386 object (gcc -m32)", Error(b => b[4] = 2));
        Assert.Equal("a big-endian ELF object: the code layer needs a little-endian i386 object", Error(b => b[5] = 2));
        Assert.Equal("machine EM_X86_64 (e_machine at offset 18): the code layer needs EM_386 (gcc -m32)", Error(b => RawSection.Put16(b, 18, 62)));
        Assert.Equal("an executable (ET_EXEC) (e_type at offset 16): the code layer needs a relocatable object, ET_REL (gcc -c)", Error(b => RawSection.Put16(b, 16, 2)));
        Assert.Equal("a shared object or PIE executable (ET_DYN) (e_type at offset 16): the code layer needs a relocatable object, ET_REL (gcc -c)", Error(b => RawSection.Put16(b, 16, 3)));
    }

    [Fact]
    public void TruncatedFilesAreCorruptWithTheOffsetThatRanOut()
    {
        Assert.Equal($"truncated or corrupt ELF object: the section header table (offset 0x{RawSection.U32(vmx, 0x20):x}, 10 entries) runs past the end of the file ({vmx.Length - 1} bytes)",
            Error(vmx[..^1]));
        Assert.Equal($"truncated or corrupt ELF object: section [{rel.Index}] (offset 0x{vmx.Length - 8:x}, 0x{rel.Size:x} bytes) runs past the end of the file ({vmx.Length} bytes)",
            Error(b => RawSection.Put32(b, RawSection.HeaderOffset(b, rel.Index) + 0x10, (uint)vmx.Length - 8)));
        for (int n = 52; n < vmx.Length; n += 37) Assert.StartsWith("truncated or corrupt ELF object: ", Error(vmx[..n]));
    }

    [Fact]
    public void RelocationTypesOutsideR386_32AndPc32AreRefusedAtTheirInstruction()
    {
        // entry 0: the call to get_CPU_ID in vmx_readz; entry 1: the save-area load in vmx_readz
        string call = ".text+0x10, in vmx_readz+0xf `call 0x00000010`", load = ".text+0x1c, in vmx_readz+0x19 `mov (,%eax,4),%eax`";
        Assert.Equal($"{call}: relocation R_386_GOTPC against get_CPU_ID needs a GOT or PLT (position-independent code): rebuild with -fno-pic -fno-pie",
            Error(b => b[RelEntry(0) + 4] = 10));
        Assert.Equal($"{load}: relocation R_386_GOT32X against VMX_LOC needs a GOT or PLT (position-independent code): rebuild with -fno-pic -fno-pie",
            Error(b => b[RelEntry(1) + 4] = 43));
        Assert.Equal($"{load}: relocation R_386_16 against VMX_LOC is not supported (only R_386_32 and R_386_PC32)", Error(b => b[RelEntry(1) + 4] = 20));
        Assert.Equal($"{load}: relocation R_386_TLS_LE against VMX_LOC: thread-local storage is not supported", Error(b => b[RelEntry(1) + 4] = 17));
        Assert.Equal($"{load}: relocation type 200 against VMX_LOC is not supported (only R_386_32 and R_386_PC32)", Error(b => b[RelEntry(1) + 4] = 200));
    }

    [Fact]
    public void RelocationsMustLieInTheirSectionAndNameAPlaceableSymbol()
    {
        string call = ".text+0x10, in vmx_readz+0xf `call 0x00000010`: relocation R_386_PC32";
        Assert.Equal(".text+0x1000: relocation R_386_PC32 runs past the end of .text (0x165 bytes of content)", Error(b => RawSection.Put32(b, RelEntry(0), 0x1000)));
        Assert.Equal($"{call}: symbol index 200 is out of range (the symbol table has 18 entries)", Error(b => RawSection.Put32(b, RelEntry(0) + 4, (200u << 8) | 2)));
        Assert.Equal($"{call} refers to no symbol (symbol index 0)", Error(b => RawSection.Put32(b, RelEntry(0) + 4, 2)));
        Assert.Equal($"{call} refers to the file symbol vmx.c, which is no place in memory", Error(b => RawSection.Put32(b, RelEntry(0) + 4, ((uint)FileSymbol << 8) | 2)));
        Assert.Equal($"{call} refers to the section symbol of .comment, in section .comment, which is not loaded",
            Error(b => RawSection.Put32(b, RelEntry(0) + 4, ((uint)CommentSection << 8) | 2)));
        Assert.Equal(".text+0x10, in vmx_readz+0xf `call 0x00000010`: two relocations at the same place", Error(b => RawSection.Put32(b, RelEntry(1), 0x10)));
        Assert.Equal(".text+0x12, in vmx_readz+0xf `call 0x00000010`: relocation overlaps the one at .text+0x10", Error(b => RawSection.Put32(b, RelEntry(1), 0x12)));
    }

    [Fact]
    public void SymbolsMustBeUniqueAndInsideTheirSection()
    {
        Assert.Equal("symbol vmx_readz is defined 2 times", Error(b => RawSection.Put32(b, Symbol(VmxWritez), RawSection.U32(b, Symbol(VmxReadz)))));
        Assert.Equal("symbol vmx_enter at .text+0x1000 lies outside .text (0x165 bytes)", Error(b => RawSection.Put32(b, Symbol(VmxEnter) + 4, 0x1000)));
    }

    [Fact]
    public void RelaSectionsAreRefused()
    {
        int header = RawSection.HeaderOffset(vmx, rel.Index);
        Assert.Equal("relocation section .rel.text has explicit addends (SHT_RELA); i386 objects use SHT_REL with the addend in place",
            Error(b => { RawSection.Put32(b, header + 4, 4); RawSection.Put32(b, header + 0x24, 12); }));
    }

    [Fact]
    public void AnyBitFlipInTheTablesIsLoadedOrRefusedWithOneLine()
    {
        // one bit per byte of the ELF header, the section header table, .rel.text and .symtab: the parser's own
        // failures must come out as bad input, never as another exception
        var places = Enumerable.Range(0, 52)
            .Concat(Enumerable.Range((int)RawSection.U32(vmx, 0x20), 40 * RawSection.U16(vmx, 0x30)))
            .Concat(Enumerable.Range((int)rel.Offset, (int)rel.Size))
            .Concat(Enumerable.Range((int)symtab.Offset, (int)symtab.Size));
        int loaded = 0, refused = 0;
        foreach (int at in places)
        {
            var bytes = (byte[])vmx.Clone();
            bytes[at] ^= (byte)(1 << (at % 8));
            try { ElfObjectReader.Read("bad.o", bytes); loaded++; }
            catch (ObjectFileError e)
            {
                Assert.True(e.Message.StartsWith("bad.o: ", StringComparison.Ordinal) && !e.Message.Contains('\n'), e.Message);
                refused++;
            }
        }
        Assert.True(loaded > 50 && refused > 50, $"{loaded} loaded, {refused} refused");
    }
}
