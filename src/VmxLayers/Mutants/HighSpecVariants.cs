using VmxLayers.Constants;
using VmxLayers.Primitives;
using VmxLayers.Semantics;
using VmxLayers.Spec;
using static VmxLayers.Spec.SpecHelpers;

namespace VmxLayers.Mutants;

// Wrong variants of the high specs (PVMXIntro). Each replaces exactly one named step of the real spec.

sealed class HighWritezDropsIhostCheck() : PrimSpec(VmxWritez.Primitive, LayerNames.PVMXIntro)
{
    protected override SpecCode<T, D> Create<T, D>() => new Variant<T, D>();
    sealed class Variant<T, D> : VmxWritez.HighCode<T, D> where D : struct, ISpecDomain<T>
    {
        protected override Bool<T> Flags(ref D d, AbsData<T> a) => d.And(a.Ikern, a.Pg);
    }
}

sealed class HighExitSavesEcx() : PrimSpec(VmxExit.Primitive, LayerNames.PVMXIntro)
{
    protected override SpecCode<T, D> Create<T, D>() => new Variant<T, D>();
    sealed class Variant<T, D> : VmxExit.HighCode<T, D> where D : struct, ISpecDomain<T>
    {
        protected override (int Slot, Preg Reg)[] SavedRegisters => [.. VmxExit.Saved, (VmxSlots.G_RCX, Preg.ECX)];
    }
}

sealed class HighEnterKeepsIhost() : PrimSpec(VmxEnter.Primitive, LayerNames.PVMXIntro)
{
    protected override SpecCode<T, D> Create<T, D>() => new Variant<T, D>();
    sealed class Variant<T, D> : VmxEnter.HighCode<T, D> where D : struct, ISpecDomain<T>
    {
        protected override AbsData<T> LeaveHost(ref D d, AbsData<T> a) => a;
    }
}

sealed class HighExitDropsEcxCheck() : PrimSpec(VmxExit.Primitive, LayerNames.PVMXIntro)
{
    protected override SpecCode<T, D> Create<T, D>() => new Variant<T, D>();
    sealed class Variant<T, D> : VmxExit.HighCode<T, D> where D : struct, ISpecDomain<T>
    {
        protected override Bool<T> EcxGuard(ref D d, Regs<T> rs, Z<T> cpu) => d.Bool(true);
    }
}

sealed class HighEnterDropsEspCheck() : PrimSpec(VmxEnter.Primitive, LayerNames.PVMXIntro)
{
    protected override SpecCode<T, D> Create<T, D>() => new Variant<T, D>();
    sealed class Variant<T, D> : VmxEnter.HighCode<T, D> where D : struct, ISpecDomain<T>
    {
        protected override Bool<T> EspGuard(ref D d, Regs<T> rs, Mem<T> mem) => d.Bool(true);
    }
}

sealed class HighExitPostLaunchedZero() : PrimSpec(VmxExitPost.Primitive, LayerNames.PVMXIntro)
{
    protected override SpecCode<T, D> Create<T, D>() => new Variant<T, D>();
    sealed class Variant<T, D> : VmxExitPost.HighCode<T, D> where D : struct, ISpecDomain<T>
    {
        protected override Val<T> Launched(ref D d) => d.Vint(d.Repr(d.Z(0)));
    }
}

sealed class HighReadzSignedRange() : PrimSpec(VmxReadz.Primitive, LayerNames.PVMXIntro)
{
    protected override SpecCode<T, D> Create<T, D>() => new Variant<T, D>();
    sealed class Variant<T, D> : VmxReadz.HighCode<T, D> where D : struct, ISpecDomain<T>
    {
        // signed i < 38: 2^31 ≤ i (a negative int) passes too
        protected override Bool<T> IndexInRange(ref D d, Z<T> i) => d.Or(d.Lt(i, d.Z(VmxSlots.Size)), d.Le(d.Z(1L << 31), i));
    }
}
