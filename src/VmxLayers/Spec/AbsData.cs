using VmxLayers.Constants;
using VmxLayers.Semantics;

namespace VmxLayers.Spec;

/// <summary>
/// One CPU's view of the abstract data (multicore CertiKOS RData, the fields this layer pair uses): the flags,
/// CpuId, Vmcs (per-CPU VMCS) and Vmx (per-CPU save area; meaningless on VMCSInit).
/// </summary>
public sealed record AbsData<T>(Bool<T> Ikern, Bool<T> Ihost, Bool<T> Pg, Bool<T> Init, Z<T> CpuId, VmcsMap<T> Vmcs, VmxMap<T> Vmx);

/// <summary>Outcome of a C-level step: the new data and memory and the returned value.</summary>
public readonly record struct CStep<T>(bool Ok, AbsData<T> Data, Mem<T> Mem, Val<T> Ret);

/// <summary>Outcome of an asm-level step: the new data and memory and the whole output register set.</summary>
public readonly record struct AsmStep<T>(bool Ok, AbsData<T> Data, Mem<T> Mem, Regs<T> Regs);

/// <summary>Outcome of any primitive's step: C steps return Ret and keep the registers; asm steps return Vundef and new registers.</summary>
public readonly record struct SpecResult<T>(bool Ok, AbsData<T> Data, Mem<T> Mem, Val<T> Ret, Regs<T> Regs);

/// <summary>Spec helpers shared by every layer: small definitions of the seed and of CertiKOS's layer library.</summary>
public static class SpecHelpers
{
    /// <summary>kernel_mode d ⇔ ikern ∧ ihost.</summary>
    public static Bool<T> KernelMode<T, D>(ref D d, AbsData<T> a) where D : ISpecDomain<T> => d.And(a.Ikern, a.Ihost);

    public static Bool<T> All<T, D>(ref D d, params ReadOnlySpan<Bool<T>> conds) where D : ISpecDomain<T>
    {
        var acc = conds[0];
        for (int i = 1; i < conds.Length; i++) acc = d.And(acc, conds[i]);
        return acc;
    }

    /// <summary>0 ≤ i &lt; hi.</summary>
    public static Bool<T> InRange<T, D>(ref D d, Z<T> i, Z<T> hi) where D : ISpecDomain<T> =>
        d.And(d.Le(d.Z(0), i), d.Lt(i, hi));

    /// <summary>The byte offset of slot i of CPU c in VMX_LOC: stride·c + 4·i.</summary>
    public static Z<T> SlotOffset<T, D>(ref D d, Z<T> cpu, Z<T> slot, long stride = VmxSlots.Stride) where D : ISpecDomain<T> =>
        d.Add(d.Mul(d.Z(stride), cpu), d.Mul(d.Z(4), slot));

    /// <summary>N_TYPE: a register value returned by an asm spec is Vundef, Vint or Vptr.</summary>
    public static Bool<T> NType<T, D>(ref D d, Val<T> v) where D : ISpecDomain<T> => d.HasType(v, Typ.Tint);
}

/// <summary>The asm-level calling convention shared by vmx_exit and vmx_enter on both layers (SPEC §3).</summary>
public static class AsmConvention
{
    /// <summary>
    /// The registers an asm primitive leaves undefined: RA, the condition bits, and CompCert ia32's
    /// destroyed_at_call (EAX, ECX, EDX, ST0 = FP0, XMM0–XMM7).
    /// </summary>
    public static readonly Preg[] Destroyed =
    [
        Preg.RA, Preg.ZF, Preg.CF, Preg.PF, Preg.SF, Preg.OF, Preg.EAX, Preg.ECX, Preg.EDX,
        Preg.ST0, Preg.XMM0, Preg.XMM1, Preg.XMM2, Preg.XMM3, Preg.XMM4, Preg.XMM5, Preg.XMM6, Preg.XMM7,
    ];

    /// <summary>The input with <see cref="Destroyed"/> undefined, then the returned registers, then PC.</summary>
    public static Regs<T> Output<T, D>(ref D d, Regs<T> rs, ReadOnlySpan<(Preg Reg, Val<T> Value)> returned, Val<T> pc) where D : ISpecDomain<T>
    {
        var result = d.UndefRegs(rs, Destroyed);
        result = d.SetRegs(result, returned);
        return d.SetRegs(result, [(Preg.PC, pc)]);
    }
}
