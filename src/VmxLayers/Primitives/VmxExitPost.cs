using VmxLayers.Constants;
using VmxLayers.Spec;
using static VmxLayers.Spec.SpecHelpers;

namespace VmxLayers.Primitives;

/// <summary>void vmx_exit_post(void): copy the VMCS exit information into the save area.</summary>
public static class VmxExitPost
{
    public static readonly Primitive Primitive = new("vmx_exit_post", PrimKind.C, 0,
        "C: ikern∧pg∧ihost, 0≤cpu<TOTAL_CPU, VMCS RIP/REASON/QUAL Vint → V[14],V[27],V[28] := them, V[31] := 1; low: 3 vmcs_readz, 4 stores");

    /// <summary>PVMXIntro's vmx_exit_post_spec.</summary>
    public sealed class High() : PrimSpec(VmxExitPost.Primitive, LayerNames.PVMXIntro)
    {
        protected override SpecCode<T, D> Create<T, D>() => new HighCode<T, D>();
    }

    public class HighCode<T, D> : CSpecCode<T, D> where D : struct, ISpecDomain<T>
    {
        public override CStep<T> Call(ref D d, AbsData<T> a, Mem<T> mem, ReadOnlySpan<Val<T>> args)
        {
            var fail = new CStep<T>(false, a, mem, d.Vundef);
            if (!d.Require(All(ref d, a.Ikern, a.Pg, a.Ihost), "vmx_exit_post: needs ikern ∧ pg ∧ ihost")) return fail;
            if (!d.Require(InRange(ref d, a.CpuId, d.TotalCpu), "vmx_exit_post: CPU id out of [0, TOTAL_CPU)")) return fail;
            var rip = d.VmcsField(a.Vmcs, a.CpuId, d.Z(VmcsFields.GUEST_RIP));
            var reason = d.VmcsField(a.Vmcs, a.CpuId, d.Z(VmcsFields.EXIT_REASON));
            var qual = d.VmcsField(a.Vmcs, a.CpuId, d.Z(VmcsFields.EXIT_QUALIFICATION));
            if (!d.Require(All(ref d, d.IsInt(rip), d.IsInt(reason), d.IsInt(qual)),
                    "vmx_exit_post: VMCS GUEST_RIP, EXIT_REASON, EXIT_QUALIFICATION are not all Vint")) return fail;
            var (cpu, vmx) = (a.CpuId, a.Vmx);
            vmx = d.SetSlot(vmx, cpu, d.Z(VmxSlots.G_RIP), d.Vint(d.IntOf(rip)));
            vmx = d.SetSlot(vmx, cpu, d.Z(VmxSlots.EXIT_REASON), d.Vint(d.IntOf(reason)));
            vmx = d.SetSlot(vmx, cpu, d.Z(VmxSlots.EXIT_QUALIFICATION), d.Vint(d.IntOf(qual)));
            vmx = d.SetSlot(vmx, cpu, d.Z(VmxSlots.LAUNCHED), Launched(ref d));
            return new CStep<T>(true, a with { Vmx = vmx }, mem, d.Vundef);
        }

        /// <summary>The value LAUNCHED gets: Vint 1.</summary>
        protected virtual Val<T> Launched(ref D d) => d.Vint(d.Repr(d.Z(1)));
    }

    /// <summary>The VMX module's vmx_exit_post over VMCSInit: three vmcs_readz, then four Mint32 stores.</summary>
    public sealed class Low() : PrimSpec(VmxExitPost.Primitive, LayerNames.VMCSInit)
    {
        protected override SpecCode<T, D> Create<T, D>() => new LowCode<T, D>();
    }

    public class LowCode<T, D> : CSpecCode<T, D> where D : struct, ISpecDomain<T>
    {
        public override CStep<T> Call(ref D d, AbsData<T> a, Mem<T> mem, ReadOnlySpan<Val<T>> args)
        {
            var fail = new CStep<T>(false, a, mem, d.Vundef);
            if (!d.Require(KernelMode(ref d, a), "vmx_exit_post (low): needs kernel_mode")) return fail;
            if (!VmcsInit.VmcsReadz(ref d, a, d.Z(VmcsFields.GUEST_RIP), "GUEST_RIP", out var rip)) return fail;
            if (!VmcsInit.VmcsReadz(ref d, a, d.Z(VmcsFields.EXIT_REASON), "EXIT_REASON", out var reason)) return fail;
            if (!VmcsInit.VmcsReadz(ref d, a, d.Z(QualificationField), "EXIT_QUALIFICATION", out var qual)) return fail;
            var m = mem;
            if (!Store(ref d, a, ref m, VmxSlots.G_RIP, d.Vint(d.Repr(rip)))) return fail;
            if (!Store(ref d, a, ref m, ReasonSlot, d.Vint(d.Repr(reason)))) return fail;
            if (!Store(ref d, a, ref m, VmxSlots.EXIT_QUALIFICATION, d.Vint(d.Repr(qual)))) return fail;
            if (!SetLaunched(ref d, a, ref m)) return fail;
            return new CStep<T>(true, a, m, d.Vundef);
        }

        /// <summary>The VMCS field the qualification is read from: EXIT_QUALIFICATION.</summary>
        protected virtual int QualificationField => VmcsFields.EXIT_QUALIFICATION;

        /// <summary>The slot the exit reason is stored into: EXIT_REASON (27).</summary>
        protected virtual int ReasonSlot => VmxSlots.EXIT_REASON;

        /// <summary>LAUNCHED := Vint 1.</summary>
        protected virtual bool SetLaunched(ref D d, AbsData<T> a, ref Mem<T> mem) => Store(ref d, a, ref mem, VmxSlots.LAUNCHED, d.Vint(d.Repr(d.Z(1))));

        // failure texts built once: the concrete domain runs these specs millions of times
        static readonly string[] storeFails = SpecText.PerSlot(s => $"vmx_exit_post (low): Mint32 store into {VmxSlots.Describe(s)} fails");

        protected static bool Store(ref D d, AbsData<T> a, ref Mem<T> mem, int slot, Val<T> v)
        {
            mem = d.StoreVmxLoc(mem, SlotOffset(ref d, a.CpuId, d.Z(slot)), v, out var ok);
            return d.Require(ok, storeFails[slot]);
        }
    }
}
