using VmxLayers.Constants;
using VmxLayers.Semantics;
using VmxLayers.Spec;
using static VmxLayers.Spec.SpecHelpers;

namespace VmxLayers.Primitives;

/// <summary>vmx_exit (asm): save the guest registers into the save area and restore host EBP/EDI.</summary>
public static class VmxExit
{
    public static readonly Primitive Primitive = new("vmx_exit", PrimKind.Asm, 0,
        "asm: ikern∧ihost∧pg∧init, PC=&vmx_exit, ECX=Vint(152·cpu) → V[10,0,2,6,8,12] := EDI,EAX,EBX,EDX,ESI,EBP; EDI,EBP := V[34],V[33]; PC := RA",
        Global.vmx_exit);

    /// <summary>The guest registers saved, in the order the specs store them.</summary>
    public static readonly (int Slot, Preg Reg)[] Saved =
        [(VmxSlots.G_RDI, Preg.EDI), (VmxSlots.G_RAX, Preg.EAX), (VmxSlots.G_RBX, Preg.EBX),
         (VmxSlots.G_RDX, Preg.EDX), (VmxSlots.G_RSI, Preg.ESI), (VmxSlots.G_RBP, Preg.EBP)];

    /// <summary>ECX = Vint(repr(152·cpu)): the CPU's offset in VMX_LOC travels in ECX.</summary>
    static Bool<T> EcxIsOffset<T, D>(ref D d, Regs<T> rs, Z<T> cpu) where D : ISpecDomain<T> =>
        d.ValEq(d.Reg(rs, Preg.ECX), d.Vint(d.Repr(d.Mul(d.Z(VmxSlots.Stride), cpu))));

    /// <summary>PVMXIntro's vmx_exit_spec.</summary>
    public sealed class High() : PrimSpec(VmxExit.Primitive, LayerNames.PVMXIntro)
    {
        protected override SpecCode<T, D> Create<T, D>() => new HighCode<T, D>();
    }

    public class HighCode<T, D> : AsmSpecCode<T, D> where D : struct, ISpecDomain<T>
    {
        public override AsmStep<T> Exec(ref D d, AbsData<T> a, Mem<T> mem, Regs<T> rs)
        {
            var fail = new AsmStep<T>(false, a, mem, rs);
            if (!d.Require(All(ref d, a.Ikern, a.Ihost, a.Pg, a.Init), "vmx_exit: needs ikern ∧ ihost ∧ pg ∧ init")) return fail;
            if (!d.Require(d.ValEq(d.Reg(rs, Preg.PC), d.SymbolPtr(Global.vmx_exit)), "vmx_exit: PC is not &vmx_exit")) return fail;
            if (!VmcsInit.GetCpuId(ref d, a, out var cpu)) return fail;
            if (!d.Require(EcxGuard(ref d, rs, cpu), "vmx_exit: ECX is not Vint(152·cpu)")) return fail;
            var (vmx, saved) = (a.Vmx, SavedRegisters);
            for (int k = 0; k < saved.Length; k++) vmx = d.SetSlot(vmx, cpu, d.Z(saved[k].Slot), d.Reg(rs, saved[k].Reg));
            var hostEdi = d.Slot(vmx, cpu, d.Z(VmxSlots.HOST_EDI));
            var hostEbp = d.Slot(vmx, cpu, d.Z(VmxSlots.HOST_EBP));
            if (!d.Require(d.And(NType(ref d, hostEdi), NType(ref d, hostEbp)), "vmx_exit: N_TYPE: a returned register is not Vundef/Vint/Vptr")) return fail;
            var output = AsmConvention.Output(ref d, rs, [(Preg.EDI, hostEdi), (Preg.EBP, hostEbp)], d.Reg(rs, Preg.RA));
            return new AsmStep<T>(true, a with { Vmx = vmx }, mem, output);
        }

        /// <summary>ECX = Vint(152·cpu).</summary>
        protected virtual Bool<T> EcxGuard(ref D d, Regs<T> rs, Z<T> cpu) => EcxIsOffset(ref d, rs, cpu);

        /// <summary>The guest registers saved into the abstract save area, in order.</summary>
        protected virtual (int Slot, Preg Reg)[] SavedRegisters => Saved;
    }

    /// <summary>The VMX module's vmx_exit over VMCSInit: six Mint32 stores, two loads, at 152·cpu + 4·slot.</summary>
    public sealed class Low() : PrimSpec(VmxExit.Primitive, LayerNames.VMCSInit)
    {
        protected override SpecCode<T, D> Create<T, D>() => new LowCode<T, D>();
    }

    public class LowCode<T, D> : AsmSpecCode<T, D> where D : struct, ISpecDomain<T>
    {
        public override AsmStep<T> Exec(ref D d, AbsData<T> a, Mem<T> mem, Regs<T> rs)
        {
            var fail = new AsmStep<T>(false, a, mem, rs);
            if (!d.Require(KernelMode(ref d, a), "vmx_exit (low): needs kernel_mode")) return fail;
            if (!d.Require(d.ValEq(d.Reg(rs, Preg.PC), d.SymbolPtr(Global.vmx_exit)), "vmx_exit (low): PC is not &vmx_exit")) return fail;
            var cpu = a.CpuId;
            if (!d.Require(EcxGuard(ref d, rs, cpu), "vmx_exit (low): ECX is not Vint(152·cpu)")) return fail;
            var m = mem;
            if (!SaveGuest(ref d, cpu, rs, ref m)) return fail;
            if (!Load(ref d, cpu, m, HostEbpSlot, out var ebp)) return fail;
            if (!Load(ref d, cpu, m, VmxSlots.HOST_EDI, out var edi)) return fail;
            var (retEdi, retEbp) = Returned(ebp, edi);
            var output = AsmConvention.Output(ref d, rs, [(Preg.EDI, retEdi), (Preg.EBP, retEbp)], d.Reg(rs, Preg.RA));
            return new AsmStep<T>(true, a, m, output);
        }

        /// <summary>ECX = Vint(152·cpu).</summary>
        protected virtual Bool<T> EcxGuard(ref D d, Regs<T> rs, Z<T> cpu) => EcxIsOffset(ref d, rs, cpu);

        /// <summary>Bytes per CPU in VMX_LOC: 38 slots of 4 bytes.</summary>
        protected virtual long Stride => VmxSlots.Stride;

        /// <summary>The guest registers stored, in order.</summary>
        protected virtual (int Slot, Preg Reg)[] SavedRegisters => Saved;

        /// <summary>The slot host EBP is restored from: HOST_EBP (33).</summary>
        protected virtual int HostEbpSlot => VmxSlots.HOST_EBP;

        /// <summary>Stores the guest registers of <see cref="SavedRegisters"/> into the CPU's save area.</summary>
        protected virtual bool SaveGuest(ref D d, Z<T> cpu, Regs<T> rs, ref Mem<T> m)
        {
            var saved = SavedRegisters;
            for (int k = 0; k < saved.Length; k++)
                if (!Store(ref d, cpu, ref m, saved[k].Slot, d.Reg(rs, saved[k].Reg))) return false;
            return true;
        }

        /// <summary>What EDI and EBP return: the host's EDI and EBP just loaded.</summary>
        protected virtual (Val<T> Edi, Val<T> Ebp) Returned(Val<T> ebp, Val<T> edi) => (edi, ebp);

        // failure texts built once: the concrete domain runs these specs millions of times
        static readonly string[] storeFails = SpecText.PerSlot(s => $"vmx_exit (low): Mint32 store into {VmxSlots.Describe(s)} fails");
        static readonly string[] loadFails = SpecText.PerSlot(s => $"vmx_exit (low): Mint32 load of {VmxSlots.Describe(s)} fails");

        protected bool Store(ref D d, Z<T> cpu, ref Mem<T> m, int slot, Val<T> v)
        {
            m = d.StoreVmxLoc(m, SlotOffset(ref d, cpu, d.Z(slot), Stride), v, out var ok);
            return d.Require(ok, storeFails[slot]);
        }

        protected bool Load(ref D d, Z<T> cpu, Mem<T> m, int slot, out Val<T> v)
        {
            v = d.LoadVmxLoc(m, SlotOffset(ref d, cpu, d.Z(slot), Stride), out var ok);
            return d.Require(ok, loadFails[slot]);
        }
    }
}
