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
    // The last view built (or committed), reused while the machine and the CPU stay the same: the co-simulation
    // views the state a step produced several times (both checks of each changed slot or field). AbsData is
    // immutable and carries its CPU, so one reference is the whole (thread-safe) cache. Not part of the value:
    // `with` does not copy it and equality ignores it.
    AbsData<CTerm>? view;

    LayerMachine(LayerMachine original)
    {
        Flags = original.Flags; Vmcs = original.Vmcs; Vmx = original.Vmx; Mem = original.Mem;
    }

    public int TotalCpu => Flags.Length;

    public AbsData<CTerm> View(int cpu)
    {
        if (view is { } v && v.CpuId.Z == cpu) return v;
        var f = Flags[cpu];
        return view = new AbsData<CTerm>(CTerm.Of(f.Ikern), CTerm.Of(f.Ihost), CTerm.Of(f.Pg), CTerm.Of(f.Init),
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
        var next = new LayerMachine(sameFlags ? Flags : Flags.SetItem(cpu, flags), vmcs, vmx, m);
        if (IsView(data, cpu, flags, vmcs, vmx)) next.view = data;
        return next;
    }

    /// <summary>Whether `data` is exactly what View(cpu) of a machine with these parts would build.</summary>
    static bool IsView(AbsData<CTerm> data, int cpu, CpuFlags f, VmcsArea vmcs, VmxArea vmx) =>
        Plain(data.Ikern, f.Ikern ? 1 : 0) && Plain(data.Ihost, f.Ihost ? 1 : 0) && Plain(data.Pg, f.Pg ? 1 : 0)
        && Plain(data.Init, f.Init ? 1 : 0) && Plain(data.CpuId, cpu)
        && data.Vmcs.O == vmcs && Plain(data.Vmcs, 0) && data.Vmx.O == vmx && Plain(data.Vmx, 0);

    static bool Plain(CTerm t, long z) => t.Z == z && t.V == default && (t.O is null || t.O is VmcsArea or VmxArea);

    public bool Equals(LayerMachine? other) =>
        other is not null && Flags.Equals(other.Flags) && Equals(Vmcs, other.Vmcs) && Equals(Vmx, other.Vmx) && Equals(Mem, other.Mem);

    public override int GetHashCode() => HashCode.Combine(Flags, Vmcs, Vmx, Mem);
}
