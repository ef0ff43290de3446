using VmxLayers.Layers;
using VmxLayers.Semantics;
using VmxLayers.Spec;
using static VmxLayers.Spec.SpecHelpers;

namespace VmxLayers.Primitives;

/// <summary>vmx_exit (asm): save the guest registers into the save area and restore host EBP/EDI.</summary>
public static class VmxExit
{
    public const string Summary = "asm: ikern∧ihost∧pg∧init, PC=&vmx_exit, ECX=Vint(152·cpu) → V[10,0,2,6,8,12] := EDI,EAX,EBX,EDX,ESI,EBP; EDI,EBP := V[34],V[33]; PC := RA";

    /// <summary>The guest registers saved, in the order the spec stores them.</summary>
    static readonly (int Slot, Preg Reg)[] saved =
        [(VmxSlots.G_RDI, Preg.EDI), (VmxSlots.G_RAX, Preg.EAX), (VmxSlots.G_RBX, Preg.EBX),
         (VmxSlots.G_RDX, Preg.EDX), (VmxSlots.G_RSI, Preg.ESI), (VmxSlots.G_RBP, Preg.EBP)];

    // failure texts built once: the concrete domain runs these specs millions of times
    static readonly string[] storeFails = SpecText.PerSlot(s => $"vmx_exit (low): Mint32 store into {VmxSlots.Describe(s)} fails");

    public static AsmStep<T> High<T, D>(ref D d, AbsData<T> a, T mem, T rs) where D : ISpecDomain<T>
    {
        var fail = new AsmStep<T>(false, a, mem, rs);
        if (!d.Require(All(ref d, a.Ikern, a.Ihost, a.Pg, a.Init), "vmx_exit: needs ikern ∧ ihost ∧ pg ∧ init")) return fail;
        if (!d.Require(d.ValEq(d.Reg(rs, Preg.PC), d.SymbolPtr(Global.vmx_exit)), "vmx_exit: PC is not &vmx_exit")) return fail;
        if (!VmcsInit.GetCpuId(ref d, a, out T cpu)) return fail;
        if (d.Mutant != MutantId.HighExitDropsEcxCheck
            && !d.Require(d.ValEq(d.Reg(rs, Preg.ECX), d.Vint(d.Repr(d.Mul(d.Z(VmxSlots.Stride), cpu)))), "vmx_exit: ECX is not Vint(152·cpu)")) return fail;
        T vmx = a.Vmx;
        foreach (var (slot, reg) in saved) vmx = d.SetSlot(vmx, cpu, d.Z(slot), d.Reg(rs, reg));
        if (d.Mutant == MutantId.HighExitSavesEcx) vmx = d.SetSlot(vmx, cpu, d.Z(VmxSlots.G_RCX), d.Reg(rs, Preg.ECX));
        T hostEdi = d.Slot(vmx, cpu, d.Z(VmxSlots.HOST_EDI)), hostEbp = d.Slot(vmx, cpu, d.Z(VmxSlots.HOST_EBP));
        if (!d.Require(d.And(NType(ref d, hostEdi), NType(ref d, hostEbp)), "vmx_exit: N_TYPE: a returned register is not Vundef/Vint/Vptr")) return fail;
        T output = AsmConvention.Output(ref d, rs, [(Preg.EDI, hostEdi), (Preg.EBP, hostEbp)], d.Reg(rs, Preg.RA));
        return new AsmStep<T>(true, a with { Vmx = vmx }, mem, output);
    }

    public static AsmStep<T> Low<T, D>(ref D d, AbsData<T> a, T mem, T rs) where D : ISpecDomain<T>
    {
        var fail = new AsmStep<T>(false, a, mem, rs);
        if (!d.Require(KernelMode(ref d, a), "vmx_exit (low): needs kernel_mode")) return fail;
        if (!d.Require(d.ValEq(d.Reg(rs, Preg.PC), d.SymbolPtr(Global.vmx_exit)), "vmx_exit (low): PC is not &vmx_exit")) return fail;
        T cpu = a.CpuId;
        if (d.Mutant != MutantId.ExitDropsEcxCheck
            && !d.Require(d.ValEq(d.Reg(rs, Preg.ECX), d.Vint(d.Repr(d.Mul(d.Z(VmxSlots.Stride), cpu)))), "vmx_exit (low): ECX is not Vint(152·cpu)")) return fail;
        long stride = d.Mutant == MutantId.ExitWrongStride38 ? VmxSlots.Size : VmxSlots.Stride;
        T m = mem;
        foreach (var (slot, reg) in saved)
        {
            if (reg == Preg.EDI && d.Mutant == MutantId.ExitSkipsEdiStore) continue;
            int target = reg == Preg.EBX && d.Mutant == MutantId.ExitStoresEbxIntoSlot4 ? VmxSlots.G_RCX : slot;
            m = d.StoreVmxLoc(m, SlotOffset(ref d, cpu, d.Z(target), stride), d.Reg(rs, reg), out T ok);
            if (!d.Require(ok, storeFails[target])) return fail;
        }
        if (d.Mutant == MutantId.ExitStoresIntoNextCpu)
        {
            m = d.StoreVmxLoc(m, SlotOffset(ref d, d.Add(cpu, d.Z(1)), d.Z(VmxSlots.G_RAX)), d.Reg(rs, Preg.EAX), out T ok);
            if (!d.Require(ok, "vmx_exit (low): Mint32 store into the next CPU's slot 0 fails")) return fail;
        }
        int ebpSlot = d.Mutant == MutantId.ExitLoadsHostEbpFromSlot32 ? VmxSlots.FAILED : VmxSlots.HOST_EBP;
        T vEbp = d.LoadVmxLoc(m, SlotOffset(ref d, cpu, d.Z(ebpSlot), stride), out T okEbp);
        if (!d.Require(okEbp, "vmx_exit (low): Mint32 load of slot 33 (HOST_EBP) fails")) return fail;
        T vEdi = d.LoadVmxLoc(m, SlotOffset(ref d, cpu, d.Z(VmxSlots.HOST_EDI), stride), out T okEdi);
        if (!d.Require(okEdi, "vmx_exit (low): Mint32 load of slot 34 (HOST_EDI) fails")) return fail;
        if (d.Mutant == MutantId.ExitSwapsHostEbpEdi) (vEbp, vEdi) = (vEdi, vEbp);
        T output = AsmConvention.Output(ref d, rs, [(Preg.EDI, vEdi), (Preg.EBP, vEbp)], d.Reg(rs, Preg.RA));
        return new AsmStep<T>(true, a, m, output);
    }
}
