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

    public LayerMachine Commit(int cpu, AbsData<CTerm> data, CTerm mem) => this with
    {
        Flags = Flags.SetItem(cpu, new CpuFlags(data.Ikern.B, data.Ihost.B, data.Pg.B, data.Init.B)),
        Vmcs = data.Vmcs.As<VmcsArea>(),
        Vmx = data.Vmx.As<VmxArea>(),
        Mem = mem.As<Mem>(),
    };
}
