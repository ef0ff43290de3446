using VmxLayers.Cases;
using VmxLayers.Checking;
using VmxLayers.Constants;
using VmxLayers.Layers;
using VmxLayers.Refinement;
using VmxLayers.Semantics;
using VmxLayers.Spec.Concrete;
using static VmxLayers.Tests.Primitives.StepHarness;

namespace VmxLayers.Tests.Primitives;

/// <summary>The exact results of each primitive on both layers (CPU 1 of 2, background slots Vint(256·cpu + slot)).</summary>
public class SuccessTests
{
    static uint Bg(int slot) => (uint)(256 + slot);

    [Fact]
    public void ReadzReturnsTheSlotOnBothLayers()
    {
        var b = () => Case(Prims.vmx_readz).Args(ValuePair.Int(7)).Slot(7, ValuePair.Int(0xFFFFFFFF));
        Assert.Equal(Val.Vint(0xFFFFFFFF), Run(b(), high: true).Ret);
        Assert.Equal(Val.Vint(0xFFFFFFFF), Run(b(), high: false).Ret);
    }

    [Fact]
    public void WritezWritesExactlyTheSlot()
    {
        var b = () => Case(Prims.vmx_writez).Args(ValuePair.Int(37), ValuePair.Int(0xABCDEF01));
        var h = Run(b(), high: true);
        var l = Run(b(), high: false);
        Assert.Equal(Val.Vint(0xABCDEF01), h.Slot(37));
        Assert.Equal(Val.Vint(0xABCDEF01), l.LowSlot(37));
        Assert.Equal(Val.Vint(Bg(36)), h.Slot(36));
        Assert.Equal(Val.Vint(Bg(36)), l.LowSlot(36));
    }

    [Fact]
    public void EnterPreCopiesGuestRipIntoTheVmcs()
    {
        var b = () => Case(Prims.vmx_enter_pre).Slot(VmxSlots.G_RIP, ValuePair.Int(0x1234));
        Assert.Equal(Val.Vint(0x1234), Run(b(), high: true).Vmcs(VmcsFields.GUEST_RIP));
        Assert.Equal(Val.Vint(0x1234), Run(b(), high: false).Vmcs(VmcsFields.GUEST_RIP));
    }

    [Fact]
    public void ExitPostCopiesTheExitInformationAndSetsLaunched()
    {
        var b = () => Case(Prims.vmx_exit_post).Vmcs(VmcsFields.GUEST_RIP, ValuePair.Int(0x40))
            .Vmcs(VmcsFields.EXIT_REASON, ValuePair.Int(30)).Vmcs(VmcsFields.EXIT_QUALIFICATION, ValuePair.Int(0xFFFFFFFF));
        var h = Run(b(), high: true);
        var l = Run(b(), high: false);
        foreach (var (slot, v) in new[] { (VmxSlots.G_RIP, 0x40u), (VmxSlots.EXIT_REASON, 30u), (VmxSlots.EXIT_QUALIFICATION, 0xFFFFFFFFu), (VmxSlots.LAUNCHED, 1u) })
        {
            Assert.Equal(Val.Vint(v), h.Slot(slot));
            Assert.Equal(Val.Vint(v), l.LowSlot(slot));
        }
        Assert.Equal(Val.Vint(Bg(VmxSlots.G_RCX)), h.Slot(VmxSlots.G_RCX));
    }

    [Fact]
    public void ExitSavesTheGuestRegistersAndRestoresHostEbpEdi()
    {
        var b = () => Case(Prims.vmx_exit).Reg(Preg.EAX, ValuePair.Int(1)).Reg(Preg.EBX, ValuePair.Int(2)).Reg(Preg.EDX, ValuePair.Int(3))
            .Reg(Preg.ESI, ValuePair.Int(4)).Reg(Preg.EDI, ValuePair.Int(5)).Reg(Preg.EBP, ValuePair.Int(6)).Reg(Preg.RA, ValuePair.Int(0x99));
        var h = Run(b(), high: true);
        var l = Run(b(), high: false);
        int[] slots = [VmxSlots.G_RAX, VmxSlots.G_RBX, VmxSlots.G_RDX, VmxSlots.G_RSI, VmxSlots.G_RDI, VmxSlots.G_RBP];
        for (int k = 0; k < slots.Length; k++)
        {
            Assert.Equal(Val.Vint((uint)k + 1), h.Slot(slots[k]));
            Assert.Equal(Val.Vint((uint)k + 1), l.LowSlot(slots[k]));
        }
        Assert.Equal(Val.Vint(Bg(VmxSlots.G_RCX)), h.Slot(VmxSlots.G_RCX));   // guest ECX is not saved
        foreach (var regs in new[] { h.Regs, l.Regs })
        {
            Assert.Equal(Val.Vint(Bg(VmxSlots.HOST_EDI)), regs[Preg.EDI]);
            Assert.Equal(Val.Vint(Bg(VmxSlots.HOST_EBP)), regs[Preg.EBP]);
            Assert.Equal(Val.Vint(0x99), regs[Preg.PC]);
            Assert.Equal(Val.Vundef, regs[Preg.RA]);
            Assert.Equal(Val.Vundef, regs[Preg.EAX]);
            Assert.Equal(Val.Vundef, regs[Preg.ECX]);
            Assert.Equal(Val.Vint(4), regs[Preg.ESI]);
        }
    }

    [Fact]
    public void EnterSavesHostRegistersLoadsTheGuestAndLeavesHostMode()
    {
        var b = () => Case(Prims.vmx_enter).Reg(Preg.EBP, ValuePair.Int(0xEB)).Reg(Preg.EDI, ValuePair.Int(0xED));
        var h = Run(b(), high: true);
        var l = Run(b(), high: false);
        Assert.Equal(Val.Vint(0xEB), h.Slot(VmxSlots.HOST_EBP));
        Assert.Equal(Val.Vint(0xED), l.LowSlot(VmxSlots.HOST_EDI));
        Assert.False(h.Data.Ihost.Raw.B);
        Assert.False(l.Data.Ihost.Raw.B);
        foreach (var regs in new[] { h.Regs, l.Regs })
        {
            Assert.Equal(Val.Vint(Bg(VmxSlots.G_RAX)), regs[Preg.EAX]);
            Assert.Equal(Val.Vint(Bg(VmxSlots.G_RBX)), regs[Preg.EBX]);
            Assert.Equal(Val.Vint(Bg(VmxSlots.G_RDX)), regs[Preg.EDX]);
            Assert.Equal(Val.Vint(Bg(VmxSlots.G_RSI)), regs[Preg.ESI]);
            Assert.Equal(Val.Vint(Bg(VmxSlots.G_RDI)), regs[Preg.EDI]);
            Assert.Equal(Val.Vint(Bg(VmxSlots.G_RBP)), regs[Preg.EBP]);
            Assert.Equal(Val.Vint(Bg(VmxSlots.G_RIP)), regs[Preg.PC]);
            Assert.Equal(Val.Vundef, regs[Preg.ECX]);
        }
    }
}
