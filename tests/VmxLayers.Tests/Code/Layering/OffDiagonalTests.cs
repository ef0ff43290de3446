using VmxLayers.Cases;
using VmxLayers.Checking;
using VmxLayers.Code;
using VmxLayers.Code.Layering;
using VmxLayers.Layers;
using VmxLayers.Semantics;

namespace VmxLayers.Tests.Code.Layering;

/// <summary>
/// code ⊑ VMCSInit off the diagonal (<see cref="CaseSides.TwoLowStates"/>: the spec's VMCSInit state and a more defined
/// one for the code, as the proof's statement allows): related as Mem.extends relates them, the statement holds for
/// impl/vmx.o, and a clobbered callee-saved register still shows.
/// </summary>
public class OffDiagonalTests
{
    static ConcreteCase Case(RefinementDef code, string prim)
    {
        var c = new CaseBuilder(code.Find(prim)!, 2, 1, BlockLayout.Identity1).Build();
        Assert.Equal(CaseSides.LowOnBoth, c.Sides);
        return c with { Sides = CaseSides.TwoLowStates };
    }

    /// <summary>
    /// The spec side less defined than the code's: a slot Vundef there (and an asm call's scratch registers), one more
    /// block on the code's side. (A C call's callee-saved registers are one caller's: equal on both sides.)
    /// </summary>
    static ConcreteCase LessDefinedSpec(ConcreteCase c, int slot)
    {
        int at = c.Cpu * Constants.VmxSlots.Size + slot;
        var regs = c.Prim.IsAsm ? new[] { Preg.EAX, Preg.EDX, Preg.XMM0, Preg.ZF }.Aggregate(c.RegsHigh, (rs, r) => rs.Set(r, Val.Vundef)) : c.RegsHigh;
        return c with { HighSlots = c.HighSlots.SetItem(at, Val.Vundef), RegsHigh = regs, LowBlocks = c.LowBlocks + 1 };
    }

    [Theory]
    [InlineData("vmx_readz")]
    [InlineData("vmx_writez")]
    [InlineData("vmx_enter_pre")]
    [InlineData("vmx_exit_post")]
    [InlineData("vmx_exit")]
    [InlineData("vmx_enter")]
    public void ALessDefinedSpecStateIsRelatedAndTheCodeRefinesIt(string prim)
    {
        var code = CodeLayer.Default;
        int holds = 0;
        foreach (int slot in new[] { 0, 5, 14, 37 })
        {
            var o = CaseCheck.Evaluate(code.Statement(code.Find(prim)!), LessDefinedSpec(Case(code, prim), slot));
            Assert.True(o.Status is CaseStatus.Holds or CaseStatus.HighFails, $"{prim}, slot {slot}: {o.Status}: {o.Why} {string.Join(", ", o.Violated)} {o.Error}");
            if (o.Status == CaseStatus.Holds) holds++;
        }
        Assert.True(holds > 0, $"{prim}: the spec never succeeded, nothing was checked");
    }

    [Fact]
    public void TheCaseIsOffTheDiagonalAndTheExtraBlockIsTheCodesOnly()
    {
        var code = CodeLayer.Default;
        var c = LessDefinedSpec(Case(code, "vmx_readz"), 3);
        var w = c.ToWorld();
        Assert.Equal(w.High.Mem.NextBlock + 1, w.Low.Mem.NextBlock);
        Assert.True(w.High.Mem.Load(Chunk.Mint32, Constants.Genv.VmxLocBlock, Constants.VmxSlots.Offset(1, 3))!.Value.IsUndef);
        Assert.False(w.Low.Mem.Load(Chunk.Mint32, Constants.Genv.VmxLocBlock, Constants.VmxSlots.Offset(1, 3))!.Value.IsUndef);
    }

    [Fact]
    public void AMoreDefinedSpecStateIsNotRelated()
    {
        var code = CodeLayer.Default;
        var c = Case(code, "vmx_readz");
        int at = c.Cpu * Constants.VmxSlots.Size + 3;
        var o = CaseCheck.Evaluate(code.Statement(code.Find("vmx_readz")!), c with { LowSlots = c.LowSlots.SetItem(at, Val.Vundef) });
        Assert.Equal(CaseStatus.Vacuous, o.Status);
    }

    [Fact]
    public void AClobberedCalleeSavedRegisterStillFailsOffTheDiagonal()
    {
        var code = CodeLayer.Refinement(ImplementationLinker.Link([ImplObjects.Mutants.Single(m => m.Name == "c-enter-pre-clobbers-ebx").Object], ImplObjects.Default));
        var c = Case(code, "vmx_enter_pre");
        c = c with { LowBlocks = c.LowBlocks + 1, FlagsHigh = c.FlagsHigh with { Pg = true }, FlagsLow = c.FlagsLow with { Pg = true } };
        var o = CaseCheck.Evaluate(code.Statement(code.Find("vmx_enter_pre")!), c);
        Assert.Equal(CaseStatus.Violated, o.Status);
        Assert.Contains("register EBX preserved", o.Violated);
    }
}
