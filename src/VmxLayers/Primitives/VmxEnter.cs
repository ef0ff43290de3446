using VmxLayers.Constants;
using VmxLayers.Semantics;
using VmxLayers.Spec;
using static VmxLayers.Spec.SpecHelpers;

namespace VmxLayers.Primitives;

/// <summary>vmx_enter (asm): save host EBP/EDI, load the guest registers, leave host mode, jump to the guest RIP.</summary>
public static class VmxEnter
{
    public static readonly Primitive Primitive = new("vmx_enter", PrimKind.Asm, 0,
        "asm: ikern∧ihost∧pg∧init, PC=&vmx_enter, ESP defined (stack block if a pointer) → V[33],V[34] := EBP,EDI; ihost := false; EAX..EBP := V[0,2,6,8,10,12]; PC := V[14]",
        Global.vmx_enter);

    /// <summary>The guest registers restored, with their slots.</summary>
    public static readonly (Preg Reg, int Slot)[] Restored =
        [(Preg.EAX, VmxSlots.G_RAX), (Preg.EBX, VmxSlots.G_RBX), (Preg.EDX, VmxSlots.G_RDX),
         (Preg.ESI, VmxSlots.G_RSI), (Preg.EDI, VmxSlots.G_RDI), (Preg.EBP, VmxSlots.G_RBP)];

    /// <summary>ESP ≠ Vundef and, if a pointer, into a valid non-global block (a stack).</summary>
    static Bool<T> EspIsStack<T, D>(ref D d, Regs<T> rs, Mem<T> mem) where D : ISpecDomain<T>
    {
        var esp = d.Reg(rs, Preg.ESP);
        var stack = d.And(d.Le(d.GenvNext, d.BlockOf(esp)), d.Lt(d.BlockOf(esp), d.NextBlock(mem)));
        return d.And(d.Not(d.IsUndef(esp)), d.Implies(d.IsPtr(esp), stack));
    }

    /// <summary>PVMXIntro's vmx_enter_spec.</summary>
    public sealed class High() : PrimSpec(VmxEnter.Primitive, LayerNames.PVMXIntro)
    {
        protected override SpecCode<T, D> Create<T, D>() => new HighCode<T, D>();
    }

    public class HighCode<T, D> : AsmSpecCode<T, D> where D : struct, ISpecDomain<T>
    {
        public override AsmStep<T> Exec(ref D d, AbsData<T> a, Mem<T> mem, Regs<T> rs)
        {
            var fail = new AsmStep<T>(false, a, mem, rs);
            if (!d.Require(All(ref d, a.Ikern, a.Ihost, a.Pg, a.Init), "vmx_enter: needs ikern ∧ ihost ∧ pg ∧ init")) return fail;
            if (!d.Require(d.ValEq(d.Reg(rs, Preg.PC), d.SymbolPtr(Global.vmx_enter)), "vmx_enter: PC is not &vmx_enter")) return fail;
            if (!d.Require(EspGuard(ref d, rs, mem), "vmx_enter: ESP is undefined or not a stack pointer")) return fail;
            var (cpu, vmx) = (a.CpuId, a.Vmx);
            Span<(Preg, Val<T>)> ret = [default, default, default, default, default, default];   // on the stack: Restored has six
            var typed = d.Bool(true);
            for (int k = 0; k < Restored.Length; k++)
            {
                var v = d.Slot(vmx, cpu, d.Z(Restored[k].Slot));
                ret[k] = (Restored[k].Reg, v);
                typed = d.And(typed, NType(ref d, v));
            }
            var rip = d.Slot(vmx, cpu, d.Z(VmxSlots.G_RIP));
            if (!d.Require(d.And(typed, NType(ref d, rip)), "vmx_enter: N_TYPE: a returned register is not Vundef/Vint/Vptr")) return fail;
            vmx = d.SetSlot(vmx, cpu, d.Z(VmxSlots.HOST_EBP), d.Reg(rs, Preg.EBP));
            vmx = d.SetSlot(vmx, cpu, d.Z(VmxSlots.HOST_EDI), d.Reg(rs, Preg.EDI));
            var output = AsmConvention.Output(ref d, rs, ret, rip);
            return new AsmStep<T>(true, LeaveHost(ref d, a) with { Vmx = vmx }, mem, output);
        }

        /// <summary>ESP defined, and a stack pointer if a pointer.</summary>
        protected virtual Bool<T> EspGuard(ref D d, Regs<T> rs, Mem<T> mem) => EspIsStack(ref d, rs, mem);

        /// <summary>ihost := false.</summary>
        protected virtual AbsData<T> LeaveHost(ref D d, AbsData<T> a) => a with { Ihost = d.Bool(false) };
    }

    /// <summary>The VMX module's vmx_enter over VMCSInit: two stores, seven loads, then hostout.</summary>
    public sealed class Low() : PrimSpec(VmxEnter.Primitive, LayerNames.VMCSInit)
    {
        protected override SpecCode<T, D> Create<T, D>() => new LowCode<T, D>();
    }

    public class LowCode<T, D> : AsmSpecCode<T, D> where D : struct, ISpecDomain<T>
    {
        public override AsmStep<T> Exec(ref D d, AbsData<T> a, Mem<T> mem, Regs<T> rs)
        {
            var fail = new AsmStep<T>(false, a, mem, rs);
            if (!d.Require(KernelMode(ref d, a), "vmx_enter (low): needs kernel_mode")) return fail;
            if (!d.Require(d.ValEq(d.Reg(rs, Preg.PC), d.SymbolPtr(Global.vmx_enter)), "vmx_enter (low): PC is not &vmx_enter")) return fail;
            if (!d.Require(EspGuard(ref d, rs, mem), "vmx_enter (low): ESP is undefined or not a stack pointer")) return fail;
            var (cpu, m) = (a.CpuId, mem);
            if (!SaveHost(ref d, cpu, rs, ref m)) return fail;
            var restored = RestoredRegisters;
            Span<(Preg, Val<T>)> six = [default, default, default, default, default, default];   // on the stack
            var ret = restored.Length <= six.Length ? six[..restored.Length] : new (Preg, Val<T>)[restored.Length];
            for (int k = 0; k < restored.Length; k++)
            {
                if (!Load(ref d, cpu, m, restored[k].Slot, out var v)) return fail;
                ret[k] = (restored[k].Reg, v);
            }
            if (!Load(ref d, cpu, m, RipSlot, out var rip)) return fail;
            if (!Hostout(ref d, a, out var a2)) return fail;
            var output = AsmConvention.Output(ref d, rs, ret, rip);
            return new AsmStep<T>(true, a2, m, output);
        }

        /// <summary>ESP defined, and a stack pointer if a pointer.</summary>
        protected virtual Bool<T> EspGuard(ref D d, Regs<T> rs, Mem<T> mem) => EspIsStack(ref d, rs, mem);

        /// <summary>Stores host EBP into HOST_EBP (33), then host EDI into HOST_EDI (34).</summary>
        protected virtual bool SaveHost(ref D d, Z<T> cpu, Regs<T> rs, ref Mem<T> m) =>
            Store(ref d, cpu, ref m, VmxSlots.HOST_EBP, d.Reg(rs, Preg.EBP)) && Store(ref d, cpu, ref m, VmxSlots.HOST_EDI, d.Reg(rs, Preg.EDI));

        /// <summary>The guest registers loaded, with their slots, in order.</summary>
        protected virtual (Preg Reg, int Slot)[] RestoredRegisters => Restored;

        /// <summary>The slot the guest PC is loaded from: G_RIP (14).</summary>
        protected virtual int RipSlot => VmxSlots.G_RIP;

        /// <summary>VMCSInit's hostout.</summary>
        protected virtual bool Hostout(ref D d, AbsData<T> a, out AbsData<T> result) => VmcsInit.Hostout(ref d, a, out result);

        // failure texts built once: the concrete domain runs these specs millions of times
        static readonly string[] storeFails = SpecText.PerSlot(s => $"vmx_enter (low): Mint32 store into {VmxSlots.Describe(s)} fails");
        static readonly string[] loadFails = SpecText.PerSlot(s => $"vmx_enter (low): Mint32 load of {VmxSlots.Describe(s)} fails");

        protected static bool Store(ref D d, Z<T> cpu, ref Mem<T> m, int slot, Val<T> v)
        {
            m = d.StoreVmxLoc(m, SlotOffset(ref d, cpu, d.Z(slot)), v, out var ok);
            return d.Require(ok, storeFails[slot]);
        }

        protected static bool Load(ref D d, Z<T> cpu, Mem<T> m, int slot, out Val<T> v)
        {
            v = d.LoadVmxLoc(m, SlotOffset(ref d, cpu, d.Z(slot)), out var ok);
            return d.Require(ok, loadFails[slot]);
        }
    }
}
