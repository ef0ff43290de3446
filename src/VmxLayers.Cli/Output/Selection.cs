using VmxLayers.Cases;
using VmxLayers.Layers;
using VmxLayers.Mutants;
using VmxLayers.Smt.Solvers;

namespace VmxLayers.Cli.Output;

/// <summary>Resolves the options every command shares: the refinement (under --mutant), the primitives (--primitive), the solver.</summary>
static class Selection
{
    /// <summary>The layer pair's refinement, or its mutant's; null, or the error line.</summary>
    public static string? Refinement(string command, string? mutantName, out RefinementDef refinement, out Mutant? mutant)
    {
        refinement = VmxLayerPair.Refinement;
        mutant = null;
        if (mutantName is null) return null;
        if (!MutantCatalog.TryParse(mutantName, out var m)) return $"{command}: --mutant: unknown mutant '{mutantName}' (see mutants --list)";
        (refinement, mutant) = (m.On(VmxLayerPair.Refinement), m);
        return null;
    }

    /// <summary>Every primitive of the refinement, or the one named; null, or the error line.</summary>
    public static string? Primitives(string command, RefinementDef refinement, string? name, out PrimitiveDef[] defs)
    {
        defs = [.. refinement.Primitives];
        if (name is null) return null;
        if (refinement.Find(name) is not { } def) return $"{command}: --primitive: unknown primitive '{name}' (known: {string.Join(", ", refinement.Names)})";
        defs = [def];
        return null;
    }

    /// <summary>The solver named, available on this machine; null, or the error line.</summary>
    public static string? Solver(string command, string name, out SolverKind kind)
    {
        if (!SolverFactory.TryParse(name, out kind)) return $"{command}: --solver: unknown solver '{name}' (expected one of: {string.Join(", ", SolverFactory.Names)})";
        if (!SolverFactory.IsAvailable(name, out var why)) return $"{command}: --solver {name}: not available: {why}";
        return null;
    }

    public const string PairStep = "vmcsinit:pvmxintro", CodeStep = "code:vmcsinit", ComposedStep = "code:pvmxintro";

    /// <summary>The refinements --layers may name: the layer pair, the code under VMCSInit, their composition.</summary>
    public static readonly string[] LayerSteps = [PairStep, CodeStep, ComposedStep];

    /// <summary>prove's steps without --layers: all three; the pair alone under --mutant (a spec mutant is about it); the code and the composition under --impl.</summary>
    public static HashSet<string> DefaultLayers(bool impl, bool mutant) =>
        mutant ? [PairStep] : impl ? [CodeStep, ComposedStep] : [PairStep, CodeStep, ComposedStep];

    /// <summary>The refinement steps --layers names (the default without it), or null for an unknown one.</summary>
    public static HashSet<string>? Layers(string? text, HashSet<string> defaults)
    {
        if (text is null) return defaults;
        var steps = text.Split(',', StringSplitOptions.TrimEntries).Select(x => x.ToLowerInvariant()).ToHashSet();
        return steps.Count > 0 && steps.All(LayerSteps.Contains) ? steps : null;
    }
}
