using System.Collections.Immutable;
using VmxLayers.Spec;

namespace VmxLayers.Layers;

/// <summary>
/// A layer as a value (CertiKOS's layer interface): its name, what its abstract data holds, and the spec of each
/// primitive it offers. A variant of the layer replaces one spec (<see cref="With"/>).
/// </summary>
public sealed record Layer(string Name, string AbstractData, ImmutableArray<PrimSpec> Specs)
{
    /// <summary>The layer's spec of p; throws if the layer does not offer p.</summary>
    public PrimSpec Spec(Primitive p) =>
        Specs.FirstOrDefault(s => s.Primitive == p) ?? throw new KeyNotFoundException($"layer {Name} has no primitive {p.Name}");

    public bool Offers(Primitive p) => Specs.Any(s => s.Primitive == p);

    /// <summary>This layer with <paramref name="spec"/> in place of its spec of the same primitive, or added if it has none.</summary>
    public Layer With(PrimSpec spec)
    {
        int k = Specs.IndexOf(Specs.FirstOrDefault(s => s.Primitive == spec.Primitive)!);
        return this with { Specs = k >= 0 ? Specs.SetItem(k, spec) : Specs.Add(spec) };
    }

    public override string ToString() => Name;
}
