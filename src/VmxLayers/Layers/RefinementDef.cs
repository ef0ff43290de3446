using System.Collections.Immutable;
using VmxLayers.Cases;
using VmxLayers.Refinement;
using VmxLayers.Spec;

namespace VmxLayers.Layers;

/// <summary>
/// A refinement as a value (CertiKOS's layer judgement L_low ⊢_R M : L_high): the lower layer, the upper layer, the
/// relation between their states, and the primitives whose upper specs the lower layer implements (its spec of the
/// same primitive is the implementation). Every checker, the prover, replay and the co-simulation take one of these;
/// a mutant is another one (<see cref="WithUpper"/>, <see cref="WithLower"/>, <see cref="WithRelation"/>).
/// </summary>
public sealed record RefinementDef(string Name, Layer Lower, Layer Upper, RelationDef Relation, ImmutableArray<PrimitiveDef> Primitives)
{
    /// <summary>The simulation statement of one primitive.</summary>
    public SimStatement Statement(Primitive p) => new(p, Upper.Spec(p), Lower.Spec(p), Relation);

    public SimStatement Statement(PrimitiveDef def) => Statement(def.Primitive);

    /// <summary>The primitive definition of that name, or null.</summary>
    public PrimitiveDef? Find(string name) => Primitives.FirstOrDefault(p => p.Name == name);

    /// <summary>The primitive definition of p; throws if the refinement does not cover p.</summary>
    public PrimitiveDef Def(Primitive p) =>
        Primitives.FirstOrDefault(d => d.Primitive == p) ?? throw new KeyNotFoundException($"{Name} does not cover {p.Name}");

    /// <summary>The names of the primitives, in order.</summary>
    public IEnumerable<string> Names => Primitives.Select(p => p.Name);

    public RefinementDef WithUpper(PrimSpec spec) => this with { Upper = Upper.With(spec) };
    public RefinementDef WithLower(PrimSpec spec) => this with { Lower = Lower.With(spec) };
    public RefinementDef WithRelation(RelationDef relation) => this with { Relation = relation };

    /// <summary>This refinement with one more primitive: its definition, its upper spec and its implementation.</summary>
    public RefinementDef With(PrimitiveDef def, PrimSpec upper, PrimSpec lower)
    {
        if (upper.Primitive != def.Primitive || lower.Primitive != def.Primitive) throw new ArgumentException($"the specs of {def.Name} must be specs of {def.Name}");
        if (Find(def.Name) is not null) throw new ArgumentException($"{Name} already has a primitive {def.Name}");
        return this with { Upper = Upper.With(upper), Lower = Lower.With(lower), Primitives = Primitives.Add(def) };
    }

    public override string ToString() => Name;
}
