using System.Buffers.Binary;
using System.Collections.Immutable;
using LibObjectFile.Elf;

namespace VmxLayers.Code.Elf;

sealed partial class ElfObjectLoading
{
    /// <summary>Relocations that need a GOT or PLT: gcc emits them for position-independent code.</summary>
    static readonly uint[] gotPlt =
    [
        ElfRelocationType.R_386_GOT32.Value, ElfRelocationType.R_386_PLT32.Value, ElfRelocationType.R_386_GOTOFF.Value,
        ElfRelocationType.R_386_GOTPC.Value, ElfRelocationType.R_386_GOT32X.Value,
    ];

    void CheckRelocationTypes(List<ElfRelocationTable> tables)
    {
        foreach (var table in tables)
        {
            if (table.IsRelocationWithAddends)
                throw Error($"relocation section {NameOf(table)} has explicit addends (SHT_RELA); i386 objects use SHT_REL with the addend in place");
            CheckRelocationTypes(table);
        }
    }

    void CheckRelocationTypes(ElfRelocationTable table)
    {
        foreach (var r in table.Entries)
        {
            if (Supported(r.Type) is not null) continue;
            var target = table.Info.Section!;
            string what = $"{Where(target, r.Offset)}: relocation {TypeName(r.Type)} against {SymbolName(r.SymbolIndex)}";
            if (gotPlt.Contains(r.Type.Value))
                throw Error($"{what} needs a GOT or PLT (position-independent code): rebuild with -fno-pic -fno-pie");
            if (TypeName(r.Type).StartsWith("R_386_TLS", StringComparison.Ordinal))
                throw Error($"{what}: thread-local storage is not supported");
            throw Error($"{what} is not supported (only R_386_32 and R_386_PC32)");
        }
    }

    static RelocationType? Supported(ElfRelocationType type) =>
        type.Arch != ElfArchEx.I386 ? null
        : type.Value == ElfRelocationType.R_386_32.Value ? RelocationType.R_386_32
        : type.Value == ElfRelocationType.R_386_PC32.Value ? RelocationType.R_386_PC32
        : null;

    static string TypeName(ElfRelocationType type) => type.Name ?? $"type {type.Value}";

    string SymbolName(uint index)
    {
        if (symtab is null || index >= symtab.Entries.Count) return $"symbol #{index}";
        var e = symtab.Entries[(int)index];
        if (e.Type == ElfSymbolType.Section && e.SectionLink.Section is { } s) return NameOf(s);
        return string.IsNullOrEmpty(e.Name.Value) ? $"symbol #{index}" : e.Name.Value;
    }

    ImmutableArray<Relocation> LoadRelocations(List<ElfRelocationTable> tables, SymbolSlot[] slots)
    {
        var all = new List<(ElfSection Target, Relocation Relocation)>();
        foreach (var table in tables)
        {
            var target = table.Info.Section!;
            if (!loaded.TryGetValue(target, out var into))
                throw Error($"relocation section {NameOf(table)} applies to section {NameOf(target)}, which is not loaded");
            if (table.Link.Section != symtab)
                throw Error($"relocation section {NameOf(table)} does not use the symbol table .symtab");
            all.AddRange(table.Entries.Select(r => (target, Load(r, target, into, slots))));
        }
        RejectOverlaps(all);
        return [.. all.Select(x => x.Relocation)];
    }

    /// <summary>Each relocation patches its own 4 bytes: two fields sharing a byte cannot both hold their value.</summary>
    void RejectOverlaps(List<(ElfSection Target, Relocation Relocation)> all)
    {
        foreach (var section in all.GroupBy(x => x.Relocation.Section))
        {
            var sorted = section.OrderBy(x => x.Relocation.Offset).ToList();
            for (int k = 1; k < sorted.Count; k++)
            {
                var (target, r) = sorted[k];
                uint previous = sorted[k - 1].Relocation.Offset;
                if (r.Offset == previous) throw Error($"{Where(target, r.Offset)}: two relocations at the same place");
                if (r.Offset - previous < 4) throw Error($"{Where(target, r.Offset)}: relocation overlaps the one at {NameOf(target)}+0x{previous:x}");
            }
        }
    }

    Relocation Load(ElfRelocation r, ElfSection target, ObjectSection into, SymbolSlot[] slots)
    {
        var type = Supported(r.Type)!.Value;
        string what = $"{Where(target, r.Offset)}: relocation {type}";
        if (into.Bytes.IsDefaultOrEmpty || r.Offset + 4 > (ulong)into.Bytes.Length)
            throw Error($"{what} runs past the end of {into.Name} (0x{into.Bytes.Length:x} bytes of content)");
        if (r.SymbolIndex >= slots.Length)
            throw Error($"{what}: symbol index {r.SymbolIndex} is out of range (the symbol table has {slots.Length} entries)");
        var slot = slots[r.SymbolIndex];
        if (slot.Symbol is null) throw Error($"{what} refers to {slot.Unusable}");
        uint offset = (uint)r.Offset;
        int addend = BinaryPrimitives.ReadInt32LittleEndian(into.Bytes.AsSpan()[(int)offset..]);   // REL: the addend is in place
        return new Relocation(into.Kind, offset, type, slot.Symbol, addend);
    }
}
