using System.Collections.Immutable;
using VmxLayers.Code.Elf;
using VmxLayers.Layers;
using VmxLayers.Spec;

namespace VmxLayers.Code;

/// <summary>
/// The code layer's linker: a user's objects provide any subset of the six primitives, the fallback object
/// (impl/vmx.o) the rest. Like <c>ld</c>, but without resolving between objects: code of this layer may call
/// only the underlay's primitives and use VMX_LOC, so every undefined symbol must be one of those.
/// Every violation is an <see cref="ObjectFileError"/> naming the object and the symbol.
/// </summary>
public static class ImplementationLinker
{
    /// <summary>The primitives an implementation provides: the layer pair's six.</summary>
    public static IEnumerable<Primitive> Primitives => VmxLayerPair.Primitives.Select(d => d.Primitive);

    public static CodeImplementation Link(IReadOnlyList<ObjectImage> user, ObjectImage fallback)
    {
        foreach (var o in user.Append(fallback)) CheckSymbols(o);
        var owners = UserDefinitions(user);
        foreach (var s in fallback.GlobalDefinitions)
            if (!IsPrimitive(s.Name) && owners.TryGetValue(s.Name, out var clash))
                throw new ObjectFileError(clash.File, $"symbol {s.Name} is also defined in {fallback.File}");
        var definitions = ImmutableDictionary.CreateBuilder<Primitive, PrimitiveDefinition>();
        foreach (var p in Primitives)
        {
            var from = owners.TryGetValue(p.Name, out var o) ? o : fallback;
            var symbol = from.Definition(p.Name) ?? throw new ObjectFileError(fallback.File, $"does not define the primitive {p}, and no other object does");
            definitions[p] = new PrimitiveDefinition(p, from, symbol);
        }
        // the fallback's code runs only for the primitives the user's objects leave out
        bool fallbackUsed = definitions.Values.Any(d => d.Object == fallback) && !user.Contains(fallback);
        ImmutableArray<ObjectImage> objects = fallbackUsed ? [.. user, fallback] : [.. user];
        return new CodeImplementation(objects, definitions.ToImmutable());
    }

    static bool IsPrimitive(string name) => Primitives.Any(p => p.Name == name);

    /// <summary>Which user object defines each global; a symbol defined by two of them is an error.</summary>
    static Dictionary<string, ObjectImage> UserDefinitions(IReadOnlyList<ObjectImage> user)
    {
        var owners = new Dictionary<string, ObjectImage>(StringComparer.Ordinal);
        foreach (var o in user)
        {
            foreach (var s in o.GlobalDefinitions)
                if (!owners.TryAdd(s.Name, o))
                    throw new ObjectFileError(o.File, $"symbol {s.Name} is also defined in {owners[s.Name].File}");
            if (!Primitives.Any(p => o.Definition(p.Name) is not null))
                throw new ObjectFileError(o.File, $"defines none of the primitives {string.Join(", ", Primitives)} (as global symbols)");
        }
        return owners;
    }

    /// <summary>Undefined symbols are the underlay's; the underlay's names are not redefined; primitives are code in .text.</summary>
    static void CheckSymbols(ObjectImage o)
    {
        foreach (var s in o.Undefined)
            if (!UnderlaySymbols.IsExternal(s.Name))
                throw new ObjectFileError(o.File, $"undefined symbol {s.Name}{UsedAt(o, s)}: code of this layer may use only the underlay's primitives ({UnderlaySymbols.PrimitiveList}) and {UnderlaySymbols.VmxLoc}");
        foreach (var s in o.GlobalDefinitions)
        {
            if (UnderlaySymbols.IsExternal(s.Name))
                throw new ObjectFileError(o.File, $"defines {s.Name}, which the underlay VMCSInit provides");
            if (!IsPrimitive(s.Name)) continue;
            if (s.Section != SectionKind.Text)
                throw new ObjectFileError(o.File, $"the primitive {s.Name} is defined in {s.Section!.Value.SectionName()}, not in .text");
            if (s.Kind == SymbolKind.Object)
                throw new ObjectFileError(o.File, $"the primitive {s.Name} is a data object (STT_OBJECT), not code");
        }
    }

    static string UsedAt(ObjectImage o, ObjectSymbol s) =>
        o.Relocations.FirstOrDefault(r => r.Symbol == s) is { } r ? $" (used at {o.Describe(r.Section, r.Offset)})" : "";
}
