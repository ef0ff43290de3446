using LibObjectFile.Elf;

namespace VmxLayers.Code.Elf;

sealed partial class ElfObjectLoading
{
    /// <summary>A symbol table entry as a relocation sees it: the loaded symbol, or why it cannot be used.</summary>
    readonly record struct SymbolSlot(ObjectSymbol? Symbol, string Unusable);

    const int ShnAbs = 0xFFF1, ShnCommon = 0xFFF2;

    SymbolSlot[] LoadSymbols()
    {
        if (symtab is null) return [];
        var slots = new SymbolSlot[symtab.Entries.Count];
        slots[0] = new(null, "no symbol (symbol index 0)");
        for (int i = 1; i < slots.Length; i++) slots[i] = Slot(symtab.Entries[i], i);
        RejectDuplicateDefinitions(slots);
        return slots;
    }

    SymbolSlot Slot(ElfSymbol e, int index)
    {
        string name = e.Name.Value ?? "";
        bool global = e.Bind is ElfSymbolBind.Global or ElfSymbolBind.Weak or ElfSymbolBind.GnuUnique;
        if (e.Type == ElfSymbolType.File) return new(null, $"the file symbol {name}, which is no place in memory");
        if (e.Type == ElfSymbolType.GnuIndirectFunction) throw Error($"symbol {name} is an indirect function (ifunc), which is not supported");
        if (e.Type == ElfSymbolType.Tls) return new(null, $"the thread-local symbol {name} (thread-local storage is not supported)");
        var link = e.SectionLink;
        if (link.IsSpecial) return SpecialSlot(e, name, global, index);
        var section = link.Section!;
        if (!loaded.TryGetValue(section, out var into))
            return new(null, $"{Named(name, section)}, in section {NameOf(section)}, which is not loaded");
        if (e.Value > into.Size)
            throw Error($"{Named(name, section)} at {into.Name}+0x{e.Value:x} lies outside {into.Name} (0x{into.Size:x} bytes)");
        var kind = Kind(e.Type, name);
        return new(new ObjectSymbol(kind == SymbolKind.Section ? into.Name : name, kind, global, into.Kind, (uint)e.Value, (uint)Math.Min(e.Size, uint.MaxValue)), "");
    }

    SymbolSlot SpecialSlot(ElfSymbol e, string name, bool global, int index) => e.SectionLink.SpecialIndex switch
    {
        0 when name.Length == 0 => throw Error($"undefined symbol without a name (symbol index {index})"),
        0 when !global => throw Error($"local symbol {name} is undefined"),
        0 => new(new ObjectSymbol(name, Kind(e.Type, name), true, null, 0, 0), ""),
        ShnCommon => throw Error($"common symbol {name} (an uninitialised global compiled with -fcommon): rebuild with -fno-common"),
        ShnAbs => new(null, $"the absolute symbol {name}, which lies in no section"),
        var other => new(null, $"symbol {name}, defined in the reserved section index 0x{other:x}"),
    };

    SymbolKind Kind(ElfSymbolType type, string name) => type switch
    {
        ElfSymbolType.NoType => SymbolKind.NoType,
        ElfSymbolType.Object => SymbolKind.Object,
        ElfSymbolType.Function => SymbolKind.Function,
        ElfSymbolType.Section => SymbolKind.Section,
        _ => throw Error($"symbol {name} has type {type}, which is not supported"),
    };

    /// <summary>"symbol vmx_exit", or "the section symbol of .data" for a nameless one.</summary>
    static string Named(string name, ElfSection section) => name.Length > 0 ? $"symbol {name}" : $"the section symbol of {NameOf(section)}";

    void RejectDuplicateDefinitions(SymbolSlot[] slots)
    {
        var twice = slots.Select(s => s.Symbol)
            .Where(s => s is { IsGlobal: true, IsDefined: true } && s.Kind != SymbolKind.Section)
            .GroupBy(s => s!.Name)
            .FirstOrDefault(g => g.Count() > 1);
        if (twice is not null) throw Error($"symbol {twice.Key} is defined {twice.Count()} times");
    }
}
