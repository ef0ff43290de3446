using VmxLayers.Checking;
using VmxLayers.Layers;
using VmxLayers.Machine;
using VmxLayers.Refinement;
using VmxLayers.Semantics;
using VmxLayers.Spec;
using VmxLayers.Spec.Concrete;

namespace VmxLayers.Mutants;

/// <summary>
/// A case the relation's own unit tests use (named by <see cref="Test"/>): a relation mutant is killed there
/// when the mutated relation judges the case differently from the real one, so that test would fail.
/// </summary>
/// <param name="Test">The unit test that asserts the real relation's verdict on this case.</param>
/// <param name="What">What the case breaks (or keeps).</param>
/// <param name="Holds">Evaluates the relation (hypothesis or one clause) on the case under a mutant.</param>
public sealed record RelationProbe(string Test, string What, Func<MutantId, bool> Holds)
{
    /// <summary>The real relation's verdict on the case.</summary>
    public bool Expected => Holds(MutantId.None);

    /// <summary>True when the mutant flips the verdict, i.e. the test would fail under it.</summary>
    public bool Kills(MutantId m) => Holds(m) != Expected;
}

/// <summary>The relation's own test cases, re-run under each relation mutant for the kill matrix.</summary>
public static class RelationProbes
{
    static CaseBuilder Case() => new CaseBuilder(Prim.vmx_readz, 2, 1, BlockLayout.Shifted).Args(ValuePair.Int(5));

    static bool Hypothesis(CaseBuilder b, MutantId m)
    {
        var c = b.Build(m);
        var w = c.ToWorld();
        var d = w.Domain();
        return Simulation.Hypothesis<CTerm, ConcreteDomain>(ref d, c.Prim, c.ToInput(w)).B;
    }

    /// <summary>Only the match clause, outside the hypothesis (whose layer invariants would hide the difference).</summary>
    static bool MatchAlone(CaseBuilder b, MutantId m)
    {
        var w = b.Build(m).ToWorld();
        var d = w.Domain();
        var s = w.Pair(1);
        return Relation.Match<CTerm, ConcreteDomain>(ref d, s.High, s.MemLow).B;
    }

    public static readonly IReadOnlyList<RelationProbe> All =
    [
        new("ClauseDetectionTests.RelateVmcsDetectsAFieldThatDoesNotInject", "the current CPU's VMCS EXIT_REASON unrelated (Vint 1 ↦ Vint 2)",
            m => Hypothesis(Case().Vmcs(VmcsFields.EXIT_REASON, new(Val.Vint(1), Val.Vint(2))), m)),
        new("ClauseDetectionTests.MatchDetectsAWordThatIsNotWritable", "the current CPU's low save area Readable, not Writable",
            m => Hypothesis(Case().ReadOnlyArea(1), m)),
        new("ClauseDetectionTests.MatchDetectsAnotherCpusSlotAndOnlyTheAllCpuClauseFails", "another CPU's slot 27 unrelated (Vint 1 ↦ Vint 2)",
            m => Hypothesis(Case().Slot(0, 27, new(Val.Vint(1), Val.Vint(2))), m)),
        new("RelationProbeTests.MatchComparesLoadResultOfTheHighSlot", "a high slot holding a Vlong over a low Vundef word (load_result Mint32 makes it Vundef)",
            m => MatchAlone(Case().Slot(1, 3, new(Val.Vlong(new Semantics.Int64(5)), Val.Vundef)), m)),
    ];

    /// <summary>The first probe the mutant flips, or null.</summary>
    public static RelationProbe? Killer(MutantId m) => All.FirstOrDefault(p => p.Kills(m));
}
