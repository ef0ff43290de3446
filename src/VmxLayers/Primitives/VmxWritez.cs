using VmxLayers.Constants;
using VmxLayers.Spec;
using static VmxLayers.Spec.SpecHelpers;

namespace VmxLayers.Primitives;

/// <summary>void vmx_writez(unsigned i, unsigned value): write slot i of the current CPU's save area.</summary>
public static class VmxWritez
{
    public static readonly Primitive Primitive = new("vmx_writez", PrimKind.C, 2,
        "C: ikern∧pg∧ihost, 0≤i<38 → V[i] := Vint x; low: Mint32 store into VMX_LOC[152·cpu+4i]");

    /// <summary>PVMXIntro's vmx_writez_spec.</summary>
    public sealed class High() : PrimSpec(VmxWritez.Primitive, LayerNames.PVMXIntro)
    {
        protected override SpecCode<T, D> Create<T, D>() => new HighCode<T, D>();
    }

    public class HighCode<T, D> : CSpecCode<T, D> where D : struct, ISpecDomain<T>
    {
        public override CStep<T> Call(ref D d, AbsData<T> a, Mem<T> mem, ReadOnlySpan<Val<T>> args)
        {
            var fail = new CStep<T>(false, a, mem, d.Vundef);
            if (!d.Require(Flags(ref d, a), "vmx_writez: needs ikern ∧ pg ∧ ihost")) return fail;
            if (!d.Require(d.And(d.IsInt(args[0]), d.IsInt(args[1])), "vmx_writez: an argument is not a Vint")) return fail;
            var i = d.Unsigned(d.IntOf(args[0]));
            if (!d.Require(InRange(ref d, i, d.Z(VmxSlots.Size)), "vmx_writez: index out of [0, 38)")) return fail;
            var v = d.Vint(d.Repr(d.Unsigned(d.IntOf(args[1]))));
            return new CStep<T>(true, a with { Vmx = d.SetSlot(a.Vmx, a.CpuId, i, v) }, mem, d.Vundef);
        }

        /// <summary>ikern ∧ pg ∧ ihost.</summary>
        protected virtual Bool<T> Flags(ref D d, AbsData<T> a) => All(ref d, a.Ikern, a.Pg, a.Ihost);
    }

    /// <summary>The VMX module's vmx_writez over VMCSInit: a Mint32 store into VMX_LOC.</summary>
    public sealed class Low() : PrimSpec(VmxWritez.Primitive, LayerNames.VMCSInit)
    {
        protected override SpecCode<T, D> Create<T, D>() => new LowCode<T, D>();
    }

    public class LowCode<T, D> : CSpecCode<T, D> where D : struct, ISpecDomain<T>
    {
        public override CStep<T> Call(ref D d, AbsData<T> a, Mem<T> mem, ReadOnlySpan<Val<T>> args)
        {
            var fail = new CStep<T>(false, a, mem, d.Vundef);
            if (!d.Require(KernelMode(ref d, a), "vmx_writez (low): needs kernel_mode")) return fail;
            if (!d.Require(d.And(d.IsInt(args[0]), d.IsInt(args[1])), "vmx_writez (low): an argument is not a Vint")) return fail;
            var i = d.Unsigned(d.IntOf(args[0]));
            if (!d.Require(IndexInRange(ref d, i), "vmx_writez (low): index out of [0, 38)")) return fail;
            var m = Store(ref d, a, mem, i, args[1], out var ok);
            if (!d.Require(ok, "vmx_writez (low): Mint32 store into the slot fails")) return fail;
            return new CStep<T>(true, a, m, d.Vundef);
        }

        /// <summary>0 ≤ i &lt; VMX_Size.</summary>
        protected virtual Bool<T> IndexInRange(ref D d, Z<T> i) => InRange(ref d, i, d.Z(VmxSlots.Size));

        /// <summary>Mem.store Mint32 VMX_LOC (152·cpu + 4·i) x.</summary>
        protected virtual Mem<T> Store(ref D d, AbsData<T> a, Mem<T> mem, Z<T> i, Val<T> x, out Bool<T> ok) =>
            d.StoreVmxLoc(mem, SlotOffset(ref d, a.CpuId, i), x, out ok);
    }
}
