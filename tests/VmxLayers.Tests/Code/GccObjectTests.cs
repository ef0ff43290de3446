using VmxLayers.Code.Elf;

namespace VmxLayers.Tests.Code;

/// <summary>Objects gcc makes from small sources: what the loader keeps of the supported ones, and the one line for the others.</summary>
public class GccObjectTests
{
    internal static ObjectImage C(string source, params string[] extra) =>
        ElfObjectReader.Read("t.o", Gcc.Compile(source, ".c", [.. Gcc.ImplFlags, .. extra, "-c"]));

    internal static ObjectImage Asm(string source) => ElfObjectReader.Read("t.o", Gcc.Compile(source, ".S", ["-m32", "-c"]));

    static string CError(string source, IEnumerable<string> flags) => Error(Gcc.Compile(source, ".c", flags));

    static string Error(byte[] bytes)
    {
        var e = Assert.Throws<ObjectFileError>(() => ElfObjectReader.Read("t.o", bytes));
        Assert.DoesNotContain('\n', e.Message);
        Assert.StartsWith("t.o: ", e.Message);
        return e.Message["t.o: ".Length..];
    }

    static readonly string vmxC = File.ReadAllText(ImplFiles.In("vmx.c"));

    [GccFact]
    public void PositionIndependentCodeIsRefusedWithTheFlagsThatAvoidIt()
    {
        // what Debian's gcc does without -fno-pic: GOT/PLT relocations
        string line = CError(vmxC, ["-m32", "-O2", "-fpic", "-c"]);
        Assert.Matches(@"^\.text\+0x[0-9a-f]+, in vmx_readz\+0x[0-9a-f]+ `[^`]+`: relocation R_386_(GOTPC|GOT32X|PLT32) against \S+ needs a GOT or PLT \(position-independent code\): rebuild with -fno-pic -fno-pie$", line);
    }

    [GccFact]
    public void OtherKindsOfObjectAreNamed()
    {
        Assert.Equal("an ELF64 object: the code layer needs an ELF32 i386 object (gcc -m32)", CError("int f(void) { return 1; }", ["-c"]));
        Assert.StartsWith("a shared object or PIE executable (ET_DYN)", CError("int f(void) { return 1; }", ["-m32", "-shared", "-nostdlib", "-fno-pic"]));
    }

    [GccFact]
    public void SectionsBeyondTextDataRodataBssAreRefusedByName()
    {
        Assert.Equal("section .text.startup (ProgBits, 11 bytes) is not supported: the code layer loads only .text, .data, .rodata and .bss (gcc puts constructors, cold code and -ffunction-sections output there: keep the primitives' code in .text)",
            CError("static int n; __attribute__((constructor)) static void init(void) { n = 1; } int vmx_readz(int i) { return n + i; }", [.. Gcc.ImplFlags, "-c"]));
        Assert.Equal("section .init_array (InitArray, 4 bytes) is not supported: the code layer loads only .text, .data, .rodata and .bss (constructors and destructors are not run)",
            Error(Gcc.Compile(".text\n.globl vmx_exit\nvmx_exit: ret\n.section .init_array, \"aw\"\n.long vmx_exit\n", ".S", ["-m32", "-c"])));
        Assert.Equal("section .rodata.str1.1 (ProgBits, 6 bytes) is not supported: the code layer loads only .text, .data, .rodata and .bss",
            CError("const char *vmx_readz(void) { return \"hello\"; }", [.. Gcc.ImplFlags, "-c"]));
        Assert.EndsWith(": thread-local storage is not supported",
            CError("__thread int t = 3; int vmx_readz(void) { return t; }", [.. Gcc.ImplFlags, "-c"]));
        Assert.Equal("common symbol counter (an uninitialised global compiled with -fcommon): rebuild with -fno-common",
            CError("int counter; void vmx_writez(unsigned i, unsigned v) { counter = i + v; }", [.. Gcc.ImplFlags, "-fcommon", "-c"]));
    }

    [GccFact]
    public void AnUnsupportedRelocationInDataNamesTheDataPlace()
    {
        Assert.Equal(".data+0x2: relocation R_386_16 against vmx_exit is not supported (only R_386_32 and R_386_PC32)",
            Error(Gcc.Compile(".data\n.word 7\n.word vmx_exit\n", ".S", ["-m32", "-c"])));
    }

    [GccFact]
    public void RelocationsInDataAndAgainstSectionSymbolsAreKept()
    {
        var o = Asm("""
                    .section .rodata
            table:  .long 1, 2, 3
                    .data
                    .globl ptrs
            ptrs:   .long vmx_exit + 4
                    .long VMX_LOC + 8
                    .long table + 8
                    .long get_CPU_ID - .
                    .bss
            buffer: .skip 64
                    .text
                    .globl vmx_exit
                    .type vmx_exit, @function
            vmx_exit:
                    movl table + 4, %eax
                    movl %eax, buffer + 12
                    ret
            """);
        Assert.Equal([SectionKind.Text, SectionKind.Data, SectionKind.Rodata, SectionKind.Bss], o.Sections.Select(s => s.Kind));
        Assert.Equal((64u, 0), (o.Section(SectionKind.Bss)!.Size, o.Section(SectionKind.Bss)!.Bytes.Length));
        Assert.Equal(new byte[] { 1, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0 }, o.Section(SectionKind.Rodata)!.Bytes.ToArray());
        string Show(Relocation r) => $"{r.Section}+{r.Offset} {r.Type} {r.Symbol.Name}{(r.Symbol.Kind == SymbolKind.Section ? "(section)" : "")} {r.Addend}";
        Assert.Equal([
            "Text+1 R_386_32 .rodata(section) 4",      // movl table+4, %eax: A1 disp32
            "Text+6 R_386_32 .bss(section) 12",        // movl %eax, buffer+12: A3 moffs32
            "Data+0 R_386_32 vmx_exit 4",
            "Data+4 R_386_32 VMX_LOC 8",
            "Data+8 R_386_32 .rodata(section) 8",
            "Data+12 R_386_PC32 get_CPU_ID 0",         // S + A − P with A = 0: the place itself is the origin
        ], o.Relocations.OrderBy(r => r.Section).ThenBy(r => r.Offset).Select(Show));
        Assert.Equal((SectionKind.Data, 0u), (o.Definition("ptrs")!.Section!.Value, o.Definition("ptrs")!.Value));
        Assert.Null(o.Definition("table"));   // local
    }
}
