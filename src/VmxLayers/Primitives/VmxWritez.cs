using VmxLayers.Layers;
using VmxLayers.Spec;
using static VmxLayers.Spec.SpecHelpers;

namespace VmxLayers.Primitives;

/// <summary>void vmx_writez(unsigned i, unsigned value): write slot i of the current CPU's save area.</summary>
public static class VmxWritez
{
    public const string Summary = "C: ikern∧pg∧ihost, 0≤i<38 → V[i] := Vint x; low: Mint32 store into VMX_LOC[152·cpu+4i]";

    public static CStep<T> High<T, D>(ref D d, AbsData<T> a, T mem, T argI, T argX) where D : ISpecDomain<T>
    {
        var fail = new CStep<T>(false, a, mem, d.Vundef);
        T flags = d.Mutant == MutantId.HighWritezDropsIhostCheck ? d.And(a.Ikern, a.Pg) : All(ref d, a.Ikern, a.Pg, a.Ihost);
        if (!d.Require(flags, "vmx_writez: needs ikern ∧ pg ∧ ihost")) return fail;
        if (!d.Require(d.And(d.IsInt(argI), d.IsInt(argX)), "vmx_writez: an argument is not a Vint")) return fail;
        T i = d.Unsigned(d.IntOf(argI));
        if (!d.Require(InRange(ref d, i, d.Z(VmxSlots.Size)), "vmx_writez: index out of [0, 38)")) return fail;
        T v = d.Vint(d.Repr(d.Unsigned(d.IntOf(argX))));
        return new CStep<T>(true, a with { Vmx = d.SetSlot(a.Vmx, a.CpuId, i, v) }, mem, d.Vundef);
    }

    public static CStep<T> Low<T, D>(ref D d, AbsData<T> a, T mem, T argI, T argX) where D : ISpecDomain<T>
    {
        var fail = new CStep<T>(false, a, mem, d.Vundef);
        if (!d.Require(KernelMode(ref d, a), "vmx_writez (low): needs kernel_mode")) return fail;
        if (!d.Require(d.And(d.IsInt(argI), d.IsInt(argX)), "vmx_writez (low): an argument is not a Vint")) return fail;
        T i = d.Unsigned(d.IntOf(argI));
        long bound = d.Mutant == MutantId.WritezRangeLe38 ? VmxSlots.Size + 1 : VmxSlots.Size;
        if (!d.Require(InRange(ref d, i, d.Z(bound)), "vmx_writez (low): index out of [0, 38)")) return fail;
        T slot = d.Mutant == MutantId.WritezStoresIntoSlotPlus1 ? d.Add(i, d.Z(1)) : i;
        T m = d.StoreVmxLoc(mem, SlotOffset(ref d, a.CpuId, slot), argX, out T ok);
        if (!d.Require(ok, "vmx_writez (low): Mint32 store into the slot fails")) return fail;
        return new CStep<T>(true, a, m, d.Vundef);
    }
}
