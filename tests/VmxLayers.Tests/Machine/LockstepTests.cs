using VmxLayers.Cases;
using VmxLayers.Constants;
using VmxLayers.Machine;
using VmxLayers.Refinement;
using VmxLayers.Semantics;
using VmxLayers.Spec;
using VmxLayers.Spec.Concrete;

namespace VmxLayers.Tests.Machine;

public class LockstepTests
{
    static RegSet AsmRegs(PrimitiveDef p, int cpu) => p.DefaultRegs(cpu, Val.Vptr(Genv.Next, 16u)).Set(Preg.ECX, Val.Vint((uint)(VmxSlots.Stride * cpu)));

    static SimStatement S(PrimitiveDef p, string? mutant = null) => Prims.Statement(p, mutant);

    static LockstepStep Ok(LockstepStep s)
    {
        Assert.True(s.High.Ok, s.High.Why);
        Assert.True(s.Low.Ok, s.Low.Why);
        Assert.True(s.Related, s.Unrelated);
        return s;
    }

    [Fact]
    public void RoundTripOnCpu1KeepsTheLayersRelatedAndCarriesGuestRegisters()
    {
        var w = World.Initial(2, stackBlocks: 1);
        w = Ok(Lockstep.Call(w, 1, S(Prims.vmx_writez), [Val.Vint(VmxSlots.G_RIP), Val.Vint(0x1000)], RegSet.Undef)).After;
        w = Ok(Lockstep.Call(w, 1, S(Prims.vmx_enter_pre), [], RegSet.Undef)).After;
        Assert.Equal(Val.Vint(0x1000), w.High.Vmcs[1].Get(VmcsFields.GUEST_RIP));
        var enter = Ok(Lockstep.Call(w, 1, S(Prims.vmx_enter), [], AsmRegs(Prims.vmx_enter, 1).Set(Preg.EBP, Val.Vint(77))));
        Assert.Equal(Val.Vint(0x1000), enter.High.Regs[Preg.PC]);
        Assert.False(enter.After.Low.Flags[1].Ihost);
        w = Ok(Lockstep.Guest(enter.After, 1, [(VmcsFields.EXIT_REASON, Val.Vint(ExitReasons.HLT))], Prims.Real.Relation as VmxRelation)).After;
        var exit = Ok(Lockstep.Call(w, 1, S(Prims.vmx_exit), [], AsmRegs(Prims.vmx_exit, 1).Set(Preg.EBX, Val.Vint(42))));
        Assert.Equal(Val.Vint(77), exit.Low.Regs[Preg.EBP]);
        w = Ok(Lockstep.Call(exit.After, 1, S(Prims.vmx_exit_post), [], RegSet.Undef)).After;
        var read = Ok(Lockstep.Call(w, 1, S(Prims.vmx_readz), [Val.Vint(VmxSlots.G_RBX)], RegSet.Undef));
        Assert.Equal(Val.Vint(42), read.Low.Ret);
        var reason = Ok(Lockstep.Call(read.After, 1, S(Prims.vmx_readz), [Val.Vint(VmxSlots.EXIT_REASON)], RegSet.Undef));
        Assert.Equal(Val.Vint(ExitReasons.HLT), reason.High.Ret);
    }

    [Fact]
    public void AFailedHighStepChangesNeitherLayer()
    {
        var w = World.Initial(1);
        var s = Lockstep.Call(w, 0, S(Prims.vmx_readz), [Val.Vint(38)], RegSet.Undef);
        Assert.False(s.High.Ok);
        Assert.NotNull(s.High.Why);
        Assert.True(s.Related);
        Assert.Same(w, s.After);
    }

    [Fact]
    public void AMutantThatLosesAStoreIsReportedUnrelated()
    {
        var w = World.Initial(2, stackBlocks: 1);
        var s = Lockstep.Call(w, 0, S(Prims.vmx_exit, "exit-skips-edi-store"), [], AsmRegs(Prims.vmx_exit, 0).Set(Preg.EDI, Val.Vint(5)));
        Assert.True(s.High.Ok && s.Low.Ok);
        Assert.False(s.Related);
        Assert.Contains("match_all: CPU 0, slot 10 (G_RDI)", s.Unrelated);
    }

    [Fact]
    public void HostinFailsWhileTheCpuIsInHostMode()
    {
        var s = Lockstep.Guest(World.Initial(1), 0, [], null);
        Assert.False(s.High.Ok);
        Assert.Contains("hostin", s.High.Why);
    }
}
