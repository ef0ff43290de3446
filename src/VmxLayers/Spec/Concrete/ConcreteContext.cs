using VmxLayers.Semantics;

namespace VmxLayers.Spec.Concrete;

/// <summary>Shared, mutable side of the concrete domain: configuration, the injection, and the last failure.</summary>
public sealed class ConcreteContext(Genv genv, MemInj inject, MutantId mutant = MutantId.None)
{
    public Genv Genv { get; } = genv;
    public MemInj Inject { get; set; } = inject;
    public MutantId Mutant { get; } = mutant;
    /// <summary>The guard that failed last (the reason a step has no behaviour).</summary>
    public string? Why { get; set; }
    /// <summary>The first failing instance of the last quantifier that failed, per clause.</summary>
    public Dictionary<string, string> Witness { get; } = [];
    /// <summary>When set, the domain's state updates record where they wrote (the co-simulation's incremental check).</summary>
    public TouchLog? Touched { get; set; }
}
