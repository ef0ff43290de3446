using System.Collections.Immutable;
using VmxLayers.Code.Elf;
using VmxLayers.Layers;
using VmxLayers.Spec;

namespace VmxLayers.Code;

/// <summary>Where a primitive's code is: the object and its global symbol (in that object's .text).</summary>
public sealed record PrimitiveDefinition(Primitive Primitive, ObjectImage Object, ObjectSymbol Symbol);

/// <summary>
/// The code of the six primitives, possibly from several objects (a user's object and impl/vmx.o for the rest),
/// as <see cref="ImplementationLinker"/> composed it. Every object listed provides at least one primitive; each
/// object keeps its own sections (the executor gives each section its own block).
/// </summary>
public sealed class CodeImplementation
{
    readonly ImmutableDictionary<Primitive, PrimitiveDefinition> definitions;

    internal CodeImplementation(ImmutableArray<ObjectImage> objects, ImmutableDictionary<Primitive, PrimitiveDefinition> definitions)
    {
        Objects = objects;
        this.definitions = definitions;
    }

    /// <summary>The objects whose code runs, user objects first.</summary>
    public ImmutableArray<ObjectImage> Objects { get; }

    /// <summary>The definition of <paramref name="primitive"/> (every primitive has one).</summary>
    public PrimitiveDefinition this[Primitive primitive] => definitions[primitive];

    /// <summary>The six definitions in the layer pair's order.</summary>
    public IEnumerable<PrimitiveDefinition> Definitions => ImplementationLinker.Primitives.Select(p => definitions[p]);

    /// <summary>"vmx_exit from my_exit.o; vmx_readz, … from impl/vmx.o".</summary>
    public override string ToString() => string.Join("; ",
        Definitions.GroupBy(d => d.Object).Select(g => $"{string.Join(", ", g.Select(d => d.Primitive))} from {g.Key.File}"));
}
