using VmxLayers.Cases;
using VmxLayers.Checking;
using VmxLayers.Constants;
using VmxLayers.Machine;
using VmxLayers.Refinement;
using VmxLayers.Semantics;
using VmxLayers.Spec;
using VmxLayers.Spec.Concrete;

namespace VmxLayers.Tests.Refinement;

/// <summary>Each clause of the relation detects its own breakage, and reports the clause and a witness.</summary>
public class ClauseDetectionTests
{
    static CaseBuilder Case(PrimitiveDef? p = null) => new CaseBuilder(p ?? Prims.vmx_readz, 2, 1, BlockLayout.Shifted).Args(ValuePair.Int(5));

    static VmxRelation Relation => (VmxRelation)Prims.Real.Relation;

    static (bool Holds, ConcreteContext Ctx) Hypothesis(ConcreteCase c)
    {
        var w = c.ToWorld();
        var d = w.Domain();
        var hyp = Relation.Code<CTerm, ConcreteDomain>().Hypothesis(ref d, c.Prim, c.ToInput(w));
        return (hyp.Raw.B, w.Context);
    }

    delegate Bool<CTerm> Clause(ref ConcreteDomain d, VmxRelationCode<CTerm, ConcreteDomain> r, LayerPair<CTerm> s);

    static (bool Holds, ConcreteContext Ctx) Check(World w, Clause clause)
    {
        var d = w.Domain();
        return (clause(ref d, Relation.Code<CTerm, ConcreteDomain>(), w.Pair(1)).Raw.B, w.Context);
    }

    [Fact]
    public void BackgroundCaseSatisfiesTheHypothesis() => Assert.True(Hypothesis(Case().Build()).Holds);

    [Fact]
    public void RelateFlagsDetectsAFlagThatDiffers()
    {
        var w = Case().Build().ToWorld();
        w = w with { Low = w.Low with { Flags = w.Low.Flags.SetItem(1, CpuFlags.AllTrue with { Pg = false }) } };
        Assert.False(Check(w, (ref d, r, s) => r.RelateFlags(ref d, s.High, s.Low)).Holds);
        Assert.True(Check(w, (ref d, r, s) => r.RelateVmcs(ref d, s.High, s.Low)).Holds);
        Assert.StartsWith(VmxRelation.RelateFlags + ": CPU 1", WorldRelation.Check(w, Relation));
    }

    [Fact]
    public void RelateVmcsDetectsAFieldThatDoesNotInject()
    {
        var (holds, ctx) = Hypothesis(Case().Vmcs(VmcsFields.EXIT_REASON, new(Val.Vint(1), Val.Vint(2))).Build());
        Assert.False(holds);
        Assert.Equal("CPU 1, VMCS field 0x4402 (EXIT_REASON)", ctx.Witness[VmxRelation.RelateVmcs]);
    }

    [Fact]
    public void RelateVmcsDetectsADifferentRevid()
    {
        var w = Case().Build().ToWorld();
        var vmcs = w.Low.Vmcs.Set(0, w.Low.Vmcs[0] with { Revid = Val.Vint(9) });
        w = w with { Low = w.Low with { Vmcs = vmcs } };
        var (holds, ctx) = Check(w, (ref d, r, s) => r.RelateVmcs(ref d, s.High, s.Low));
        Assert.False(holds);
        // revid/abrtid are compared together with every field, so the first field of CPU 0 is the witness
        Assert.Equal("CPU 0, VMCS field 0x0000 (VPID)", ctx.Witness[VmxRelation.RelateVmcs]);
    }

    /// <summary>SPEC §4: every encoding present on either side is compared, valid or not (high 0x9999 = 1, low 0x9999 = 2 is unrelated).</summary>
    [Fact]
    public void RelateVmcsComparesAnEncodingOutsideTheValidSet()
    {
        var w = Case().Build().ToWorld();
        w = w with
        {
            High = w.High with { Vmcs = w.High.Vmcs.Set(1, w.High.Vmcs[1].Set(0x9999, Val.Vint(1))) },
            Low = w.Low with { Vmcs = w.Low.Vmcs.Set(1, w.Low.Vmcs[1].Set(0x9999, Val.Vint(2))) },
        };
        var (holds, ctx) = Check(w, (ref d, r, s) => r.RelateVmcs(ref d, s.High, s.Low));
        Assert.False(holds);
        Assert.Equal("CPU 1, VMCS encoding 0x9999 (not a valid encoding)", ctx.Witness[VmxRelation.RelateVmcs]);
        Assert.StartsWith(VmxRelation.RelateVmcs, WorldRelation.Check(w, Relation));
        // present on the high side only: the low side's default Vundef does not take a Vint's place
        var plain = Case().Build().ToWorld();
        var oneSided = plain with { High = plain.High with { Vmcs = plain.High.Vmcs.Set(1, plain.High.Vmcs[1].Set(0x9999, Val.Vint(2))) } };
        Assert.StartsWith(VmxRelation.RelateVmcs, WorldRelation.Check(oneSided, Relation));
    }

    [Fact]
    public void MatchDetectsALoadThatFails()
    {
        var w = Case().Build().ToWorld();
        var oneCpu = new CaseBuilder(Prims.vmx_readz, 1, 0, BlockLayout.Shifted).Build().ToWorld();
        w = w with { Low = w.Low with { Mem = oneCpu.Low.Mem } };   // VMX_LOC only has CPU 0's area
        var (holds, ctx) = Check(w, (ref d, r, s) => r.Match(ref d, s.High, s.MemLow));
        Assert.False(holds);
        Assert.Equal("slot 0 (G_RAX)", ctx.Witness[VmxRelation.Match]);
        Assert.False(Check(w, (ref d, r, s) => r.MatchAll(ref d, s.High, s.MemLow)).Holds);
        Assert.Equal("CPU 1, slot 0 (G_RAX)", ctx.Witness[VmxRelation.MatchAll]);
    }

    [Fact]
    public void MatchDetectsAWordThatIsNotWritable()
    {
        var (holds, ctx) = Hypothesis(Case().ReadOnlyArea(1).Build());
        Assert.False(holds);
        Assert.Equal("slot 0 (G_RAX)", ctx.Witness[VmxRelation.Match]);
    }

    [Fact]
    public void MatchDetectsASlotThatDoesNotInject()
    {
        var (holds, ctx) = Hypothesis(Case().Slot(12, new(Val.Vint(1), Val.Vint(2))).Build());
        Assert.False(holds);
        Assert.Equal("slot 12 (G_RBP)", ctx.Witness[VmxRelation.Match]);
    }

    /// <summary>The lemmas' match is the seed's, for the current CPU only; match_all, which replay checks, sees every CPU.</summary>
    [Fact]
    public void MatchAllDetectsAnotherCpusSlot()
    {
        var c = Case().Slot(0, 27, new(Val.Vint(1), Val.Vint(2))).Build();
        Assert.True(Hypothesis(c).Holds);
        Assert.Equal("match_all: CPU 0, slot 27 (EXIT_REASON)", WorldRelation.Check(c.ToWorld(), Relation));
    }

    [Fact]
    public void MatchAllDetectsTheLastCpusSlot()
    {
        var w = new CaseBuilder(Prims.vmx_readz, 3, 0, BlockLayout.Shifted).Slot(2, 3, new(Val.Vint(1), Val.Vint(2))).Build().ToWorld();
        Assert.Equal("match_all: CPU 2, slot 3 (G_RBX_HI)", WorldRelation.Check(w, Relation));
    }

    [Fact]
    public void MemoryClausesDetectAnInjectionIntoAMissingBlock()
    {
        var c = Case().Build() with { HighBlocks = 2, LowBlocks = 1, Inject = [(4, 4), (5, 5)] };
        var (holds, ctx) = Hypothesis(c);
        Assert.False(holds);
        Assert.StartsWith("Mem.inject f mH mL", ctx.Witness[VmxRelation.Memory]);
    }

    [Fact]
    public void MemoryClausesDetectABackwardMapping()
    {
        var c = Case().Build() with { HighBlocks = 2, LowBlocks = 2, Inject = [(4, 5), (5, 4)] };
        var (holds, ctx) = Hypothesis(c);
        Assert.False(holds);
        Assert.Equal("forward injection: f maps block 5 to (4, 0)", ctx.Witness[VmxRelation.Memory]);
    }

    [Fact]
    public void InvariantsDetectASlotThatIsNotNeutral()
    {
        var (holds, ctx) = Hypothesis(Case().Slot(0, 3, ValuePair.Same(Val.Vlong(new VmxLayers.Semantics.Int64(7)))).Build());
        Assert.False(holds);
        Assert.Equal("CPU 0, slot 3 (G_RBX_HI)", ctx.Witness[VmxRelation.HighInvariant]);
    }

    [Fact]
    public void InvariantsDetectAPointerPastNextblock()
    {
        var (holds, ctx) = Hypothesis(Case().Slot(1, 8, ValuePair.Same(Val.Vptr(40, 0u))).Build());
        Assert.False(holds);
        // the all-CPU and the current-CPU invariant share the clause name; the current one reports last
        Assert.Equal("slot 8 (G_RSI)", ctx.Witness[VmxRelation.HighInvariant]);
    }

    [Fact]
    public void RegistersMustInjectAndLowRegistersMustBeTyped()
    {
        Assert.True(Hypothesis(Case(Prims.vmx_exit).Build()).Holds);
        Assert.False(Hypothesis(Case(Prims.vmx_exit).Reg(Preg.EAX, new(Val.Vint(1), Val.Vint(2))).Build()).Holds);
        Assert.False(Hypothesis(Case(Prims.vmx_exit).Reg(Preg.XMM0, new(Val.Vundef, Val.Vint(2))).Build()).Holds);
        Assert.True(Hypothesis(Case(Prims.vmx_exit).Reg(Preg.EAX, new(Val.Vundef, Val.Vint(2))).Build()).Holds);
    }

    // ---- conclusions: the clause a wrong low spec violates, and the counterexample diff ----

    static CaseOutcome Outcome(CaseBuilder b, string mutant)
    {
        var o = CaseCheck.Evaluate(Prims.Statement(b.Def, mutant), b.Build());
        Assert.Equal(CaseStatus.Violated, o.Status);
        return o;
    }

    [Fact]
    public void WrongSlotViolatesMatchAndTheDiffNamesBothSlots()
    {
        var o = Outcome(Case(Prims.vmx_exit).Reg(Preg.EBX, ValuePair.Int(42)), "exit-stores-ebx-into-slot4");
        Assert.Equal([VmxRelation.Match], o.Violated);
        var cx = new Counterexample(Backend.Exhaustive, o);
        Assert.Equal("slot 2 (G_RBX)", cx.Witnesses[VmxRelation.Match]);
        var diff = cx.Diff.ToDictionary(d => d.Where);
        Assert.Equal(("42", "258"), (diff["CPU 1 slot 2 (G_RBX)"].High, diff["CPU 1 slot 2 (G_RBX)"].Low));
        Assert.Equal(("260", "42"), (diff["CPU 1 slot 4 (G_RCX)"].High, diff["CPU 1 slot 4 (G_RCX)"].Low));
        Assert.Equal(2, cx.Failures.Count);
    }

    [Fact]
    public void SkippedHostoutViolatesRelateFlags()
    {
        var o = Outcome(Case(Prims.vmx_enter), "enter-skips-hostout");
        Assert.Equal([VmxRelation.RelateFlags], o.Violated);
        Assert.Contains(StateDiff.Of(o), d => d is { Where: "CPU 1 flags and CPU id", High: "ikern=1 ihost=0 pg=1 init=1 cpu=1", Low: "ikern=1 ihost=1 pg=1 init=1 cpu=1" });
    }

    [Fact]
    public void WrongVmcsFieldViolatesRelateVmcs()
    {
        var o = Outcome(Case(Prims.vmx_enter_pre).Slot(VmxSlots.G_RIP, ValuePair.Int(77)), "enter-pre-writes-guest-rsp");
        Assert.Equal([VmxRelation.RelateVmcs], o.Violated);
        Assert.Equal("CPU 1, VMCS field 0x681C (GUEST_RSP)", o.Witness[VmxRelation.RelateVmcs]);
        Assert.Contains(StateDiff.Of(o), d => d is { Where: "CPU 1 VMCS 0x681E (GUEST_RIP)", High: "77", Low: "0" });
    }

    [Fact]
    public void SwappedRegistersViolateTheRegisterClauses()
    {
        var o = Outcome(Case(Prims.vmx_exit), "exit-swaps-host-ebp-edi");
        Assert.Equal(["register EDI", "register EBP"], o.Violated);
        Assert.Contains(StateDiff.Of(o), d => d is { Where: "register EDI", High: "290", Low: "289" });
    }

    [Fact]
    public void ALowStepThatFailsIsReportedWithItsReason()
    {
        var o = Outcome(Case(Prims.vmx_exit), "exit-stores-into-next-cpu");   // CPU 1 of 2: no CPU 2 area
        Assert.Equal([CaseCheck.LowStepFails], o.Violated);
        Assert.Equal("vmx_exit (low): Mint32 store into the next CPU's slot 0 fails", o.LowWhy);
    }

    [Fact]
    public void IndexTheHighSpecWronglyAcceptsIsRefusedByTheLowSpec()
    {
        var p = Outcome(Case().Args(ValuePair.Int(0xFFFFFFFF)).Overflow(0xFFFFFFFF, Val.Vint(1)), "high-readz-signed-range");
        Assert.Equal([CaseCheck.LowStepFails], p.Violated);
        Assert.Equal("vmx_readz (low): index out of [0, 38)", p.LowWhy);
    }
}
