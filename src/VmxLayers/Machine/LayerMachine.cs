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
    // Views built (or committed) per CPU, shared by every machine derived from this one and checked on each read: a
    // view stays right while that CPU's flags and the VMCS and VMX maps are the same objects (on the low layer, whose
    // VMX map never changes, across all stores into memory). AbsData is immutable and each slot is one reference,
    // so sharing is thread-safe. Not part of the value: equality ignores it.
    AbsData<CTerm>?[]? views;

    LayerMachine(LayerMachine original)
    {
        Flags = original.Flags; Vmcs = original.Vmcs; Vmx = original.Vmx; Mem = original.Mem; views = original.views;
    }

    public int TotalCpu => Flags.Length;

    public AbsData<CTerm> View(int cpu)
    {
        var f = Flags[cpu];
        var cache = views is { } c && c.Length == Flags.Length ? c : views = new AbsData<CTerm>?[Flags.Length];
        if (cache[cpu] is { } v && IsView(v, cpu, f, Vmcs, Vmx)) return v;
        return cache[cpu] = new AbsData<CTerm>(new(CTerm.Of(f.Ikern)), new(CTerm.Of(f.Ihost)), new(CTerm.Of(f.Pg)), new(CTerm.Of(f.Init)),
            new(new CTerm(cpu)), new(new CTerm(Vmcs)), new(new CTerm(Vmx)));
    }

    public LayerMachine Commit(int cpu, AbsData<CTerm> data, Mem<CTerm> mem)
    {
        var flags = new CpuFlags(data.Ikern.Raw.B, data.Ihost.Raw.B, data.Pg.Raw.B, data.Init.Raw.B);
        VmcsArea vmcs = data.Vmcs.Raw.As<VmcsArea>();
        VmxArea vmx = data.Vmx.Raw.As<VmxArea>();
        Semantics.Mem m = mem.Raw.As<Semantics.Mem>();
        bool sameFlags = flags == Flags[cpu];
        // a step that changed nothing (e.g. vmx_readz) keeps this machine: the co-simulation's hot path
        if (sameFlags && ReferenceEquals(vmcs, Vmcs) && ReferenceEquals(vmx, Vmx) && ReferenceEquals(m, Mem)) return this;
        var next = new LayerMachine(sameFlags ? Flags : Flags.SetItem(cpu, flags), vmcs, vmx, m) { views = views };
        if (views is not null && views.Length == Flags.Length && IsView(data, cpu, flags, vmcs, vmx)) views[cpu] = data;
        return next;
    }

    /// <summary>Whether `data` is exactly what View(cpu) of a machine with these parts would build.</summary>
    static bool IsView(AbsData<CTerm> data, int cpu, CpuFlags f, VmcsArea vmcs, VmxArea vmx) =>
        ReferenceEquals(data.Vmcs.Raw.O, vmcs) && ReferenceEquals(data.Vmx.Raw.O, vmx) && data.CpuId.Raw.IsZ(cpu)
        && data.Ikern.Raw.IsZ(f.Ikern ? 1 : 0) && data.Ihost.Raw.IsZ(f.Ihost ? 1 : 0) && data.Pg.Raw.IsZ(f.Pg ? 1 : 0) && data.Init.Raw.IsZ(f.Init ? 1 : 0)
        && Plain(data.Vmcs.Raw) && Plain(data.Vmx.Raw);

    /// <summary>A state term as View builds it: the object alone.</summary>
    static bool Plain(CTerm t) => t.Z == 0;

    public bool Equals(LayerMachine? other) =>
        other is not null && Flags.Equals(other.Flags) && Equals(Vmcs, other.Vmcs) && Equals(Vmx, other.Vmx) && Equals(Mem, other.Mem);

    public override int GetHashCode() => HashCode.Combine(Flags, Vmcs, Vmx, Mem);
}
