using VmxLayers.Semantics;

namespace VmxLayers.Spec;

/// <summary>
/// One CPU's view of the abstract data (multicore CertiKOS RData, the fields this layer pair uses):
/// flags (Bool), CpuId (Z), Vmcs (per-CPU VMCS) and Vmx (per-CPU save area; meaningless on VMCSInit).
/// </summary>
public sealed record AbsData<T>(T Ikern, T Ihost, T Pg, T Init, T CpuId, T Vmcs, T Vmx);

/// <summary>Outcome of a C-level step: the new data and memory and the returned value (Val).</summary>
public readonly record struct CStep<T>(bool Ok, AbsData<T> Data, T Mem, T Ret);

/// <summary>Outcome of an asm-level step: the new data and memory and the whole output register set.</summary>
public readonly record struct AsmStep<T>(bool Ok, AbsData<T> Data, T Mem, T Regs);

/// <summary>Spec helpers shared by both layers.</summary>
public static class SpecHelpers
{
    /// <summary>kernel_mode d ⇔ ikern ∧ ihost.</summary>
    public static T KernelMode<T, D>(ref D d, AbsData<T> a) where D : ISpecDomain<T> => d.And(a.Ikern, a.Ihost);

    public static T All<T, D>(ref D d, params ReadOnlySpan<T> conds) where D : ISpecDomain<T>
    {
        T acc = conds[0];
        for (int i = 1; i < conds.Length; i++) acc = d.And(acc, conds[i]);
        return acc;
    }

    /// <summary>0 ≤ i &lt; hi on Z terms.</summary>
    public static T InRange<T, D>(ref D d, T i, T hi) where D : ISpecDomain<T> =>
        d.And(d.Le(d.Z(0), i), d.Lt(i, hi));

    /// <summary>The byte offset of slot i of CPU c in VMX_LOC: stride·c + 4·i.</summary>
    public static T SlotOffset<T, D>(ref D d, T cpu, T slot, long stride = Layers.VmxSlots.Stride) where D : ISpecDomain<T> =>
        d.Add(d.Mul(d.Z(stride), cpu), d.Mul(d.Z(4), slot));

    /// <summary>N_TYPE: a register value returned by an asm spec is Vundef, Vint or Vptr.</summary>
    public static T NType<T, D>(ref D d, T v) where D : ISpecDomain<T> => d.HasType(v, Semantics.Typ.Tint);
}

/// <summary>The asm-level calling convention shared by vmx_exit and vmx_enter on both layers (SPEC §3).</summary>
public static class AsmConvention
{
    static readonly Preg[] clobbered = [Preg.RA, Preg.ZF, Preg.CF, Preg.PF, Preg.SF, Preg.OF, Preg.EAX, Preg.ECX, Preg.EDX];

    /// <summary>The input with RA, the flags, EAX, ECX, EDX undefined, then the returned registers, then PC.</summary>
    public static T Output<T, D>(ref D d, T rs, ReadOnlySpan<(Preg Reg, T Value)> returned, T pc) where D : ISpecDomain<T>
    {
        T result = d.UndefRegs(rs, clobbered);
        result = d.SetRegs(result, returned);
        return d.SetRegs(result, [(Preg.PC, pc)]);
    }
}
