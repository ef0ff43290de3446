using System.Collections.Immutable;
using VmxLayers.Cases;
using VmxLayers.Semantics;
using VmxLayers.Spec;

namespace VmxLayers.Layers;

/// <summary>
/// Vertical composition of two refinements sharing their middle layer (L1 ⊑ L2 and L2 ⊑ L3 give L1 ⊑ L3, CertiKOS's
/// vertical composition rule): here code ⊑ VMCSInit then VMCSInit ⊑ PVMXIntro. The composed relation is
/// ∃ m. R_upper(high, m) ∧ R_lower(m, low); a concrete check takes as m the middle layer's own run, which is the
/// only candidate (the specs are deterministic). Its cases are the upper step's (PVMXIntro over VMCSInit), the
/// bottom layer starting in the middle state (<see cref="LowerCase"/>: the identity relates it to itself).
/// </summary>
public sealed record ComposedRefinement
{
    public RefinementDef Lower { get; }
    public RefinementDef Upper { get; }

    /// <summary>Throws <see cref="ArgumentException"/> unless the lower step's upper layer is the upper step's lower layer, spec for spec.</summary>
    public ComposedRefinement(RefinementDef lower, RefinementDef upper)
    {
        if (lower.Upper.Name != upper.Lower.Name)
            throw new ArgumentException($"{lower.Name} and {upper.Name} do not share their middle layer ({lower.Upper.Name} vs {upper.Lower.Name})");
        foreach (var p in upper.Primitives)
            if (lower.Find(p.Name) is { } d && !ReferenceEquals(lower.Upper.Spec(d.Primitive), upper.Lower.Spec(p.Primitive)))
                throw new ArgumentException($"the middle layer {upper.Lower.Name} has another spec of {p.Name} in {lower.Name} than in {upper.Name}");
        (Lower, Upper) = (lower, upper);
        Primitives = [.. upper.Primitives.Where(p => lower.Find(p.Name) is not null)];
    }

    /// <summary>The primitives both steps cover, as the upper step defines them (its cases are the composed cases).</summary>
    public ImmutableArray<PrimitiveDef> Primitives { get; }

    /// <summary>The shared layer (VMCSInit).</summary>
    public Layer Middle => Upper.Lower;

    /// <summary>"code ⊑ PVMXIntro": the bottom layer's short name as the lower step names it, under the top layer.</summary>
    public string Name => $"{Lower.Name.Split(" ⊑ ")[0]} ⊑ {Upper.Upper.Name}";

    /// <summary>The composed relation in words.</summary>
    public string RelationText => $"∃ {Middle.Name} state m. ({Upper.Relation.Name})(high, m) ∧ ({Lower.Relation.Name})(m, low)";

    /// <summary>The primitive definition of that name, or null.</summary>
    public PrimitiveDef? Find(string name) => Primitives.FirstOrDefault(p => p.Name == name);

    /// <summary>
    /// The lower step's case for a composed case: its middle (VMCSInit) state on both sides, with the lower step's
    /// registers for a C call (its callee-saved markers and stack pointer), an asm call's registers as given.
    /// </summary>
    public ConcreteCase LowerCase(ConcreteCase c)
    {
        var def = Lower.Def(c.Prim);
        var regs = c.Prim.IsAsm ? c.RegsLow : def.DefaultRegs(c.Cpu, c.RegsLow[Preg.ESP].IsUndef ? Val.Vint(0x1000) : c.RegsLow[Preg.ESP]);
        return c with { Sides = def.Sides, RegsLow = regs, RegsHigh = regs };
    }

    public override string ToString() => Name;
}
