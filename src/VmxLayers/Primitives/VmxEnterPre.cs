using VmxLayers.Layers;
using VmxLayers.Spec;
using static VmxLayers.Spec.SpecHelpers;

namespace VmxLayers.Primitives;

/// <summary>void vmx_enter_pre(void): copy the guest RIP slot into the VMCS before entry.</summary>
public static class VmxEnterPre
{
    public const string Summary = "C: ikern∧pg∧ihost∧init, V[14]=Vint v → VMCS GUEST_RIP := Vint v; low: load slot 14, vmcs_writez(GUEST_RIP, v)";

    public static CStep<T> High<T, D>(ref D d, AbsData<T> a, T mem) where D : ISpecDomain<T>
    {
        var fail = new CStep<T>(false, a, mem, d.Vundef);
        if (!d.Require(All(ref d, a.Ikern, a.Pg, a.Ihost, a.Init), "vmx_enter_pre: needs ikern ∧ pg ∧ ihost ∧ init")) return fail;
        T v = d.Slot(a.Vmx, a.CpuId, d.Z(VmxSlots.G_RIP));
        if (!d.Require(d.IsInt(v), "vmx_enter_pre: slot 14 (G_RIP) is not a Vint")) return fail;
        T vmcs = d.SetVmcsField(a.Vmcs, a.CpuId, d.Z(VmcsFields.GUEST_RIP), d.Vint(d.IntOf(v)));
        return new CStep<T>(true, a with { Vmcs = vmcs }, mem, d.Vundef);
    }

    public static CStep<T> Low<T, D>(ref D d, AbsData<T> a, T mem) where D : ISpecDomain<T>
    {
        var fail = new CStep<T>(false, a, mem, d.Vundef);
        if (!d.Require(KernelMode(ref d, a), "vmx_enter_pre (low): needs kernel_mode")) return fail;
        long slot = d.Mutant == MutantId.EnterPreLoadsSlot15 ? VmxSlots.G_RIP + 1 : VmxSlots.G_RIP;
        T v = d.LoadVmxLoc(mem, SlotOffset(ref d, a.CpuId, d.Z(slot)), out T ok);
        if (!d.Require(ok, "vmx_enter_pre (low): Mint32 load of slot 14 fails")) return fail;
        if (!d.Require(d.IsInt(v), "vmx_enter_pre (low): slot 14 is not a Vint")) return fail;
        int field = d.Mutant == MutantId.EnterPreWritesGuestRsp ? VmcsFields.GUEST_RSP : VmcsFields.GUEST_RIP;
        if (!VmcsInit.VmcsWritez(ref d, a, d.Z(field), d.Unsigned(d.IntOf(v)), "GUEST_RIP", out var a2)) return fail;
        return new CStep<T>(true, a2, mem, d.Vundef);
    }
}
