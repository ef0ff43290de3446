using VmxLayers.Layers;
using VmxLayers.Spec;
using static VmxLayers.Spec.SpecHelpers;

namespace VmxLayers.Primitives;

/// <summary>unsigned vmx_readz(unsigned i): read slot i of the current CPU's VMX save area.</summary>
public static class VmxReadz
{
    public const string Summary = "C: ikern∧pg∧ihost, 0≤i<38, V[i]=Vint v → returns v; low: Mint32 load of VMX_LOC[152·cpu+4i]";

    /// <summary>PVMXIntro: the save area is abstract state.</summary>
    public static CStep<T> High<T, D>(ref D d, AbsData<T> a, T mem, T arg) where D : ISpecDomain<T>
    {
        var fail = new CStep<T>(false, a, mem, d.Vundef);
        if (!d.Require(All(ref d, a.Ikern, a.Pg, a.Ihost), "vmx_readz: needs ikern ∧ pg ∧ ihost")) return fail;
        if (!d.Require(d.IsInt(arg), "vmx_readz: the argument is not a Vint")) return fail;
        T i = d.Unsigned(d.IntOf(arg));
        T inRange = d.Mutant == MutantId.HighReadzSignedRange
            ? d.Or(d.Lt(i, d.Z(VmxSlots.Size)), d.Le(d.Z(1L << 31), i))   // signed i < 38
            : InRange(ref d, i, d.Z(VmxSlots.Size));
        if (!d.Require(inRange, "vmx_readz: index out of [0, 38)")) return fail;
        T x = d.Slot(a.Vmx, a.CpuId, i);
        if (!d.Require(d.IsInt(x), "vmx_readz: the slot is not a Vint")) return fail;
        return new CStep<T>(true, a, mem, d.Vint(d.IntOf(x)));
    }

    /// <summary>The VMX module over VMCSInit: a Mint32 load from VMX_LOC.</summary>
    public static CStep<T> Low<T, D>(ref D d, AbsData<T> a, T mem, T arg) where D : ISpecDomain<T>
    {
        var fail = new CStep<T>(false, a, mem, d.Vundef);
        T mode = d.Mutant == MutantId.ReadzIgnoresIhost ? a.Ikern : KernelMode(ref d, a);
        if (!d.Require(mode, "vmx_readz (low): needs kernel_mode")) return fail;
        if (!d.Require(d.IsInt(arg), "vmx_readz (low): the argument is not a Vint")) return fail;
        T i = d.Unsigned(d.IntOf(arg));
        if (!d.Require(InRange(ref d, i, d.Z(VmxSlots.Size)), "vmx_readz (low): index out of [0, 38)")) return fail;
        T v = d.LoadVmxLoc(mem, SlotOffset(ref d, a.CpuId, i), out T ok);
        if (!d.Require(ok, "vmx_readz (low): Mint32 load of the slot fails")) return fail;
        if (d.Mutant == MutantId.ReadzNoVintCheck) return new CStep<T>(true, a, mem, v);
        if (!d.Require(d.IsInt(v), "vmx_readz (low): the loaded slot is not a Vint")) return fail;
        return new CStep<T>(true, a, mem, d.Vint(d.IntOf(v)));
    }
}
