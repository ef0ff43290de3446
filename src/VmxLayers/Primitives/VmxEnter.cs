using VmxLayers.Layers;
using VmxLayers.Semantics;
using VmxLayers.Spec;
using static VmxLayers.Spec.SpecHelpers;

namespace VmxLayers.Primitives;

/// <summary>vmx_enter (asm): save host EBP/EDI, load the guest registers, leave host mode, jump to the guest RIP.</summary>
public static class VmxEnter
{
    public const string Summary = "asm: ikern∧ihost∧pg∧init, PC=&vmx_enter, ESP defined (stack block if a pointer) → V[33],V[34] := EBP,EDI; ihost := false; EAX..EBP := V[0,2,6,8,10,12]; PC := V[14]";

    /// <summary>The guest registers restored, with their slots.</summary>
    static readonly (Preg Reg, int Slot)[] restored =
        [(Preg.EAX, VmxSlots.G_RAX), (Preg.EBX, VmxSlots.G_RBX), (Preg.EDX, VmxSlots.G_RDX),
         (Preg.ESI, VmxSlots.G_RSI), (Preg.EDI, VmxSlots.G_RDI), (Preg.EBP, VmxSlots.G_RBP)];

    /// <summary>ESP ≠ Vundef and, if a pointer, into a valid non-global block.</summary>
    static T EspOk<T, D>(ref D d, T rs, T mem) where D : ISpecDomain<T>
    {
        T esp = d.Reg(rs, Preg.ESP);
        T stack = d.And(d.Le(d.GenvNext, d.BlockOf(esp)), d.Lt(d.BlockOf(esp), d.NextBlock(mem)));
        return d.And(d.Not(d.IsUndef(esp)), d.Implies(d.IsPtr(esp), stack));
    }

    public static AsmStep<T> High<T, D>(ref D d, AbsData<T> a, T mem, T rs) where D : ISpecDomain<T>
    {
        var fail = new AsmStep<T>(false, a, mem, rs);
        if (!d.Require(All(ref d, a.Ikern, a.Ihost, a.Pg, a.Init), "vmx_enter: needs ikern ∧ ihost ∧ pg ∧ init")) return fail;
        if (!d.Require(d.ValEq(d.Reg(rs, Preg.PC), d.SymbolPtr(Global.vmx_enter)), "vmx_enter: PC is not &vmx_enter")) return fail;
        if (d.Mutant != MutantId.HighEnterDropsEspCheck
            && !d.Require(EspOk(ref d, rs, mem), "vmx_enter: ESP is undefined or not a stack pointer")) return fail;
        T cpu = a.CpuId, vmx = a.Vmx;
        Span<(Preg, T)> ret = [default, default, default, default, default, default];
        T typed = d.Bool(true);
        for (int k = 0; k < restored.Length; k++)
        {
            T v = d.Slot(vmx, cpu, d.Z(restored[k].Slot));
            ret[k] = (restored[k].Reg, v);
            typed = d.And(typed, NType(ref d, v));
        }
        T rip = d.Slot(vmx, cpu, d.Z(VmxSlots.G_RIP));
        if (!d.Require(d.And(typed, NType(ref d, rip)), "vmx_enter: N_TYPE: a returned register is not Vundef/Vint/Vptr")) return fail;
        vmx = d.SetSlot(vmx, cpu, d.Z(VmxSlots.HOST_EBP), d.Reg(rs, Preg.EBP));
        vmx = d.SetSlot(vmx, cpu, d.Z(VmxSlots.HOST_EDI), d.Reg(rs, Preg.EDI));
        T ihost = d.Mutant == MutantId.HighEnterKeepsIhost ? a.Ihost : d.Bool(false);
        T output = AsmConvention.Output(ref d, rs, ret, rip);
        return new AsmStep<T>(true, a with { Vmx = vmx, Ihost = ihost }, mem, output);
    }

    public static AsmStep<T> Low<T, D>(ref D d, AbsData<T> a, T mem, T rs) where D : ISpecDomain<T>
    {
        var fail = new AsmStep<T>(false, a, mem, rs);
        if (!d.Require(KernelMode(ref d, a), "vmx_enter (low): needs kernel_mode")) return fail;
        if (!d.Require(d.ValEq(d.Reg(rs, Preg.PC), d.SymbolPtr(Global.vmx_enter)), "vmx_enter (low): PC is not &vmx_enter")) return fail;
        if (d.Mutant != MutantId.EnterDropsEspCheck
            && !d.Require(EspOk(ref d, rs, mem), "vmx_enter (low): ESP is undefined or not a stack pointer")) return fail;
        T cpu = a.CpuId, m = mem;
        int ebpSlot = d.Mutant == MutantId.EnterLoadsRaxAfterStoringEbpIntoIt ? VmxSlots.G_RAX : VmxSlots.HOST_EBP;
        if (!Store(ref d, cpu, ref m, ebpSlot, d.Reg(rs, Preg.EBP))) return fail;
        if (!Store(ref d, cpu, ref m, VmxSlots.HOST_EDI, d.Reg(rs, Preg.EDI))) return fail;
        Span<(Preg, T)> ret = [default, default, default, default, default, default];
        for (int k = 0; k < restored.Length; k++)
        {
            if (!Load(ref d, cpu, m, restored[k].Slot, out T v)) return fail;
            ret[k] = (restored[k].Reg, v);
        }
        if (d.Mutant == MutantId.EnterSwapsEbxEdx) (ret[1].Item2, ret[2].Item2) = (ret[2].Item2, ret[1].Item2);
        if (!Load(ref d, cpu, m, VmxSlots.G_RIP, out T rip)) return fail;
        if (d.Mutant == MutantId.EnterPcFromSlot12) rip = ret[5].Item2;
        AbsData<T> a2 = a;
        if (d.Mutant != MutantId.EnterSkipsHostout && !VmcsInit.Hostout(ref d, a, out a2)) return fail;
        T output = AsmConvention.Output(ref d, rs, ret, rip);
        return new AsmStep<T>(true, a2, m, output);
    }

    // failure texts built once: the concrete domain runs these specs millions of times
    static readonly string[] storeFails = SpecText.PerSlot(s => $"vmx_enter (low): Mint32 store into {VmxSlots.Describe(s)} fails");
    static readonly string[] loadFails = SpecText.PerSlot(s => $"vmx_enter (low): Mint32 load of {VmxSlots.Describe(s)} fails");

    static bool Store<T, D>(ref D d, T cpu, ref T mem, int slot, T v) where D : ISpecDomain<T>
    {
        mem = d.StoreVmxLoc(mem, SlotOffset(ref d, cpu, d.Z(slot)), v, out T ok);
        return d.Require(ok, storeFails[slot]);
    }

    static bool Load<T, D>(ref D d, T cpu, T mem, int slot, out T v) where D : ISpecDomain<T>
    {
        v = d.LoadVmxLoc(mem, SlotOffset(ref d, cpu, d.Z(slot)), out T ok);
        return d.Require(ok, loadFails[slot]);
    }
}
