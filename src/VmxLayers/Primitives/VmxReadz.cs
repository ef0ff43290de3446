using VmxLayers.Constants;
using VmxLayers.Spec;
using static VmxLayers.Spec.SpecHelpers;

namespace VmxLayers.Primitives;

/// <summary>unsigned vmx_readz(unsigned i): read slot i of the current CPU's VMX save area.</summary>
public static class VmxReadz
{
    public static readonly Primitive Primitive = new("vmx_readz", PrimKind.C, 1,
        "C: ikern∧pg∧ihost, 0≤i<38, V[i]=Vint v → returns v; low: Mint32 load of VMX_LOC[152·cpu+4i]");

    /// <summary>PVMXIntro's vmx_readz_spec: the save area is abstract state.</summary>
    public sealed class High() : PrimSpec(VmxReadz.Primitive, LayerNames.PVMXIntro)
    {
        protected override SpecCode<T, D> Create<T, D>() => new HighCode<T, D>();
    }

    public class HighCode<T, D> : CSpecCode<T, D> where D : struct, ISpecDomain<T>
    {
        public override CStep<T> Call(ref D d, AbsData<T> a, Mem<T> mem, ReadOnlySpan<Val<T>> args)
        {
            var fail = new CStep<T>(false, a, mem, d.Vundef);
            if (!d.Require(Flags(ref d, a), "vmx_readz: needs ikern ∧ pg ∧ ihost")) return fail;
            if (!d.Require(d.IsInt(args[0]), "vmx_readz: the argument is not a Vint")) return fail;
            var i = d.Unsigned(d.IntOf(args[0]));
            if (!d.Require(IndexInRange(ref d, i), "vmx_readz: index out of [0, 38)")) return fail;
            var x = d.Slot(a.Vmx, a.CpuId, i);
            if (!d.Require(d.IsInt(x), "vmx_readz: the slot is not a Vint")) return fail;
            return new CStep<T>(true, a, mem, d.Vint(d.IntOf(x)));
        }

        /// <summary>ikern ∧ pg ∧ ihost.</summary>
        protected virtual Bool<T> Flags(ref D d, AbsData<T> a) => All(ref d, a.Ikern, a.Pg, a.Ihost);

        /// <summary>0 ≤ i &lt; VMX_Size.</summary>
        protected virtual Bool<T> IndexInRange(ref D d, Z<T> i) => InRange(ref d, i, d.Z(VmxSlots.Size));
    }

    /// <summary>The VMX module's vmx_readz over VMCSInit: a Mint32 load from VMX_LOC.</summary>
    public sealed class Low() : PrimSpec(VmxReadz.Primitive, LayerNames.VMCSInit)
    {
        protected override SpecCode<T, D> Create<T, D>() => new LowCode<T, D>();
    }

    public class LowCode<T, D> : CSpecCode<T, D> where D : struct, ISpecDomain<T>
    {
        public override CStep<T> Call(ref D d, AbsData<T> a, Mem<T> mem, ReadOnlySpan<Val<T>> args)
        {
            var fail = new CStep<T>(false, a, mem, d.Vundef);
            if (!d.Require(Mode(ref d, a), "vmx_readz (low): needs kernel_mode")) return fail;
            if (!d.Require(d.IsInt(args[0]), "vmx_readz (low): the argument is not a Vint")) return fail;
            var i = d.Unsigned(d.IntOf(args[0]));
            if (!d.Require(InRange(ref d, i, d.Z(VmxSlots.Size)), "vmx_readz (low): index out of [0, 38)")) return fail;
            var v = d.LoadVmxLoc(mem, SlotOffset(ref d, a.CpuId, i), out var ok);
            if (!d.Require(ok, "vmx_readz (low): Mint32 load of the slot fails")) return fail;
            return Result(ref d, a, mem, v);
        }

        /// <summary>kernel_mode.</summary>
        protected virtual Bool<T> Mode(ref D d, AbsData<T> a) => KernelMode(ref d, a);

        /// <summary>The loaded word must be a Vint; its integer is returned.</summary>
        protected virtual CStep<T> Result(ref D d, AbsData<T> a, Mem<T> mem, Val<T> v)
        {
            if (!d.Require(d.IsInt(v), "vmx_readz (low): the loaded slot is not a Vint")) return new CStep<T>(false, a, mem, d.Vundef);
            return new CStep<T>(true, a, mem, d.Vint(d.IntOf(v)));
        }
    }
}
