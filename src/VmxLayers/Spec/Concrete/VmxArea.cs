using System.Collections.Immutable;
using VmxLayers.Constants;
using VmxLayers.Semantics;

namespace VmxLayers.Spec.Concrete;

/// <summary>
/// The abstract Vmx field, cpu ↦ slot ↦ Val, as a total map with default Vundef. Slots 0..37 of CPUs
/// 0..TOTAL_CPU-1 are dense persistent arrays; anything else lives in a sparse overflow map.
/// </summary>
public sealed class VmxArea
{
    // chunked twice: a slot write copies O(TOTAL_CPU/8 + 8) references and one 8-slot chunk of one CPU (not 38 slots)
    readonly ChunkedArray<ValChunks> cpus;
    readonly ImmutableDictionary<(long Cpu, long Slot), Val> overflow;

    readonly bool owned;   // writes go in place (see Owned)

    VmxArea(ChunkedArray<ValChunks> cpus, ImmutableDictionary<(long, long), Val> overflow, bool owned = false)
    {
        this.cpus = cpus; this.overflow = overflow; this.owned = owned;
    }

    /// <summary>
    /// A copy sharing no storage, whose <see cref="Set"/> writes in place and returns itself: for one owner (the
    /// co-simulation) that never looks at an older version again. Same values, same reads.
    /// </summary>
    public VmxArea Owned()
    {
        var copy = new ValChunks[cpus.Length];
        for (int c = 0; c < copy.Length; c++) copy[c] = cpus[c].Owned();
        return new VmxArea(ChunkedArray<ValChunks>.From(copy), overflow, owned: true);
    }

    /// <summary>Every slot Vundef (ZMap.init (ZMap.init Vundef)).</summary>
    public static VmxArea Init(int totalCpu)
    {
        var cpus = new ValChunks[totalCpu];
        for (int c = 0; c < totalCpu; c++) cpus[c] = ValChunks.From(new Val[VmxSlots.Size]);
        return new VmxArea(ChunkedArray<ValChunks>.From(cpus), ImmutableDictionary<(long, long), Val>.Empty);
    }

    public int TotalCpu => cpus.Length;

    static bool Dense(long cpu, long slot, int total) => cpu >= 0 && cpu < total && slot >= 0 && slot < VmxSlots.Size;

    public Val Get(long cpu, long slot) =>
        Dense(cpu, slot, cpus.Length) ? cpus[(int)cpu][(int)slot] : overflow.GetValueOrDefault((cpu, slot));

    public VmxArea Set(long cpu, long slot, Val v)
    {
        if (!Dense(cpu, slot, cpus.Length)) return new VmxArea(cpus, overflow.SetItem((cpu, slot), v), owned);
        var inner = cpus[(int)cpu];
        if (owned) { inner.SetInPlace((int)slot, v); return this; }
        var next = inner.Set((int)slot, v);
        return next.Same(inner) ? this : new VmxArea(cpus.Set((int)cpu, next), overflow);
    }

    /// <summary>
    /// Appends every dense (cpu, slot) whose value differs between two areas with the same CPU count, comparing
    /// only the chunks of CPUs and slots that are not shared (the incremental relation check).
    /// </summary>
    internal static void ChangedSlots(VmxArea a, VmxArea b, List<(int Cpu, int Slot)> changed, List<int> scratch)
    {
        if (ReferenceEquals(a, b)) return;
        int n = Math.Min(a.cpus.Length, b.cpus.Length);
        for (int c = 0; c < n; c++)
        {
            // a shared chunk (the last one may be partial: same object, same CPUs) has no change
            if ((c & ChunkedArray<ValChunks>.ChunkMask) == 0 && a.cpus.Length == b.cpus.Length
                && a.cpus.SameChunk(b.cpus, c >> ChunkedArray<ValChunks>.ChunkBits)) { c += ChunkedArray<ValChunks>.ChunkMask; continue; }
            ValChunks x = a.cpus[c], y = b.cpus[c];
            if (x.Same(y)) continue;
            scratch.Clear();
            ValChunks.Changed(x, y, scratch);
            foreach (int i in scratch) changed.Add((c, i));
        }
    }

    /// <summary>The keys outside the dense area that were ever set.</summary>
    public IEnumerable<(long Cpu, long Slot)> OverflowKeys => overflow.Keys;
}

/// <summary>One CPU's VMCS: VMCSValid(revid, abrtid, fields) with fields a total map (default Vundef).</summary>
public sealed record VmcsData
{
    // persistent and chunked: a field write copies ≈ 300 bytes, not the 2.4 KB of every field
    readonly ValChunks fields;

    VmcsData(Val revid, Val abrtid, ValChunks fields, ImmutableDictionary<long, Val> extra)
    {
        Revid = revid; Abrtid = abrtid; this.fields = fields; Extra = extra;
    }

    public Val Revid { get; init; }
    public Val Abrtid { get; init; }
    /// <summary>Fields written at invalid encodings.</summary>
    public ImmutableDictionary<long, Val> Extra { get; init; }

    /// <summary>VMCSValid(revid, abrtid, fields) with `fields` indexed by <see cref="VmcsFields.Ordinal"/>.</summary>
    public static VmcsData Of(Val revid, Val abrtid, ReadOnlySpan<Val> fields) =>
        new(revid, abrtid, ValChunks.From(fields), ImmutableDictionary<long, Val>.Empty);

    /// <summary>VMCSValid with revid/abrtid Vint 0 and every valid field Vint 0 (the scenario default).</summary>
    public static VmcsData Zeroed() => Of(Val.Vzero, Val.Vzero, [.. Enumerable.Repeat(Val.Vzero, VmcsFields.Count)]);

    /// <summary>The valid field with ordinal i.</summary>
    public Val Field(int ordinal) => fields[ordinal];

    public Val Get(long enc)
    {
        int i = VmcsFields.Ordinal(enc);
        return i >= 0 ? fields[i] : Extra.GetValueOrDefault(enc);
    }

    public VmcsData Set(long enc, Val v)
    {
        int i = VmcsFields.Ordinal(enc);
        if (i < 0) return new(Revid, Abrtid, fields, Extra.SetItem(enc, v));
        var next = fields.Set(i, v);
        return next.Same(fields) ? this : new(Revid, Abrtid, next, Extra);
    }

    /// <summary>Sets several fields in order, like repeated <see cref="Set"/>, copying each touched chunk once.</summary>
    public VmcsData SetMany(ReadOnlySpan<(int Encoding, Val Value)> updates)
    {
        Span<(int, Val)> dense = stackalloc (int, Val)[updates.Length];
        int n = 0;
        var extra = Extra;
        foreach (var (enc, v) in updates)
        {
            int i = VmcsFields.Ordinal(enc);
            if (i >= 0) dense[n++] = (i, v); else extra = extra.SetItem(enc, v);
        }
        var next = fields.SetMany(dense[..n]);
        return next.Same(fields) && ReferenceEquals(extra, Extra) ? this : new(Revid, Abrtid, next, extra);
    }

    /// <summary>Whether the valid fields are the very same storage in both (then no field differs).</summary>
    internal bool SameFields(VmcsData other) => fields.Same(other.fields);

    /// <summary>Appends the ordinals of the valid fields that differ; shared chunks are skipped.</summary>
    internal static void ChangedFields(VmcsData a, VmcsData b, List<int> changed) => ValChunks.Changed(a.fields, b.fields, changed);
}

/// <summary>The abstract Vmcs field: cpu ↦ VMCS. CPUs outside [0, TOTAL_CPU) read an all-Vundef VMCS.</summary>
public sealed class VmcsArea
{
    static readonly VmcsData undefVmcs = VmcsData.Of(Val.Vundef, Val.Vundef, new Val[VmcsFields.Count]);

    readonly ChunkedArray<VmcsData> cpus;   // chunked: a field write copies O(TOTAL_CPU/8 + 8) references
    readonly ImmutableDictionary<long, VmcsData> overflow;

    readonly bool owned;   // Set replaces a CPU's record in place (see Owned)

    VmcsArea(ChunkedArray<VmcsData> cpus, ImmutableDictionary<long, VmcsData> overflow, bool owned = false)
    {
        this.cpus = cpus; this.overflow = overflow; this.owned = owned;
    }

    /// <summary>A copy sharing no storage, whose <see cref="Set"/> works in place and returns itself (see <see cref="VmxArea.Owned"/>).</summary>
    public VmcsArea Owned() => new(cpus.Owned(), overflow, owned: true);

    public static VmcsArea Init(int totalCpu, Func<int, VmcsData> make) =>
        new(ChunkedArray<VmcsData>.From(Enumerable.Range(0, totalCpu).Select(make).ToArray()), ImmutableDictionary<long, VmcsData>.Empty);

    public int TotalCpu => cpus.Length;

    public VmcsData this[long cpu] => cpu >= 0 && cpu < cpus.Length ? cpus[(int)cpu] : overflow.GetValueOrDefault(cpu, undefVmcs);

    public VmcsArea Set(long cpu, VmcsData data)
    {
        if (cpu < 0 || cpu >= cpus.Length) return new VmcsArea(cpus, overflow.SetItem(cpu, data), owned);
        if (owned) { cpus.SetInPlace((int)cpu, data); return this; }
        return new VmcsArea(cpus.Set((int)cpu, data), overflow);
    }

    /// <summary>Appends every dense CPU whose VMCS record differs (by reference) between two areas; shared chunks are skipped.</summary>
    internal static void ChangedCpus(VmcsArea a, VmcsArea b, List<int> changed)
    {
        if (ReferenceEquals(a, b)) return;
        int n = Math.Min(a.cpus.Length, b.cpus.Length);
        for (int c = 0; c < n; c++)
        {
            // a shared chunk (the last one may be partial: same object, same CPUs) has no change
            if ((c & ChunkedArray<VmcsData>.ChunkMask) == 0 && a.cpus.Length == b.cpus.Length
                && a.cpus.SameChunk(b.cpus, c >> ChunkedArray<VmcsData>.ChunkBits)) { c += ChunkedArray<VmcsData>.ChunkMask; continue; }
            if (!ReferenceEquals(a.cpus[c], b.cpus[c])) changed.Add(c);
        }
    }
}
