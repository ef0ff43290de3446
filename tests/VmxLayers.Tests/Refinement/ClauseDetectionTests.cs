using VmxLayers.Checking;
using VmxLayers.Layers;
using VmxLayers.Machine;
using VmxLayers.Refinement;
using VmxLayers.Semantics;
using VmxLayers.Spec;
using VmxLayers.Spec.Concrete;

namespace VmxLayers.Tests.Refinement;

/// <summary>Each clause of the relation detects its own breakage, and reports the clause and a witness.</summary>
public class ClauseDetectionTests
{
    static CaseBuilder Case(Prim p = Prim.vmx_readz) => new CaseBuilder(p, 2, 1, BlockLayout.Shifted).Args(ValuePair.Int(5));

    static (bool Holds, ConcreteContext Ctx) Hypothesis(ConcreteCase c)
    {
        var w = c.ToWorld();
        var d = w.Domain();
        var hyp = Simulation.Hypothesis<CTerm, ConcreteDomain>(ref d, c.Prim, c.ToInput(w));
        return (hyp.B, w.Context);
    }

    static (bool Holds, ConcreteContext Ctx) Check(World w, Func<ConcreteDomain, LayerPair<CTerm>, CTerm> clause)
    {
        var d = w.Domain();
        return (clause(d, w.Pair(1)).B, w.Context);
    }

    [Fact]
    public void BackgroundCaseSatisfiesTheHypothesis() => Assert.True(Hypothesis(Case().Build()).Holds);

    [Fact]
    public void RelateFlagsDetectsAFlagThatDiffers()
    {
        var w = Case().Build().ToWorld();
        w = w with { Low = w.Low with { Flags = w.Low.Flags.SetItem(1, CpuFlags.AllTrue with { Pg = false }) } };
        Assert.False(Check(w, (d, s) => Relation.RelateFlagsHold<CTerm, ConcreteDomain>(ref d, s.High, s.Low)).Holds);
        Assert.True(Check(w, (d, s) => Relation.RelateVmcsHolds<CTerm, ConcreteDomain>(ref d, s.High, s.Low)).Holds);
    }

    [Fact]
    public void RelateVmcsDetectsAFieldThatDoesNotInject()
    {
        var (holds, ctx) = Hypothesis(Case().Vmcs(VmcsFields.EXIT_REASON, new(Val.Vint(1), Val.Vint(2))).Build());
        Assert.False(holds);
        Assert.Equal("CPU 1, VMCS field 0x4402 (EXIT_REASON)", ctx.Witness[Relation.RelateVmcs]);
    }

    [Fact]
    public void RelateVmcsDetectsADifferentRevid()
    {
        var w = Case().Build().ToWorld();
        var vmcs = w.Low.Vmcs.Set(0, w.Low.Vmcs[0] with { Revid = Val.Vint(9) });
        w = w with { Low = w.Low with { Vmcs = vmcs } };
        var (holds, ctx) = Check(w, (d, s) => Relation.RelateVmcsHolds<CTerm, ConcreteDomain>(ref d, s.High, s.Low));
        Assert.False(holds);
        // revid/abrtid are compared together with every field, so the first field of CPU 0 is the witness
        Assert.Equal("CPU 0, VMCS field 0x0000 (VPID)", ctx.Witness[Relation.RelateVmcs]);
    }

    [Fact]
    public void MatchDetectsALoadThatFails()
    {
        var w = Case().Build().ToWorld();
        var oneCpu = new CaseBuilder(Prim.vmx_readz, 1, 0, BlockLayout.Shifted).Build().ToWorld();
        w = w with { Low = w.Low with { Mem = oneCpu.Low.Mem } };   // VMX_LOC only has CPU 0's area
        var (holds, ctx) = Check(w, (d, s) => Relation.Match<CTerm, ConcreteDomain>(ref d, s.High, s.MemLow));
        Assert.False(holds);
        Assert.Equal("CPU 1, slot 0 (G_RAX)", ctx.Witness[Relation.MatchAll]);
    }

    [Fact]
    public void MatchDetectsAWordThatIsNotWritable()
    {
        var (holds, ctx) = Hypothesis(Case().ReadOnlyArea(1).Build());
        Assert.False(holds);
        Assert.Equal("CPU 1, slot 0 (G_RAX)", ctx.Witness[Relation.MatchAll]);
        Assert.Equal("slot 0 (G_RAX)", ctx.Witness[Relation.MatchCurrent]);
    }

    [Fact]
    public void MatchDetectsASlotThatDoesNotInject()
    {
        var (holds, ctx) = Hypothesis(Case().Slot(12, new(Val.Vint(1), Val.Vint(2))).Build());
        Assert.False(holds);
        Assert.Equal("CPU 1, slot 12 (G_RBP)", ctx.Witness[Relation.MatchAll]);
    }

    [Fact]
    public void MatchDetectsAnotherCpusSlotAndOnlyTheAllCpuClauseFails()
    {
        var (holds, ctx) = Hypothesis(Case().Slot(0, 27, new(Val.Vint(1), Val.Vint(2))).Build());
        Assert.False(holds);
        Assert.Equal("CPU 0, slot 27 (EXIT_REASON)", ctx.Witness[Relation.MatchAll]);
        Assert.False(ctx.Witness.ContainsKey(Relation.MatchCurrent));
        Assert.True(Hypothesis(Case().Slot(0, 27, new(Val.Vint(1), Val.Vint(2))).Build() with { Mutant = MutantId.MatchOnlyCurrentCpu }).Holds);
    }

    [Fact]
    public void MemoryClausesDetectAnInjectionIntoAMissingBlock()
    {
        var c = Case().Build() with { HighBlocks = 2, LowBlocks = 1, Inject = [(4, 4), (5, 5)] };
        var (holds, ctx) = Hypothesis(c);
        Assert.False(holds);
        Assert.StartsWith("Mem.inject f mH mL", ctx.Witness[Relation.Memory]);
    }

    [Fact]
    public void MemoryClausesDetectABackwardMapping()
    {
        var c = Case().Build() with { HighBlocks = 2, LowBlocks = 2, Inject = [(4, 5), (5, 4)] };
        var (holds, ctx) = Hypothesis(c);
        Assert.False(holds);
        Assert.Equal("forward injection: f maps block 5 to (4, 0)", ctx.Witness[Relation.Memory]);
    }

    [Fact]
    public void InvariantsDetectASlotThatIsNotNeutral()
    {
        var (holds, ctx) = Hypothesis(Case().Slot(0, 3, ValuePair.Same(Val.Vlong(new VmxLayers.Semantics.Int64(7)))).Build());
        Assert.False(holds);
        Assert.Equal("CPU 0, slot 3 (G_RBX_HI)", ctx.Witness[Relation.HighInvariant]);
    }

    [Fact]
    public void InvariantsDetectAPointerPastNextblock()
    {
        var (holds, ctx) = Hypothesis(Case().Slot(1, 8, ValuePair.Same(Val.Vptr(40, 0u))).Build());
        Assert.False(holds);
        // the all-CPU and the current-CPU invariant share the clause name; the current one reports last
        Assert.Equal("slot 8 (G_RSI)", ctx.Witness[Relation.HighInvariant]);
    }

    [Fact]
    public void RegistersMustInjectAndLowRegistersMustBeTyped()
    {
        Assert.True(Hypothesis(Case(Prim.vmx_exit).Build()).Holds);
        Assert.False(Hypothesis(Case(Prim.vmx_exit).Reg(Preg.EAX, new(Val.Vint(1), Val.Vint(2))).Build()).Holds);
        Assert.False(Hypothesis(Case(Prim.vmx_exit).Reg(Preg.XMM0, new(Val.Vundef, Val.Vint(2))).Build()).Holds);
        Assert.True(Hypothesis(Case(Prim.vmx_exit).Reg(Preg.EAX, new(Val.Vundef, Val.Vint(2))).Build()).Holds);
    }

    // ---- conclusions: the clause a wrong low spec violates, and the counterexample diff ----

    static CaseOutcome Outcome(CaseBuilder b, MutantId m)
    {
        var o = CaseCheck.Evaluate(b.Build(m));
        Assert.Equal(CaseStatus.Violated, o.Status);
        return o;
    }

    [Fact]
    public void WrongSlotViolatesMatchAndTheDiffNamesBothSlots()
    {
        var o = Outcome(Case(Prim.vmx_exit).Reg(Preg.EBX, ValuePair.Int(42)), MutantId.ExitStoresEbxIntoSlot4);
        Assert.Equal([Relation.MatchAll], o.Violated);
        var cx = new Counterexample("test", o);
        Assert.Equal("CPU 1, slot 2 (G_RBX)", cx.Witnesses[Relation.MatchAll]);
        var diff = cx.Diff.ToDictionary(d => d.Where);
        Assert.Equal(("42", "258"), (diff["CPU 1 slot 2 (G_RBX)"].High, diff["CPU 1 slot 2 (G_RBX)"].Low));
        Assert.Equal(("260", "42"), (diff["CPU 1 slot 4 (G_RCX)"].High, diff["CPU 1 slot 4 (G_RCX)"].Low));
    }

    [Fact]
    public void SkippedHostoutViolatesRelateFlags()
    {
        var o = Outcome(Case(Prim.vmx_enter), MutantId.EnterSkipsHostout);
        Assert.Equal([Relation.RelateFlags], o.Violated);
        Assert.Contains(StateDiff.Of(o), d => d is { Where: "flag ihost", High: "false", Low: "true" });
    }

    [Fact]
    public void WrongVmcsFieldViolatesRelateVmcs()
    {
        var o = Outcome(Case(Prim.vmx_enter_pre).Slot(VmxSlots.G_RIP, ValuePair.Int(77)), MutantId.EnterPreWritesGuestRsp);
        Assert.Equal([Relation.RelateVmcs], o.Violated);
        Assert.Equal("CPU 1, VMCS field 0x681C (GUEST_RSP)", o.Witness[Relation.RelateVmcs]);
    }

    [Fact]
    public void SwappedRegistersViolateTheRegisterClauses()
    {
        var o = Outcome(Case(Prim.vmx_exit), MutantId.ExitSwapsHostEbpEdi);
        Assert.Equal(["register EDI", "register EBP"], o.Violated);
        Assert.Contains(StateDiff.Of(o), d => d is { Where: "register EDI", High: "290", Low: "289" });
    }

    [Fact]
    public void ALowStepThatFailsIsReportedWithItsReason()
    {
        var o = Outcome(Case(Prim.vmx_exit), MutantId.ExitStoresIntoNextCpu);   // CPU 1 of 2: no CPU 2 area
        Assert.Equal([CaseCheck.LowStepFails], o.Violated);
        Assert.Equal("vmx_exit (low): Mint32 store into the next CPU's slot 0 fails", o.LowWhy);
    }

    [Fact]
    public void IndexTheHighSpecWronglyAcceptsIsRefusedByTheLowSpec()
    {
        var p = Outcome(Case().Args(ValuePair.Int(0xFFFFFFFF)).Overflow(0xFFFFFFFF, Val.Vint(1)), MutantId.HighReadzSignedRange);
        Assert.Equal([CaseCheck.LowStepFails], p.Violated);
        Assert.Equal("vmx_readz (low): index out of [0, 38)", p.LowWhy);
    }
}
