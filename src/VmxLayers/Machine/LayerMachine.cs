using System.Collections.Immutable;
using VmxLayers.Semantics;
using VmxLayers.Spec;
using VmxLayers.Spec.Concrete;

namespace VmxLayers.Machine;

/// <summary>The flags one CPU sees.</summary>
public readonly record struct CpuFlags(bool Ikern, bool Ihost, bool Pg, bool Init)
{
    public static readonly CpuFlags AllTrue = new(true, true, true, true);
}

/// <summary>
/// One layer's whole multi-CPU state: per-CPU flags, the shared per-CPU VMCS and VMX maps, and
/// memory. A primitive runs on <see cref="View"/> of one CPU and is written back with <see cref="Commit"/>.
/// </summary>
public sealed record LayerMachine(ImmutableArray<CpuFlags> Flags, VmcsArea Vmcs, VmxArea Vmx, Mem Mem)
{
    public int TotalCpu => Flags.Length;

    public AbsData<CTerm> View(int cpu)
    {
        var f = Flags[cpu];
        return new AbsData<CTerm>(CTerm.Of(f.Ikern), CTerm.Of(f.Ihost), CTerm.Of(f.Pg), CTerm.Of(f.Init),
            new CTerm(cpu), new CTerm(Vmcs), new CTerm(Vmx));
    }

    public LayerMachine Commit(int cpu, AbsData<CTerm> data, CTerm mem)
    {
        var flags = new CpuFlags(data.Ikern.B, data.Ihost.B, data.Pg.B, data.Init.B);
        VmcsArea vmcs = data.Vmcs.As<VmcsArea>();
        VmxArea vmx = data.Vmx.As<VmxArea>();
        Mem m = mem.As<Mem>();
        bool sameFlags = flags == Flags[cpu];
        // a step that changed nothing (e.g. vmx_readz) keeps this machine: the co-simulation's hot path
        if (sameFlags && ReferenceEquals(vmcs, Vmcs) && ReferenceEquals(vmx, Vmx) && ReferenceEquals(m, Mem)) return this;
        return new LayerMachine(sameFlags ? Flags : Flags.SetItem(cpu, flags), vmcs, vmx, m);
    }
}
