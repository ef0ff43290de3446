using VmxLayers.Code;
using VmxLayers.Code.Elf;

namespace VmxLayers.Tests.Code;

/// <summary>impl/vmx.o and the mutants as the loader models them.</summary>
public class ElfObjectReaderTests
{
    static readonly ObjectImage vmx = ElfObjectReader.ReadFile(ImplFiles.In("vmx.o"));

    static ObjectSymbol Def(ObjectImage o, string name) => o.Definition(name) ?? throw new Xunit.Sdk.XunitException($"{name} not defined");

    static IEnumerable<Relocation> RelocationsIn(ObjectImage o, string function)
    {
        var f = Def(o, function);
        return o.Relocations.Where(r => r.Section == SectionKind.Text && r.Offset >= f.Value && r.Offset < f.Value + f.Size).OrderBy(r => r.Offset);
    }

    [Fact]
    public void SectionsAreTextDataBssWithTheirSizes()
    {
        Assert.Equal([SectionKind.Text, SectionKind.Data, SectionKind.Bss], vmx.Sections.Select(s => s.Kind));
        var text = vmx.Section(SectionKind.Text)!;
        Assert.Equal(text.Size, (uint)text.Bytes.Length);
        Assert.Equal(16u, text.Alignment);
        Assert.True(text.Size > 0x100);
        Assert.Null(vmx.Section(SectionKind.Rodata));
    }

    [Fact]
    public void TheSixPrimitivesAreFunctionsInTextAndTheUnderlayIsUndefined()
    {
        foreach (var p in new[] { "vmx_readz", "vmx_writez", "vmx_enter_pre", "vmx_exit_post", "vmx_exit", "vmx_enter" })
        {
            var s = Def(vmx, p);
            Assert.Equal((SectionKind.Text, SymbolKind.Function, true), (s.Section!.Value, s.Kind, s.IsGlobal));
            Assert.True(s.Size > 0 && s.Value + s.Size <= vmx.Section(SectionKind.Text)!.Size, p);
        }
        Assert.Equal(0u, Def(vmx, "vmx_readz").Value);
        Assert.Equal(["VMX_LOC", "get_CPU_ID", "hostout", "vmcs_readz", "vmcs_writez"], vmx.Undefined.Select(s => s.Name).Order(StringComparer.Ordinal));
        Assert.Contains(vmx.Symbols, s => s is { Kind: SymbolKind.Section, Name: ".text", Section: SectionKind.Text });
    }

    [Fact]
    public void VmxExitsDisplacementsAreTheSlotOffsetsReadInPlace()
    {
        // stores of EDI, EAX, EBX, EDX, ESI, EBP into slots 10, 0, 2, 6, 8, 12; loads of slots 33, 34
        var exit = RelocationsIn(vmx, "vmx_exit").ToList();
        Assert.All(exit, r => Assert.Equal((RelocationType.R_386_32, "VMX_LOC"), (r.Type, r.Symbol.Name)));
        Assert.Equal(new[] { 10, 0, 2, 6, 8, 12, 33, 34 }.Select(slot => 4 * slot), exit.Select(r => r.Addend));
        // each displacement field starts 2 bytes into its 6-byte mov
        var start = Def(vmx, "vmx_exit").Value;
        Assert.Equal(Enumerable.Range(0, 8).Select(k => start + 2 + 6 * (uint)k), exit.Select(r => r.Offset));
    }

    [Fact]
    public void VmxEnterCallsTheUnderlayAndKeepsTheOffsetAcrossHostout()
    {
        var enter = RelocationsIn(vmx, "vmx_enter").ToList();
        Assert.Equal(["get_CPU_ID", "VMX_LOC", "VMX_LOC", "VMX_LOC", "VMX_LOC", "VMX_LOC", "hostout", "VMX_LOC", "VMX_LOC", "VMX_LOC", "VMX_LOC"],
            enter.Select(r => r.Symbol.Name));
        Assert.All(enter.Where(r => r.Type == RelocationType.R_386_PC32), r => Assert.Equal(-4, r.Addend));
        Assert.Equal(new[] { 33, 34, 2, 10, 12, 0, 6, 14, 8 }.Select(slot => 4 * slot),
            enter.Where(r => r.Type == RelocationType.R_386_32).Select(r => r.Addend));
    }

    [Fact]
    public void CPrimitivesCallTheUnderlayWithPcRelativeRelocations()
    {
        var calls = vmx.Relocations.Where(r => r.Type == RelocationType.R_386_PC32).ToList();
        Assert.All(calls, r => Assert.True(UnderlaySymbols.TryParse(r.Symbol.Name, out _) && r.Addend == -4, $"{r}"));
        Assert.Equal(["get_CPU_ID", "vmcs_readz", "vmcs_readz", "vmcs_readz"], RelocationsIn(vmx, "vmx_exit_post")
            .Where(r => r.Type == RelocationType.R_386_PC32).Select(r => r.Symbol.Name));
        Assert.True(vmx.TryGetRelocation(SectionKind.Text, RelocationsIn(vmx, "vmx_readz").First().Offset, out var call));
        Assert.Equal("get_CPU_ID", call.Symbol.Name);
        Assert.False(vmx.TryGetRelocation(SectionKind.Text, call.Offset + 1, out _));
    }

    [Fact]
    public void VmxExitPostReadsTheThreeFieldsThenStoresTheFourSlotsInTheSpecsOrder()
    {
        var post = Def(vmx, "vmx_exit_post");
        var code = vmx.Section(SectionKind.Text)!.Bytes.AsSpan().Slice((int)post.Value, (int)post.Size).ToArray();
        int At(uint encoding) => code.AsSpan().IndexOf(BitConverter.GetBytes(encoding));
        Assert.True(At(0x681E) >= 0 && At(0x681E) < At(0x4402) && At(0x4402) < At(0x6400), "GUEST_RIP, EXIT_REASON, EXIT_QUALIFICATION in that order");
        Assert.Equal(new[] { 14, 27, 28, 31 }.Select(slot => 4 * slot),
            RelocationsIn(vmx, "vmx_exit_post").Where(r => r.Type == RelocationType.R_386_32).Select(r => r.Addend));
    }

    [Fact]
    public void APlaceInCodeIsDescribedByFunctionAndInstruction()
    {
        var load = RelocationsIn(vmx, "vmx_exit").Last();    // mov 0x88(%ecx),%edi
        string where = vmx.Describe(SectionKind.Text, load.Offset);
        Assert.Equal($".text+0x{load.Offset:x}, in vmx_exit+0x2a `mov 0x88(%ecx),%edi`", where);
    }

    [Fact]
    public void EveryMutantLoadsAndDiffersWhereItsDescriptionSays()
    {
        var m = ImplObjects.Mutants.ToDictionary(x => x.Name, x => x.Object);
        Assert.Equal(4 * 34 + 152, RelocationsIn(m["asm-enter-host-edi-into-next-cpu"], "vmx_enter").ElementAt(2).Addend);
        Assert.Equal(4 * 3, RelocationsIn(m["asm-exit-ebx-into-slot3"], "vmx_exit").ElementAt(2).Addend);
        Assert.Equal(7, RelocationsIn(m["asm-exit-skips-esi-store"], "vmx_exit").Count());
        Assert.DoesNotContain(RelocationsIn(m["asm-enter-skips-hostout"], "vmx_enter"), r => r.Symbol.Name == "hostout");
        Assert.Equal(4 * 12, RelocationsIn(m["asm-enter-jumps-to-slot12"], "vmx_enter").Last(r => r.Type == RelocationType.R_386_32 && r.Addend != 4 * 8).Addend);
        foreach (var mutant in ImplObjects.Mutants)
            Assert.Equal(vmx.GlobalDefinitions.Select(s => s.Name).Order(), mutant.Object.GlobalDefinitions.Select(s => s.Name).Order());
    }
}
