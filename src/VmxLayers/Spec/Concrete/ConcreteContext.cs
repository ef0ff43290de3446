using VmxLayers.Constants;
using VmxLayers.Semantics;

namespace VmxLayers.Spec.Concrete;

/// <summary>What a failing instance of a relation clause ranges over.</summary>
public enum WitnessKind
{
    /// <summary>A VMX slot: <see cref="ClauseWitness.Cpu"/> (−1 for the current CPU) and <see cref="ClauseWitness.Index"/> = the slot.</summary>
    Slot,
    /// <summary>A VMCS encoding: <see cref="ClauseWitness.Cpu"/> and <see cref="ClauseWitness.Index"/> = the encoding.</summary>
    VmcsField,
    /// <summary>A clause without an index (the memory clauses, a CPU's flags): only <see cref="ClauseWitness.Where"/>.</summary>
    Whole,
}

/// <summary>Where a relation clause failed: its name, the instance in words, and its coordinates.</summary>
public readonly record struct ClauseWitness(string Clause, string Where, WitnessKind Kind = WitnessKind.Whole, long Cpu = -1, long Index = -1);

/// <summary>Shared, mutable side of the concrete domain: configuration, the injection, and the last failure.</summary>
public sealed class ConcreteContext(Genv genv, MemInj inject)
{
    public Genv Genv { get; } = genv;
    public MemInj Inject { get; set; } = inject;
    /// <summary>The guard that failed last (the reason a step has no behaviour).</summary>
    public string? Why { get; set; }
    /// <summary>The first failing instance of the last quantifier that failed, per clause.</summary>
    public Dictionary<string, string> Witness { get; } = [];
    /// <summary>
    /// When set, quantifiers do not stop at the first failing instance: every failing instance is appended here (a
    /// report's list of every place the layers differ, computed by the relation's own clauses).
    /// </summary>
    public List<ClauseWitness>? AllFailures { get; set; }
    /// <summary>When set, the domain's state updates record where they wrote (the co-simulation's incremental check).</summary>
    public TouchLog? Touched { get; set; }
}
