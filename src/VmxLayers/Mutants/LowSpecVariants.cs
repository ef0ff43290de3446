using VmxLayers.Constants;
using VmxLayers.Primitives;
using VmxLayers.Semantics;
using VmxLayers.Spec;
using static VmxLayers.Spec.SpecHelpers;

namespace VmxLayers.Mutants;

// Wrong variants of the low specs (the VMX module over VMCSInit). Each replaces exactly one named step of the real
// spec (a virtual member of its code class) and is registered in MutantCatalog.

sealed class ExitStoresEbxIntoSlot4() : PrimSpec(VmxExit.Primitive, LayerNames.VMCSInit)
{
    protected override SpecCode<T, D> Create<T, D>() => new Variant<T, D>();
    sealed class Variant<T, D> : VmxExit.LowCode<T, D> where D : struct, ISpecDomain<T>
    {
        protected override (int Slot, Preg Reg)[] SavedRegisters =>
            [.. VmxExit.Saved.Select(s => s.Reg == Preg.EBX ? (VmxSlots.G_RCX, Preg.EBX) : s)];
    }
}

sealed class ExitSkipsEdiStore() : PrimSpec(VmxExit.Primitive, LayerNames.VMCSInit)
{
    protected override SpecCode<T, D> Create<T, D>() => new Variant<T, D>();
    sealed class Variant<T, D> : VmxExit.LowCode<T, D> where D : struct, ISpecDomain<T>
    {
        protected override (int Slot, Preg Reg)[] SavedRegisters => [.. VmxExit.Saved.Where(s => s.Reg != Preg.EDI)];
    }
}

sealed class ExitLoadsHostEbpFromSlot32() : PrimSpec(VmxExit.Primitive, LayerNames.VMCSInit)
{
    protected override SpecCode<T, D> Create<T, D>() => new Variant<T, D>();
    sealed class Variant<T, D> : VmxExit.LowCode<T, D> where D : struct, ISpecDomain<T>
    {
        protected override int HostEbpSlot => VmxSlots.FAILED;
    }
}

sealed class ExitSwapsHostEbpEdi() : PrimSpec(VmxExit.Primitive, LayerNames.VMCSInit)
{
    protected override SpecCode<T, D> Create<T, D>() => new Variant<T, D>();
    sealed class Variant<T, D> : VmxExit.LowCode<T, D> where D : struct, ISpecDomain<T>
    {
        protected override (Val<T> Edi, Val<T> Ebp) Returned(Val<T> ebp, Val<T> edi) => (ebp, edi);
    }
}

sealed class ExitDropsEcxCheck() : PrimSpec(VmxExit.Primitive, LayerNames.VMCSInit)
{
    protected override SpecCode<T, D> Create<T, D>() => new Variant<T, D>();
    sealed class Variant<T, D> : VmxExit.LowCode<T, D> where D : struct, ISpecDomain<T>
    {
        protected override Bool<T> EcxGuard(ref D d, Regs<T> rs, Z<T> cpu) => d.Bool(true);
    }
}

sealed class ExitWrongStride38() : PrimSpec(VmxExit.Primitive, LayerNames.VMCSInit)
{
    protected override SpecCode<T, D> Create<T, D>() => new Variant<T, D>();
    sealed class Variant<T, D> : VmxExit.LowCode<T, D> where D : struct, ISpecDomain<T>
    {
        protected override long Stride => VmxSlots.Size;
    }
}

sealed class ExitStoresIntoNextCpu() : PrimSpec(VmxExit.Primitive, LayerNames.VMCSInit)
{
    protected override SpecCode<T, D> Create<T, D>() => new Variant<T, D>();
    sealed class Variant<T, D> : VmxExit.LowCode<T, D> where D : struct, ISpecDomain<T>
    {
        protected override bool SaveGuest(ref D d, Z<T> cpu, Regs<T> rs, ref Mem<T> m)
        {
            if (!base.SaveGuest(ref d, cpu, rs, ref m)) return false;
            m = d.StoreVmxLoc(m, SlotOffset(ref d, d.Add(cpu, d.Z(1)), d.Z(VmxSlots.G_RAX)), d.Reg(rs, Preg.EAX), out var ok);
            return d.Require(ok, "vmx_exit (low): Mint32 store into the next CPU's slot 0 fails");
        }
    }
}

sealed class WritezRangeLe38() : PrimSpec(VmxWritez.Primitive, LayerNames.VMCSInit)
{
    protected override SpecCode<T, D> Create<T, D>() => new Variant<T, D>();
    sealed class Variant<T, D> : VmxWritez.LowCode<T, D> where D : struct, ISpecDomain<T>
    {
        protected override Bool<T> IndexInRange(ref D d, Z<T> i) => InRange(ref d, i, d.Z(VmxSlots.Size + 1));
    }
}

sealed class WritezStoresIntoSlotPlus1() : PrimSpec(VmxWritez.Primitive, LayerNames.VMCSInit)
{
    protected override SpecCode<T, D> Create<T, D>() => new Variant<T, D>();
    sealed class Variant<T, D> : VmxWritez.LowCode<T, D> where D : struct, ISpecDomain<T>
    {
        protected override Mem<T> Store(ref D d, AbsData<T> a, Mem<T> mem, Z<T> i, Val<T> x, out Bool<T> ok) =>
            base.Store(ref d, a, mem, d.Add(i, d.Z(1)), x, out ok);
    }
}

sealed class ReadzIgnoresIhost() : PrimSpec(VmxReadz.Primitive, LayerNames.VMCSInit)
{
    protected override SpecCode<T, D> Create<T, D>() => new Variant<T, D>();
    sealed class Variant<T, D> : VmxReadz.LowCode<T, D> where D : struct, ISpecDomain<T>
    {
        protected override Bool<T> Mode(ref D d, AbsData<T> a) => a.Ikern;
    }
}

sealed class ReadzNoVintCheck() : PrimSpec(VmxReadz.Primitive, LayerNames.VMCSInit)
{
    protected override SpecCode<T, D> Create<T, D>() => new Variant<T, D>();
    sealed class Variant<T, D> : VmxReadz.LowCode<T, D> where D : struct, ISpecDomain<T>
    {
        protected override CStep<T> Result(ref D d, AbsData<T> a, Mem<T> mem, Val<T> v) => new(true, a, mem, v);
    }
}

sealed class EnterSkipsHostout() : PrimSpec(VmxEnter.Primitive, LayerNames.VMCSInit)
{
    protected override SpecCode<T, D> Create<T, D>() => new Variant<T, D>();
    sealed class Variant<T, D> : VmxEnter.LowCode<T, D> where D : struct, ISpecDomain<T>
    {
        protected override bool Hostout(ref D d, AbsData<T> a, out AbsData<T> result) { result = a; return true; }
    }
}

sealed class EnterDropsEspCheck() : PrimSpec(VmxEnter.Primitive, LayerNames.VMCSInit)
{
    protected override SpecCode<T, D> Create<T, D>() => new Variant<T, D>();
    sealed class Variant<T, D> : VmxEnter.LowCode<T, D> where D : struct, ISpecDomain<T>
    {
        protected override Bool<T> EspGuard(ref D d, Regs<T> rs, Mem<T> mem) => d.Bool(true);
    }
}

sealed class EnterPcFromSlot12() : PrimSpec(VmxEnter.Primitive, LayerNames.VMCSInit)
{
    protected override SpecCode<T, D> Create<T, D>() => new Variant<T, D>();
    sealed class Variant<T, D> : VmxEnter.LowCode<T, D> where D : struct, ISpecDomain<T>
    {
        protected override int RipSlot => VmxSlots.G_RBP;
    }
}

sealed class EnterLoadsRaxAfterStoringEbpIntoIt() : PrimSpec(VmxEnter.Primitive, LayerNames.VMCSInit)
{
    protected override SpecCode<T, D> Create<T, D>() => new Variant<T, D>();
    sealed class Variant<T, D> : VmxEnter.LowCode<T, D> where D : struct, ISpecDomain<T>
    {
        protected override bool SaveHost(ref D d, Z<T> cpu, Regs<T> rs, ref Mem<T> m) =>
            Store(ref d, cpu, ref m, VmxSlots.G_RAX, d.Reg(rs, Preg.EBP)) && Store(ref d, cpu, ref m, VmxSlots.HOST_EDI, d.Reg(rs, Preg.EDI));
    }
}

sealed class EnterSwapsEbxEdx() : PrimSpec(VmxEnter.Primitive, LayerNames.VMCSInit)
{
    protected override SpecCode<T, D> Create<T, D>() => new Variant<T, D>();
    sealed class Variant<T, D> : VmxEnter.LowCode<T, D> where D : struct, ISpecDomain<T>
    {
        protected override (Preg Reg, int Slot)[] RestoredRegisters =>
            [.. VmxEnter.Restored.Select(r => r.Reg switch { Preg.EBX => (Preg.EBX, VmxSlots.G_RDX), Preg.EDX => (Preg.EDX, VmxSlots.G_RBX), _ => r })];
    }
}

sealed class EnterPreWritesGuestRsp() : PrimSpec(VmxEnterPre.Primitive, LayerNames.VMCSInit)
{
    protected override SpecCode<T, D> Create<T, D>() => new Variant<T, D>();
    sealed class Variant<T, D> : VmxEnterPre.LowCode<T, D> where D : struct, ISpecDomain<T>
    {
        protected override int RipField => VmcsFields.GUEST_RSP;
    }
}

sealed class EnterPreLoadsSlot15() : PrimSpec(VmxEnterPre.Primitive, LayerNames.VMCSInit)
{
    protected override SpecCode<T, D> Create<T, D>() => new Variant<T, D>();
    sealed class Variant<T, D> : VmxEnterPre.LowCode<T, D> where D : struct, ISpecDomain<T>
    {
        protected override Val<T> LoadRip(ref D d, AbsData<T> a, Mem<T> mem, out Bool<T> ok) =>
            d.LoadVmxLoc(mem, SlotOffset(ref d, a.CpuId, d.Z(VmxSlots.G_RIP + 1)), out ok);
    }
}

sealed class ExitPostStoresReasonIntoSlot28() : PrimSpec(VmxExitPost.Primitive, LayerNames.VMCSInit)
{
    protected override SpecCode<T, D> Create<T, D>() => new Variant<T, D>();
    sealed class Variant<T, D> : VmxExitPost.LowCode<T, D> where D : struct, ISpecDomain<T>
    {
        protected override int ReasonSlot => VmxSlots.EXIT_QUALIFICATION;
    }
}

sealed class ExitPostSkipsLaunched() : PrimSpec(VmxExitPost.Primitive, LayerNames.VMCSInit)
{
    protected override SpecCode<T, D> Create<T, D>() => new Variant<T, D>();
    sealed class Variant<T, D> : VmxExitPost.LowCode<T, D> where D : struct, ISpecDomain<T>
    {
        protected override bool SetLaunched(ref D d, AbsData<T> a, ref Mem<T> mem) => true;
    }
}

sealed class ExitPostReadsQualificationFromExitReason() : PrimSpec(VmxExitPost.Primitive, LayerNames.VMCSInit)
{
    protected override SpecCode<T, D> Create<T, D>() => new Variant<T, D>();
    sealed class Variant<T, D> : VmxExitPost.LowCode<T, D> where D : struct, ISpecDomain<T>
    {
        protected override int QualificationField => VmcsFields.EXIT_REASON;
    }
}
