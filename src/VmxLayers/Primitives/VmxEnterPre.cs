using VmxLayers.Constants;
using VmxLayers.Spec;
using static VmxLayers.Spec.SpecHelpers;

namespace VmxLayers.Primitives;

/// <summary>void vmx_enter_pre(void): copy the guest RIP slot into the VMCS before entry.</summary>
public static class VmxEnterPre
{
    public static readonly Primitive Primitive = new("vmx_enter_pre", PrimKind.C, 0,
        "C: ikern∧pg∧ihost∧init, V[14]=Vint v → VMCS GUEST_RIP := Vint v; low: load slot 14, vmcs_writez(GUEST_RIP, v)");

    /// <summary>PVMXIntro's vmx_enter_pre_spec.</summary>
    public sealed class High() : PrimSpec(VmxEnterPre.Primitive, LayerNames.PVMXIntro)
    {
        protected override SpecCode<T, D> Create<T, D>() => new HighCode<T, D>();
    }

    public class HighCode<T, D> : CSpecCode<T, D> where D : struct, ISpecDomain<T>
    {
        public override CStep<T> Call(ref D d, AbsData<T> a, Mem<T> mem, ReadOnlySpan<Val<T>> args)
        {
            var fail = new CStep<T>(false, a, mem, d.Vundef);
            if (!d.Require(All(ref d, a.Ikern, a.Pg, a.Ihost, a.Init), "vmx_enter_pre: needs ikern ∧ pg ∧ ihost ∧ init")) return fail;
            var v = d.Slot(a.Vmx, a.CpuId, d.Z(VmxSlots.G_RIP));
            if (!d.Require(d.IsInt(v), "vmx_enter_pre: slot 14 (G_RIP) is not a Vint")) return fail;
            var vmcs = d.SetVmcsField(a.Vmcs, a.CpuId, d.Z(VmcsFields.GUEST_RIP), d.Vint(d.IntOf(v)));
            return new CStep<T>(true, a with { Vmcs = vmcs }, mem, d.Vundef);
        }
    }

    /// <summary>The VMX module's vmx_enter_pre over VMCSInit: load slot 14, then vmcs_writez(GUEST_RIP, it).</summary>
    public sealed class Low() : PrimSpec(VmxEnterPre.Primitive, LayerNames.VMCSInit)
    {
        protected override SpecCode<T, D> Create<T, D>() => new LowCode<T, D>();
    }

    public class LowCode<T, D> : CSpecCode<T, D> where D : struct, ISpecDomain<T>
    {
        public override CStep<T> Call(ref D d, AbsData<T> a, Mem<T> mem, ReadOnlySpan<Val<T>> args)
        {
            var fail = new CStep<T>(false, a, mem, d.Vundef);
            if (!d.Require(KernelMode(ref d, a), "vmx_enter_pre (low): needs kernel_mode")) return fail;
            var v = LoadRip(ref d, a, mem, out var ok);
            if (!d.Require(ok, "vmx_enter_pre (low): Mint32 load of slot 14 fails")) return fail;
            if (!d.Require(d.IsInt(v), "vmx_enter_pre (low): slot 14 is not a Vint")) return fail;
            if (!VmcsInit.VmcsWritez(ref d, a, d.Z(RipField), d.Unsigned(d.IntOf(v)), "GUEST_RIP", out var a2)) return fail;
            return new CStep<T>(true, a2, mem, d.Vundef);
        }

        /// <summary>The Mint32 load of slot 14 (G_RIP).</summary>
        protected virtual Val<T> LoadRip(ref D d, AbsData<T> a, Mem<T> mem, out Bool<T> ok) =>
            d.LoadVmxLoc(mem, SlotOffset(ref d, a.CpuId, d.Z(VmxSlots.G_RIP)), out ok);

        /// <summary>The VMCS field written: GUEST_RIP.</summary>
        protected virtual int RipField => VmcsFields.GUEST_RIP;
    }
}
