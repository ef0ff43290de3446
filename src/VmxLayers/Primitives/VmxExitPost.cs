using VmxLayers.Layers;
using VmxLayers.Spec;
using static VmxLayers.Spec.SpecHelpers;

namespace VmxLayers.Primitives;

/// <summary>void vmx_exit_post(void): copy the VMCS exit information into the save area.</summary>
public static class VmxExitPost
{
    public const string Summary = "C: ikern∧pg∧ihost, 0≤cpu<TOTAL_CPU, VMCS RIP/REASON/QUAL Vint → V[14],V[27],V[28] := them, V[31] := 1; low: 3 vmcs_readz, 4 stores";

    public static CStep<T> High<T, D>(ref D d, AbsData<T> a, T mem) where D : ISpecDomain<T>
    {
        var fail = new CStep<T>(false, a, mem, d.Vundef);
        if (!d.Require(All(ref d, a.Ikern, a.Pg, a.Ihost), "vmx_exit_post: needs ikern ∧ pg ∧ ihost")) return fail;
        if (!d.Require(InRange(ref d, a.CpuId, d.TotalCpu), "vmx_exit_post: CPU id out of [0, TOTAL_CPU)")) return fail;
        T rip = d.VmcsField(a.Vmcs, a.CpuId, d.Z(VmcsFields.GUEST_RIP));
        T reason = d.VmcsField(a.Vmcs, a.CpuId, d.Z(VmcsFields.EXIT_REASON));
        T qual = d.VmcsField(a.Vmcs, a.CpuId, d.Z(VmcsFields.EXIT_QUALIFICATION));
        if (!d.Require(All(ref d, d.IsInt(rip), d.IsInt(reason), d.IsInt(qual)),
                "vmx_exit_post: VMCS GUEST_RIP, EXIT_REASON, EXIT_QUALIFICATION are not all Vint")) return fail;
        T cpu = a.CpuId, vmx = a.Vmx;
        vmx = d.SetSlot(vmx, cpu, d.Z(VmxSlots.G_RIP), d.Vint(d.IntOf(rip)));
        vmx = d.SetSlot(vmx, cpu, d.Z(VmxSlots.EXIT_REASON), d.Vint(d.IntOf(reason)));
        vmx = d.SetSlot(vmx, cpu, d.Z(VmxSlots.EXIT_QUALIFICATION), d.Vint(d.IntOf(qual)));
        T launched = d.Mutant == MutantId.HighExitPostLaunchedZero ? d.Vint(d.Repr(d.Z(0))) : d.Vint(d.Repr(d.Z(1)));
        vmx = d.SetSlot(vmx, cpu, d.Z(VmxSlots.LAUNCHED), launched);
        return new CStep<T>(true, a with { Vmx = vmx }, mem, d.Vundef);
    }

    public static CStep<T> Low<T, D>(ref D d, AbsData<T> a, T mem) where D : ISpecDomain<T>
    {
        var fail = new CStep<T>(false, a, mem, d.Vundef);
        if (!d.Require(KernelMode(ref d, a), "vmx_exit_post (low): needs kernel_mode")) return fail;
        int qualField = d.Mutant == MutantId.ExitPostReadsQualificationFromExitReason ? VmcsFields.EXIT_REASON : VmcsFields.EXIT_QUALIFICATION;
        if (!VmcsInit.VmcsReadz(ref d, a, d.Z(VmcsFields.GUEST_RIP), "GUEST_RIP", out T rip)) return fail;
        if (!VmcsInit.VmcsReadz(ref d, a, d.Z(VmcsFields.EXIT_REASON), "EXIT_REASON", out T reason)) return fail;
        if (!VmcsInit.VmcsReadz(ref d, a, d.Z(qualField), "EXIT_QUALIFICATION", out T qual)) return fail;
        int reasonSlot = d.Mutant == MutantId.ExitPostStoresReasonIntoSlot28 ? VmxSlots.EXIT_QUALIFICATION : VmxSlots.EXIT_REASON;
        T m = mem;
        if (!Store(ref d, a, ref m, VmxSlots.G_RIP, d.Vint(d.Repr(rip)))) return fail;
        if (!Store(ref d, a, ref m, reasonSlot, d.Vint(d.Repr(reason)))) return fail;
        if (!Store(ref d, a, ref m, VmxSlots.EXIT_QUALIFICATION, d.Vint(d.Repr(qual)))) return fail;
        if (d.Mutant != MutantId.ExitPostSkipsLaunched && !Store(ref d, a, ref m, VmxSlots.LAUNCHED, d.Vint(d.Repr(d.Z(1))))) return fail;
        return new CStep<T>(true, a, m, d.Vundef);
    }

    // failure texts built once: the concrete domain runs these specs millions of times
    static readonly string[] storeFails = SpecText.PerSlot(s => $"vmx_exit_post (low): Mint32 store into {VmxSlots.Describe(s)} fails");

    static bool Store<T, D>(ref D d, AbsData<T> a, ref T mem, int slot, T v) where D : ISpecDomain<T>
    {
        mem = d.StoreVmxLoc(mem, SlotOffset(ref d, a.CpuId, d.Z(slot)), v, out T ok);
        return d.Require(ok, storeFails[slot]);
    }
}
