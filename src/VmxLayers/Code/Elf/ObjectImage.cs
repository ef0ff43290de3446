using System.Collections.Immutable;

namespace VmxLayers.Code.Elf;

/// <summary>The sections of a relocatable object that the code layer loads.</summary>
public enum SectionKind { Text, Data, Rodata, Bss }

/// <summary>The IA-32 relocations the code layer supports (S = symbol, A = addend, P = place).</summary>
public enum RelocationType
{
    /// <summary>S + A: an absolute address, e.g. the displacement <c>VMX_LOC + 0x38</c>.</summary>
    R_386_32 = 1,
    /// <summary>S + A − P: a PC-relative field, e.g. a call's target (A = −4 in place).</summary>
    R_386_PC32 = 2,
}

/// <summary>ELF symbol types the loader keeps (file symbols are dropped).</summary>
public enum SymbolKind { NoType, Object, Function, Section }

/// <summary>One loaded section: its bytes (none for .bss) and its size in memory.</summary>
public sealed record ObjectSection(SectionKind Kind, ImmutableArray<byte> Bytes, uint Size, uint Alignment)
{
    public string Name => Kind.SectionName();
}

/// <summary>
/// A symbol of the object: defined in <see cref="Section"/> at <see cref="Value"/>, or undefined
/// (<see cref="Section"/> null: an underlay primitive or VMX_LOC). Section symbols carry the section's name.
/// </summary>
public sealed record ObjectSymbol(string Name, SymbolKind Kind, bool IsGlobal, SectionKind? Section, uint Value, uint Size)
{
    public bool IsDefined => Section is not null;

    public override string ToString() => Name;
}

/// <summary>
/// A relocation: the 4 bytes at <see cref="Offset"/> of <see cref="Section"/> hold <see cref="Type"/>'s value for
/// <see cref="Symbol"/> + <see cref="Addend"/>. For REL sections the addend is the value stored in place.
/// </summary>
public sealed record Relocation(SectionKind Section, uint Offset, RelocationType Type, ObjectSymbol Symbol, int Addend);

/// <summary>An ELF32 i386 relocatable object as the code layer sees it. Immutable; built by <see cref="ElfObjectReader"/>.</summary>
public sealed class ObjectImage
{
    readonly ImmutableDictionary<(SectionKind, uint), Relocation> byPlace;

    /// <param name="relocations">At most one per (section, offset).</param>
    public ObjectImage(string file, ImmutableArray<ObjectSection> sections, ImmutableArray<ObjectSymbol> symbols, ImmutableArray<Relocation> relocations)
    {
        File = file;
        Sections = sections;
        Symbols = symbols;
        Relocations = relocations;
        byPlace = relocations.ToImmutableDictionary(r => (r.Section, r.Offset));
    }

    /// <summary>The name the object was loaded under (its path, or e.g. "impl/vmx.o" for the built-in one).</summary>
    public string File { get; }
    public ImmutableArray<ObjectSection> Sections { get; }
    public ImmutableArray<ObjectSymbol> Symbols { get; }
    public ImmutableArray<Relocation> Relocations { get; }

    /// <summary>The section of that kind, or null when the object has none.</summary>
    public ObjectSection? Section(SectionKind kind) => Sections.FirstOrDefault(s => s.Kind == kind);

    /// <summary>The global (or weak) definition of <paramref name="name"/>, or null.</summary>
    public ObjectSymbol? Definition(string name) => GlobalDefinitions.FirstOrDefault(s => s.Name == name);

    /// <summary>Global and weak definitions (not section symbols).</summary>
    public IEnumerable<ObjectSymbol> GlobalDefinitions => Symbols.Where(s => s.IsGlobal && s.IsDefined && s.Kind != SymbolKind.Section);

    /// <summary>Symbols the object uses but does not define.</summary>
    public IEnumerable<ObjectSymbol> Undefined => Symbols.Where(s => !s.IsDefined);

    /// <summary>The relocation whose field starts at <paramref name="offset"/> of <paramref name="section"/>, if any.</summary>
    public bool TryGetRelocation(SectionKind section, uint offset, out Relocation relocation) =>
        byPlace.TryGetValue((section, offset), out relocation!);

    /// <summary>A place for messages: ".text+0x1c, in vmx_readz+0x19 `mov 0x0(,%eax,4),%eax`".</summary>
    public string Describe(SectionKind section, uint offset)
    {
        var labels = Symbols.Where(s => s.Section == section && s.Kind != SymbolKind.Section).Select(s => new CodeLocation.Label(s.Name, s.Value));
        var loaded = Section(section);
        ReadOnlySpan<byte> code = section == SectionKind.Text && loaded is not null ? loaded.Bytes.AsSpan() : [];
        return CodeLocation.Describe(section.SectionName(), code, loaded?.Size ?? 0, labels, offset);
    }

    public override string ToString() => File;
}

public static class SectionKinds
{
    /// <summary>The ELF name of the section: ".text", ".data", ".rodata", ".bss".</summary>
    public static string SectionName(this SectionKind kind) => kind switch
    {
        SectionKind.Text => ".text",
        SectionKind.Data => ".data",
        SectionKind.Rodata => ".rodata",
        SectionKind.Bss => ".bss",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "not a section kind"),
    };

    /// <summary>The kind named <paramref name="name"/>, if it is one of the four supported sections.</summary>
    public static bool TryParse(string name, out SectionKind kind)
    {
        foreach (var k in Enum.GetValues<SectionKind>())
            if (k.SectionName() == name) { kind = k; return true; }
        kind = default;
        return false;
    }
}
