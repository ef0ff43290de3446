using System.Collections.Immutable;
using VmxLayers.Layers;
using VmxLayers.Semantics;

namespace VmxLayers.Spec.Concrete;

/// <summary>
/// The abstract Vmx field, cpu ↦ slot ↦ Val, as a total map with default Vundef. Slots 0..37 of CPUs
/// 0..TOTAL_CPU-1 are dense arrays (copy on write); anything else lives in a sparse overflow map.
/// </summary>
public sealed class VmxArea
{
    readonly Val[][] cpus;
    readonly ImmutableDictionary<(long Cpu, long Slot), Val> overflow;

    VmxArea(Val[][] cpus, ImmutableDictionary<(long, long), Val> overflow) { this.cpus = cpus; this.overflow = overflow; }

    /// <summary>Every slot Vundef (ZMap.init (ZMap.init Vundef)).</summary>
    public static VmxArea Init(int totalCpu)
    {
        var cpus = new Val[totalCpu][];
        for (int c = 0; c < totalCpu; c++) cpus[c] = new Val[VmxSlots.Size];
        return new VmxArea(cpus, ImmutableDictionary<(long, long), Val>.Empty);
    }

    public int TotalCpu => cpus.Length;

    static bool Dense(long cpu, long slot, int total) => cpu >= 0 && cpu < total && slot >= 0 && slot < VmxSlots.Size;

    public Val Get(long cpu, long slot) =>
        Dense(cpu, slot, cpus.Length) ? cpus[cpu][slot] : overflow.GetValueOrDefault((cpu, slot));

    public VmxArea Set(long cpu, long slot, Val v)
    {
        if (!Dense(cpu, slot, cpus.Length)) return new VmxArea(cpus, overflow.SetItem((cpu, slot), v));
        var outer = cpus.AsSpan().ToArray();   // span copies: cheaper than Array.Clone for small arrays
        var inner = cpus[cpu].AsSpan().ToArray();
        inner[slot] = v;
        outer[cpu] = inner;
        return new VmxArea(outer, overflow);
    }

    /// <summary>
    /// Appends every dense (cpu, slot) whose value differs between two areas with the same CPU count, comparing
    /// only the CPUs whose copy-on-write slot array is not shared (the incremental relation check).
    /// </summary>
    internal static void ChangedSlots(VmxArea a, VmxArea b, List<(int Cpu, int Slot)> changed)
    {
        if (ReferenceEquals(a, b)) return;
        for (int c = 0; c < Math.Min(a.cpus.Length, b.cpus.Length); c++)
        {
            Val[] x = a.cpus[c], y = b.cpus[c];
            if (ReferenceEquals(x, y)) continue;
            for (int i = 0; i < VmxSlots.Size; i++)
                if (x[i] != y[i]) changed.Add((c, i));
        }
    }

    /// <summary>The keys outside the dense area that were ever set.</summary>
    public IEnumerable<(long Cpu, long Slot)> OverflowKeys => overflow.Keys;
}

/// <summary>One CPU's VMCS: VMCSValid(revid, abrtid, fields) with fields a total map (default Vundef).</summary>
public sealed record VmcsData(Val Revid, Val Abrtid, ImmutableArray<Val> Fields, ImmutableDictionary<long, Val> Extra)
{
    /// <summary>VMCSValid with revid/abrtid Vint 0 and every valid field Vint 0 (the scenario default).</summary>
    public static VmcsData Zeroed() => new(Val.Vzero, Val.Vzero,
        [.. Enumerable.Repeat(Val.Vzero, VmcsFields.Count)], ImmutableDictionary<long, Val>.Empty);

    public Val Get(long enc)
    {
        int i = VmcsFields.Ordinal(enc);
        return i >= 0 ? Fields[i] : Extra.GetValueOrDefault(enc);
    }

    public VmcsData Set(long enc, Val v)
    {
        int i = VmcsFields.Ordinal(enc);
        return i >= 0 ? this with { Fields = Fields.SetItem(i, v) } : this with { Extra = Extra.SetItem(enc, v) };
    }

    /// <summary>Sets several fields in order, like repeated <see cref="Set"/>, copying the field array once.</summary>
    public VmcsData SetMany(ReadOnlySpan<(int Encoding, Val Value)> updates)
    {
        var fields = Fields.ToArray();
        var extra = Extra;
        foreach (var (enc, v) in updates)
        {
            int i = VmcsFields.Ordinal(enc);
            if (i >= 0) fields[i] = v; else extra = extra.SetItem(enc, v);
        }
        return this with { Fields = System.Runtime.InteropServices.ImmutableCollectionsMarshal.AsImmutableArray(fields), Extra = extra };
    }
}

/// <summary>The abstract Vmcs field: cpu ↦ VMCS. CPUs outside [0, TOTAL_CPU) read an all-Vundef VMCS.</summary>
public sealed class VmcsArea
{
    static readonly VmcsData undefVmcs = new(Val.Vundef, Val.Vundef,
        [.. Enumerable.Repeat(Val.Vundef, VmcsFields.Count)], ImmutableDictionary<long, Val>.Empty);

    readonly VmcsData[] cpus;
    readonly ImmutableDictionary<long, VmcsData> overflow;

    VmcsArea(VmcsData[] cpus, ImmutableDictionary<long, VmcsData> overflow) { this.cpus = cpus; this.overflow = overflow; }

    public static VmcsArea Init(int totalCpu, Func<int, VmcsData> make) =>
        new(Enumerable.Range(0, totalCpu).Select(make).ToArray(), ImmutableDictionary<long, VmcsData>.Empty);

    public int TotalCpu => cpus.Length;

    public VmcsData this[long cpu] => cpu >= 0 && cpu < cpus.Length ? cpus[cpu] : overflow.GetValueOrDefault(cpu, undefVmcs);

    public VmcsArea Set(long cpu, VmcsData data)
    {
        if (cpu < 0 || cpu >= cpus.Length) return new VmcsArea(cpus, overflow.SetItem(cpu, data));
        var copy = cpus.AsSpan().ToArray();
        copy[cpu] = data;
        return new VmcsArea(copy, overflow);
    }
}
