using VmxLayers.Cases;
using VmxLayers.Constants;
using VmxLayers.Layers;
using VmxLayers.Machine;
using VmxLayers.Primitives;
using VmxLayers.Refinement;
using VmxLayers.Semantics;
using VmxLayers.Spec.Concrete;

namespace VmxLayers.Mutants;

/// <summary>
/// A case the relation's own tests use (named by <see cref="Test"/>): a relation mutant is killed there when the
/// mutated relation judges the case differently from the real one, so that test would fail.
/// </summary>
/// <param name="Test">The test that asserts the real relation's verdict on this case.</param>
/// <param name="What">What the case breaks (or keeps).</param>
/// <param name="Holds">Evaluates the relation (a hypothesis, a clause, or a replayed step) on the case under a refinement.</param>
public sealed record RelationProbe(string Test, string What, Func<RefinementDef, bool> Holds)
{
    /// <summary>The real relation's verdict on the case.</summary>
    public bool Expected => Holds(VmxLayerPair.Refinement);

    /// <summary>True when the mutant flips the verdict, i.e. the test would fail under it.</summary>
    public bool Kills(Mutant m) => Holds(m.On(VmxLayerPair.Refinement)) != Expected;
}

/// <summary>The relation's own test cases, re-run under each relation mutant for the kill matrix.</summary>
public static class RelationProbes
{
    static CaseBuilder Case(int totalCpu = 2) => new CaseBuilder(CPrimitiveDefs.VmxReadz, totalCpu, 1, BlockLayout.Shifted).Args(ValuePair.Int(5));

    static bool Hypothesis(CaseBuilder b, RefinementDef r)
    {
        var c = b.Build();
        var w = c.ToWorld();
        var d = w.Domain();
        return r.Relation.Code<CTerm, ConcreteDomain>().Hypothesis(ref d, c.Prim, c.ToInput(w)).Raw.B;
    }

    /// <summary>The lemma's match clause alone, outside the hypothesis (whose layer invariants would hide the difference).</summary>
    static bool MatchAlone(CaseBuilder b, RefinementDef r)
    {
        var w = b.Build().ToWorld();
        var d = w.Domain();
        var s = w.Pair(1);
        return ((VmxRelation)r.Relation).Code<CTerm, ConcreteDomain>().Match(ref d, s.High, s.MemLow).Raw.B;
    }

    /// <summary>The whole-world relation replay and the co-simulation check (match_all and the rest).</summary>
    static bool WorldRelated(CaseBuilder b, RefinementDef r) => WorldRelation.Check(b.Build().ToWorld(), (VmxRelation)r.Relation) is null;

    /// <summary>Replays vmx_exit under a low spec that also stores into the next CPU's area: related afterwards?</summary>
    static bool StrayStoreRelated(RefinementDef r, int totalCpu)
    {
        var stray = MutantCatalog.Get("exit-stores-into-next-cpu").On(r);
        var w = World.Initial(totalCpu, stackBlocks: 1);
        var regs = AsmPrimitiveDefs.VmxExit.DefaultRegs(0, Val.Vptr(Genv.Next, 32u)).Set(Preg.EAX, Val.Vint(0xE));
        return Lockstep.Call(w, 0, stray.Statement(VmxExit.Primitive), [], regs).Related;
    }

    public static readonly IReadOnlyList<RelationProbe> All =
    [
        new("ClauseDetectionTests.RelateVmcsDetectsAFieldThatDoesNotInject", "the current CPU's VMCS EXIT_REASON unrelated (Vint 1 ↦ Vint 2)",
            r => Hypothesis(Case().Vmcs(VmcsFields.EXIT_REASON, new(Val.Vint(1), Val.Vint(2))), r)),
        new("ClauseDetectionTests.MatchDetectsAWordThatIsNotWritable", "the current CPU's low save area Readable, not Writable",
            r => Hypothesis(Case().ReadOnlyArea(1), r)),
        new("ClauseDetectionTests.MatchAllDetectsAnotherCpusSlot", "another CPU's slot 27 unrelated (Vint 1 ↦ Vint 2)",
            r => WorldRelated(Case().Slot(0, 27, new(Val.Vint(1), Val.Vint(2))), r)),
        new("ClauseDetectionTests.MatchAllDetectsTheLastCpusSlot", "the last of three CPUs' slot 3 unrelated (Vint 1 ↦ Vint 2)",
            r => WorldRelated(Case(3).Slot(2, 3, new(Val.Vint(1), Val.Vint(2))), r)),
        new("RelationProbeTests.MatchComparesLoadResultOfTheHighSlot", "a high slot holding a Vlong over a low Vundef word (load_result Mint32 makes it Vundef)",
            r => MatchAlone(Case().Slot(1, 3, new(Val.Vlong(new Semantics.Int64(5)), Val.Vundef)), r)),
        new("RelationProbeTests.ReplayCatchesAStoreIntoTheLastCpusArea", "replay: CPU 0 of 2 runs a vmx_exit that also stores into CPU 1's slot 0",
            r => StrayStoreRelated(r, 2)),
    ];

    /// <summary>The first probe the mutant flips, or null.</summary>
    public static RelationProbe? Killer(Mutant m) => All.FirstOrDefault(p => p.Kills(m));
}
