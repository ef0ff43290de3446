using System.Collections.Immutable;
using LibObjectFile.Elf;

namespace VmxLayers.Code.Elf;

/// <summary>One object being loaded: the parsed ELF file, checked and turned into an <see cref="ObjectImage"/>.</summary>
sealed partial class ElfObjectLoading(string file, ElfFile elf)
{
    readonly Dictionary<ElfSection, ObjectSection> loaded = [];
    readonly Dictionary<ElfSection, byte[]> bytesOf = [];
    ElfSymbolTable? symtab;

    public ObjectImage Load()
    {
        symtab = SymbolTable();
        var tables = elf.Sections.OfType<ElfRelocationTable>().Where(AppliesToMemory).ToList();
        // PIC relocations first: their hint (-fno-pic -fno-pie) is the fix for the sections PIC also brings
        CheckRelocationTypes(tables);
        LoadSections();
        var slots = LoadSymbols();
        var relocations = LoadRelocations(tables, slots);
        return new ObjectImage(file,
            [.. loaded.Values.OrderBy(s => s.Kind)],
            [.. slots.Where(s => s.Symbol is not null).Select(s => s.Symbol!)],
            relocations);
    }

    ObjectFileError Error(string message) => new(file, message);

    ElfSymbolTable? SymbolTable()
    {
        var tables = elf.Sections.OfType<ElfSymbolTable>().Where(t => t.Type == ElfSectionType.SymbolTable).ToList();
        if (tables.Count > 1) throw Error($"{tables.Count} symbol tables (.symtab); a relocatable object has one");
        return tables.SingleOrDefault();
    }

    /// <summary>Relocations of sections that are loaded into memory; those of debug or other non-allocated sections do not matter.</summary>
    bool AppliesToMemory(ElfRelocationTable table)
    {
        var target = table.Info.Section ?? throw Error($"relocation section {NameOf(table)} applies to no section (sh_info {table.Info.SpecialIndex})");
        return (target.Flags & ElfSectionFlags.Alloc) != 0;
    }

    void LoadSections()
    {
        foreach (var section in elf.Sections)
        {
            if (!IsLoadable(section)) continue;
            string name = NameOf(section);
            if (!SectionKinds.TryParse(name, out var kind) || (section.Flags & ElfSectionFlags.Tls) != 0)
            {
                if (section.Size == 0) continue;
                throw Error($"section {name} ({section.Type}, {section.Size} bytes) is not supported: the code layer loads only .text, .data, .rodata and .bss{Hint(section)}");
            }
            if (loaded.Values.Any(s => s.Kind == kind)) throw Error($"two {name} sections");
            loaded[section] = Section(section, kind);
        }
    }

    /// <summary>Sections that would occupy memory at run time (notes are metadata even when allocated).</summary>
    static bool IsLoadable(ElfSection s) => (s.Flags & ElfSectionFlags.Alloc) != 0 && s.Type != ElfSectionType.Note;

    static string Hint(ElfSection s) =>
        (s.Flags & ElfSectionFlags.Tls) != 0 ? " (thread-local storage is not supported)"
        : s.Type is ElfSectionType.InitArray or ElfSectionType.FiniArray or ElfSectionType.PreInitArray ? " (constructors and destructors are not run)"
        : s.Name.Value?.StartsWith(".text.", StringComparison.Ordinal) == true ? " (gcc puts constructors, cold code and -ffunction-sections output there: keep the primitives' code in .text)"
        : "";

    ObjectSection Section(ElfSection section, SectionKind kind)
    {
        string name = kind.SectionName();
        bool noBits = section.Type == ElfSectionType.NoBits;
        if (noBits != (kind == SectionKind.Bss))
            throw Error($"section {name} has type {section.Type}; expected {(kind == SectionKind.Bss ? "NoBits" : "ProgBits")}");
        if (section.Size > uint.MaxValue) throw Error($"section {name} is larger than 4 GiB");
        ImmutableArray<byte> bytes = noBits ? [] : ImmutableArray.Create(BytesOf(section));
        return new ObjectSection(kind, bytes, (uint)section.Size, (uint)Math.Min(section.VirtualAddressAlignment, uint.MaxValue));
    }

    /// <summary>The stored bytes of a section with content; empty for any other.</summary>
    byte[] BytesOf(ElfSection section)
    {
        if (bytesOf.TryGetValue(section, out var cached)) return cached;
        byte[] bytes = [];
        if (section is ElfStreamSection { Stream: { } stream })
        {
            using var copy = new MemoryStream();
            stream.Position = 0;
            stream.CopyTo(copy);
            bytes = copy.ToArray();
        }
        else if (section.Type != ElfSectionType.NoBits && section.Size > 0)
            throw Error($"section {NameOf(section)} ({section.Type}) holds no program data");
        return bytesOf[section] = bytes;
    }

    /// <summary>".text+0x1c, in vmx_readz+0x19 `mov …`" for a place in an allocated section.</summary>
    string Where(ElfSection section, ulong offset)
    {
        string name = NameOf(section);
        if (offset > uint.MaxValue) return $"{name}+0x{offset:x}";
        List<CodeLocation.Label> labels = symtab is null ? [] : symtab.Entries
            .Where(e => e.SectionLink.Section == section && e.Type is ElfSymbolType.Function or ElfSymbolType.Object or ElfSymbolType.NoType
                        && !string.IsNullOrEmpty(e.Name.Value) && e.Value <= uint.MaxValue)
            .Select(e => new CodeLocation.Label(e.Name.Value!, (uint)e.Value))
            .ToList();
        bool code = (section.Flags & ElfSectionFlags.Executable) != 0 && section.Type == ElfSectionType.ProgBits;
        return CodeLocation.Describe(name, code ? BytesOf(section) : [], (uint)Math.Min(section.Size, uint.MaxValue), labels, (uint)offset);
    }

    /// <summary>The section's name, or its index when the name is empty (a corrupt name table).</summary>
    static string NameOf(ElfSection section) =>
        string.IsNullOrEmpty(section.Name.Value) ? $"[{section.SectionIndex}]" : section.Name.Value;
}
