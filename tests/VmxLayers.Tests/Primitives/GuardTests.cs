using VmxLayers.Cases;
using VmxLayers.Constants;
using VmxLayers.Refinement;
using VmxLayers.Semantics;
using VmxLayers.Spec.Concrete;
using static VmxLayers.Tests.Primitives.StepHarness;

namespace VmxLayers.Tests.Primitives;

/// <summary>Every guard of every high and low spec fails with its own reason; a well-formed call succeeds.</summary>
public class GuardTests
{
    static readonly ValuePair undefToInt = new(Val.Vundef, Val.Vint(3));

    /// <summary>Name → (primitive, side, how to break the call, expected reason).</summary>
    static readonly Dictionary<string, (PrimitiveDef Prim, bool High, Action<CaseBuilder> Break, string Why)> guards = new()
    {
        ["readz high ikern"] = (Prims.vmx_readz, true, b => b.With(Without("ikern")), "vmx_readz: needs ikern ∧ pg ∧ ihost"),
        ["readz high pg"] = (Prims.vmx_readz, true, b => b.With(Without("pg")), "vmx_readz: needs ikern ∧ pg ∧ ihost"),
        ["readz high ihost"] = (Prims.vmx_readz, true, b => b.With(Without("ihost")), "vmx_readz: needs ikern ∧ pg ∧ ihost"),
        ["readz high arg"] = (Prims.vmx_readz, true, b => b.Args(ValuePair.Undef), "vmx_readz: the argument is not a Vint"),
        ["readz high 38"] = (Prims.vmx_readz, true, b => b.Args(ValuePair.Int(38)), "vmx_readz: index out of [0, 38)"),
        ["readz high -1"] = (Prims.vmx_readz, true, b => b.Args(ValuePair.Int(0xFFFFFFFF)), "vmx_readz: index out of [0, 38)"),
        ["readz high slot"] = (Prims.vmx_readz, true, b => b.Slot(5, undefToInt), "vmx_readz: the slot is not a Vint"),
        ["readz low ihost"] = (Prims.vmx_readz, false, b => b.With(Without("ihost")), "vmx_readz (low): needs kernel_mode"),
        ["readz low ikern"] = (Prims.vmx_readz, false, b => b.With(Without("ikern")), "vmx_readz (low): needs kernel_mode"),
        ["readz low arg"] = (Prims.vmx_readz, false, b => b.Args(ValuePair.Undef), "vmx_readz (low): the argument is not a Vint"),
        ["readz low 38"] = (Prims.vmx_readz, false, b => b.Args(ValuePair.Int(38)), "vmx_readz (low): index out of [0, 38)"),
        ["readz low slot"] = (Prims.vmx_readz, false, b => b.Slot(5, ValuePair.Undef), "vmx_readz (low): the loaded slot is not a Vint"),
        ["writez high pg"] = (Prims.vmx_writez, true, b => b.With(Without("pg")), "vmx_writez: needs ikern ∧ pg ∧ ihost"),
        ["writez high ihost"] = (Prims.vmx_writez, true, b => b.With(Without("ihost")), "vmx_writez: needs ikern ∧ pg ∧ ihost"),
        ["writez high arg"] = (Prims.vmx_writez, true, b => b.Args(ValuePair.Int(5), ValuePair.Undef), "vmx_writez: an argument is not a Vint"),
        ["writez high range"] = (Prims.vmx_writez, true, b => b.Args(ValuePair.Int(38), ValuePair.Int(1)), "vmx_writez: index out of [0, 38)"),
        ["writez low ikern"] = (Prims.vmx_writez, false, b => b.With(Without("ikern")), "vmx_writez (low): needs kernel_mode"),
        ["writez low arg"] = (Prims.vmx_writez, false, b => b.Args(ValuePair.Undef, ValuePair.Int(1)), "vmx_writez (low): an argument is not a Vint"),
        ["writez low range"] = (Prims.vmx_writez, false, b => b.Args(ValuePair.Int(0x80000000), ValuePair.Int(1)), "vmx_writez (low): index out of [0, 38)"),
        ["writez low store"] = (Prims.vmx_writez, false, b => b.ReadOnlyArea(1), "vmx_writez (low): Mint32 store into the slot fails"),
        ["enter_pre high init"] = (Prims.vmx_enter_pre, true, b => b.With(Without("init")), "vmx_enter_pre: needs ikern ∧ pg ∧ ihost ∧ init"),
        ["enter_pre high rip"] = (Prims.vmx_enter_pre, true, b => b.Slot(VmxSlots.G_RIP, ValuePair.Undef), "vmx_enter_pre: slot 14 (G_RIP) is not a Vint"),
        ["enter_pre low ihost"] = (Prims.vmx_enter_pre, false, b => b.With(Without("ihost")), "vmx_enter_pre (low): needs kernel_mode"),
        ["enter_pre low rip"] = (Prims.vmx_enter_pre, false, b => b.Slot(VmxSlots.G_RIP, ValuePair.Same(Val.Vptr(Genv.VmxLocBlock, 0u))), "vmx_enter_pre (low): slot 14 is not a Vint"),
        ["enter_pre low vmcs_writez"] = (Prims.vmx_enter_pre, false, b => b.With(Without("pg")), "vmcs_writez(GUEST_RIP): needs ikern ∧ pg ∧ ihost"),
        ["exit_post high ihost"] = (Prims.vmx_exit_post, true, b => b.With(Without("ihost")), "vmx_exit_post: needs ikern ∧ pg ∧ ihost"),
        ["exit_post high field"] = (Prims.vmx_exit_post, true, b => b.Vmcs(VmcsFields.EXIT_QUALIFICATION, ValuePair.Undef), "vmx_exit_post: VMCS GUEST_RIP, EXIT_REASON, EXIT_QUALIFICATION are not all Vint"),
        ["exit_post low ikern"] = (Prims.vmx_exit_post, false, b => b.With(Without("ikern")), "vmx_exit_post (low): needs kernel_mode"),
        ["exit_post low pg"] = (Prims.vmx_exit_post, false, b => b.With(Without("pg")), "vmcs_readz(GUEST_RIP): needs ikern ∧ pg ∧ ihost"),
        ["exit_post low field"] = (Prims.vmx_exit_post, false, b => b.Vmcs(VmcsFields.EXIT_REASON, ValuePair.Undef), "vmcs_readz(EXIT_REASON): the field is not a Vint"),
        ["exit_post low store"] = (Prims.vmx_exit_post, false, b => b.ReadOnlyArea(1), "vmx_exit_post (low): Mint32 store into slot 14 (G_RIP) fails"),
        ["exit high init"] = (Prims.vmx_exit, true, b => b.With(Without("init")), "vmx_exit: needs ikern ∧ ihost ∧ pg ∧ init"),
        ["exit high pc"] = (Prims.vmx_exit, true, b => b.Reg(Preg.PC, ValuePair.Same(CaseBuilder.Entry(Prims.vmx_enter))), "vmx_exit: PC is not &vmx_exit"),
        ["exit high ecx"] = (Prims.vmx_exit, true, b => b.Reg(Preg.ECX, ValuePair.Int(0)), "vmx_exit: ECX is not Vint(152·cpu)"),
        ["exit low ihost"] = (Prims.vmx_exit, false, b => b.With(Without("ihost")), "vmx_exit (low): needs kernel_mode"),
        ["exit low pc"] = (Prims.vmx_exit, false, b => b.Reg(Preg.PC, ValuePair.Undef), "vmx_exit (low): PC is not &vmx_exit"),
        ["exit low ecx"] = (Prims.vmx_exit, false, b => b.Reg(Preg.ECX, ValuePair.Undef), "vmx_exit (low): ECX is not Vint(152·cpu)"),
        ["exit low store"] = (Prims.vmx_exit, false, b => b.ReadOnlyArea(1), "vmx_exit (low): Mint32 store into slot 10 (G_RDI) fails"),
        ["enter high pg"] = (Prims.vmx_enter, true, b => b.With(Without("pg")), "vmx_enter: needs ikern ∧ ihost ∧ pg ∧ init"),
        ["enter high pc"] = (Prims.vmx_enter, true, b => b.Reg(Preg.PC, ValuePair.Same(CaseBuilder.Entry(Prims.vmx_exit))), "vmx_enter: PC is not &vmx_enter"),
        ["enter high esp undef"] = (Prims.vmx_enter, true, b => b.Reg(Preg.ESP, ValuePair.Undef), "vmx_enter: ESP is undefined or not a stack pointer"),
        ["enter high esp global"] = (Prims.vmx_enter, true, b => b.Reg(Preg.ESP, ValuePair.Same(Val.Vptr(Genv.VmxLocBlock, 0u))), "vmx_enter: ESP is undefined or not a stack pointer"),
        ["enter low ikern"] = (Prims.vmx_enter, false, b => b.With(Without("ikern")), "vmx_enter (low): needs kernel_mode"),
        ["enter low pc"] = (Prims.vmx_enter, false, b => b.Reg(Preg.PC, ValuePair.Int(0)), "vmx_enter (low): PC is not &vmx_enter"),
        ["enter low esp"] = (Prims.vmx_enter, false, b => b.Reg(Preg.ESP, ValuePair.Undef), "vmx_enter (low): ESP is undefined or not a stack pointer"),
        ["enter low store"] = (Prims.vmx_enter, false, b => b.ReadOnlyArea(1), "vmx_enter (low): Mint32 store into slot 33 (HOST_EBP) fails"),
        ["enter low hostout"] = (Prims.vmx_enter, false, b => b.With(Without("init")), "hostout: needs ikern ∧ pg ∧ ihost ∧ init"),
    };

    public static TheoryData<string> Guards => new(guards.Keys);

    [Theory, MemberData(nameof(Guards))]
    public void GuardFailsWithItsReason(string name)
    {
        var (p, high, breakIt, why) = guards[name];
        var ok = Run(WellFormed(p), high);
        Assert.True(ok.Ok, $"the well-formed call fails: {ok.Why}");
        var b = WellFormed(p);
        breakIt(b);
        var r = Run(b, high);
        Assert.False(r.Ok);
        Assert.Equal(why, r.Why);
    }

    /// <summary>A call both sides accept: readz(5), writez(5, 99), everything else from the builder's background.</summary>
    static CaseBuilder WellFormed(PrimitiveDef p)
    {
        var b = Case(p);
        if (p == Prims.vmx_readz) b.Args(ValuePair.Int(5));
        if (p == Prims.vmx_writez) b.Args(ValuePair.Int(5), ValuePair.Int(99));
        return b;
    }
}
