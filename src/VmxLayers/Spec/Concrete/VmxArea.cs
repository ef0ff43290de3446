using System.Collections.Immutable;
using VmxLayers.Layers;
using VmxLayers.Semantics;

namespace VmxLayers.Spec.Concrete;

/// <summary>
/// The abstract Vmx field, cpu ↦ slot ↦ Val, as a total map with default Vundef. Slots 0..37 of CPUs
/// 0..TOTAL_CPU-1 are dense persistent arrays; anything else lives in a sparse overflow map. A dense write
/// does not copy: it records (cpu, slot, value) on top of the area it came from, and a chain of
/// <see cref="MaxDepth"/> writes is folded into the arrays at once (the co-simulation writes a dozen slots per exit).
/// </summary>
public sealed class VmxArea
{
    const int MaxDepth = 4;

    // chunked twice: folding copies O(TOTAL_CPU/8 + 8) references and the touched 8-slot chunks (not 38 slots per CPU)
    readonly ChunkedArray<ValChunks> cpus;   // the flat base: this area's own when parent is null, else the chain's bottom's
    readonly ImmutableDictionary<(long Cpu, long Slot), Val> overflow;
    readonly VmxArea? parent;                // null: flat
    readonly int cpu, slot, depth;           // the write this area adds on top of parent
    readonly Val value;
    // a flat area's identity, and, when it was made by folding a chain, the identity of that chain's bottom and the
    // slots the chain wrote: the two flat areas differ at most there (no reference kept: histories stay collectable)
    static long lastId;
    readonly long id, foldedFrom;
    readonly (int Cpu, int Slot)[]? foldedKeys;

    VmxArea(ChunkedArray<ValChunks> cpus, ImmutableDictionary<(long, long), Val> overflow, long foldedFrom = 0, (int, int)[]? foldedKeys = null)
    {
        this.cpus = cpus; this.overflow = overflow; this.foldedFrom = foldedFrom; this.foldedKeys = foldedKeys;
        id = Interlocked.Increment(ref lastId);
    }

    VmxArea(VmxArea parent, int cpu, int slot, Val value)
    {
        cpus = parent.cpus; overflow = parent.overflow;
        this.parent = parent; this.cpu = cpu; this.slot = slot; this.value = value; depth = parent.depth + 1;
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

    public Val Get(long cpu, long slot)
    {
        if (!Dense(cpu, slot, cpus.Length)) return overflow.GetValueOrDefault((cpu, slot));
        for (var a = this; a.parent is not null; a = a.parent)
            if (a.cpu == cpu && a.slot == slot) return a.value;
        return cpus[(int)cpu][(int)slot];
    }

    public VmxArea Set(long cpu, long slot, Val v)
    {
        if (!Dense(cpu, slot, cpus.Length)) return new VmxArea(Flat().cpus, overflow.SetItem((cpu, slot), v));
        if (Get(cpu, slot) == v) return this;   // nothing changes: share everything (keeps the incremental diff empty)
        var next = new VmxArea(this, (int)cpu, (int)slot, v);
        return next.depth >= MaxDepth ? next.Flat() : next;
    }

    /// <summary>The same map with the chain of writes folded into the arrays.</summary>
    VmxArea Flat()
    {
        if (parent is null) return this;
        Span<(int Cpu, int Slot, Val Value)> writes = stackalloc (int, int, Val)[depth];
        int n = 0;
        for (var a = this; a.parent is not null; a = a.parent) writes[n++] = (a.cpu, a.slot, a.value);
        writes.Reverse();   // oldest first: a later write of the same slot wins
        var table = cpus;
        Span<(int, Val)> perCpu = stackalloc (int, Val)[n];
        Span<bool> done = stackalloc bool[n];
        for (int i = 0; i < n; i++)
        {
            if (done[i]) continue;
            int c = writes[i].Cpu, m = 0;
            for (int j = i; j < n; j++)
                if (!done[j] && writes[j].Cpu == c) { perCpu[m++] = (writes[j].Slot, writes[j].Value); done[j] = true; }
            table = table.Set(c, table[c].Folded(perCpu[..m]));
        }
        var keys = new (int, int)[n];
        for (int i = 0; i < n; i++) keys[i] = (writes[i].Cpu, writes[i].Slot);
        return new VmxArea(table, overflow, Bottom.id, keys);
    }

    /// <summary>
    /// Appends every dense (cpu, slot) whose value differs between two areas with the same CPU count, once each,
    /// ordered by CPU then slot: the writes recorded on either chain, plus the differing slots of the flat bases
    /// (compared chunk by chunk, skipping shared ones). The cost follows the writes, not the number of slots.
    /// </summary>
    internal static void ChangedSlots(VmxArea a, VmxArea b, List<(int Cpu, int Slot)> changed, List<int> scratch)
    {
        if (ReferenceEquals(a, b)) return;
        int start = changed.Count;
        if (b.Above(a))
        {
            // the common case, a step's before and after: only the writes b adds can differ
            for (var x = b; !ReferenceEquals(x, a); x = x.parent!)
                if (a.Get(x.cpu, x.slot) != b.Get(x.cpu, x.slot) && !changed.Contains((x.cpu, x.slot))) changed.Add((x.cpu, x.slot));
            changed.Sort(start, changed.Count - start, Comparer<(int, int)>.Default);
            return;
        }
        var (baseA, baseB) = (a.Bottom, b.Bottom);
        if (ReferenceEquals(baseA, baseB)) { }
        else if (baseB.foldedFrom == baseA.id) FoldedChanges(a, b, baseB.foldedKeys!, changed);
        else if (baseA.foldedFrom == baseB.id) FoldedChanges(a, b, baseA.foldedKeys!, changed);
        else BaseChanges(a, b, changed, scratch);
        AddChainWrites(a, b, changed);
        AddChainWrites(b, a, changed);
        changed.Sort(start, changed.Count - start, Comparer<(int, int)>.Default);
    }

    /// <summary>Whether `a` is on this area's chain of writes (this = a plus some writes).</summary>
    bool Above(VmxArea a)
    {
        for (var x = this; x.depth > a.depth; x = x.parent!) if (ReferenceEquals(x.parent, a)) return true;
        return false;
    }

    VmxArea Bottom { get { var a = this; while (a.parent is not null) a = a.parent; return a; } }

    /// <summary>The slots written on `x`'s chain whose value in `x` and `y` differs, if not listed yet.</summary>
    static void AddChainWrites(VmxArea x, VmxArea y, List<(int Cpu, int Slot)> changed)
    {
        for (var a = x; a.parent is not null; a = a.parent)
        {
            var key = (a.cpu, a.slot);
            if (a.cpu < y.cpus.Length && x.Get(a.cpu, a.slot) != y.Get(a.cpu, a.slot) && !changed.Contains(key)) changed.Add(key);
        }
    }

    /// <summary>The folded slots (where the two flat bases can differ) whose values in `a` and `b` differ.</summary>
    static void FoldedChanges(VmxArea a, VmxArea b, (int Cpu, int Slot)[] keys, List<(int Cpu, int Slot)> changed)
    {
        foreach (var key in keys)
            if (a.Get(key.Cpu, key.Slot) != b.Get(key.Cpu, key.Slot) && !changed.Contains(key)) changed.Add(key);
    }

    /// <summary>The slots where the flat bases of `a` and `b` differ and `a` and `b` themselves do too.</summary>
    static void BaseChanges(VmxArea a, VmxArea b, List<(int Cpu, int Slot)> changed, List<int> scratch)
    {
        int n = Math.Min(a.cpus.Length, b.cpus.Length);
        for (int c = 0; c < n; c++)
        {
            if ((c & ChunkedArray<ValChunks>.ChunkMask) == 0 && c + ChunkedArray<ValChunks>.ChunkSize <= n
                && a.cpus.SameChunk(b.cpus, c >> ChunkedArray<ValChunks>.ChunkBits)) { c += ChunkedArray<ValChunks>.ChunkMask; continue; }
            scratch.Clear();
            ValChunks.Changed(a.cpus[c], b.cpus[c], scratch);   // a chain shares its bottom's arrays
            foreach (int i in scratch)
                if (a.Get(c, i) != b.Get(c, i)) changed.Add((c, i));
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

    VmcsArea(ChunkedArray<VmcsData> cpus, ImmutableDictionary<long, VmcsData> overflow) { this.cpus = cpus; this.overflow = overflow; }

    public static VmcsArea Init(int totalCpu, Func<int, VmcsData> make) =>
        new(ChunkedArray<VmcsData>.From(Enumerable.Range(0, totalCpu).Select(make).ToArray()), ImmutableDictionary<long, VmcsData>.Empty);

    public int TotalCpu => cpus.Length;

    public VmcsData this[long cpu] => cpu >= 0 && cpu < cpus.Length ? cpus[(int)cpu] : overflow.GetValueOrDefault(cpu, undefVmcs);

    public VmcsArea Set(long cpu, VmcsData data)
    {
        if (cpu < 0 || cpu >= cpus.Length) return new VmcsArea(cpus, overflow.SetItem(cpu, data));
        return new VmcsArea(cpus.Set((int)cpu, data), overflow);
    }

    /// <summary>Appends every dense CPU whose VMCS record differs (by reference) between two areas; shared chunks are skipped.</summary>
    internal static void ChangedCpus(VmcsArea a, VmcsArea b, List<int> changed)
    {
        if (ReferenceEquals(a, b)) return;
        int n = Math.Min(a.cpus.Length, b.cpus.Length);
        for (int c = 0; c < n; c++)
        {
            if ((c & ChunkedArray<VmcsData>.ChunkMask) == 0 && c + ChunkedArray<VmcsData>.ChunkSize <= n
                && a.cpus.SameChunk(b.cpus, c >> ChunkedArray<VmcsData>.ChunkBits)) { c += ChunkedArray<VmcsData>.ChunkMask; continue; }
            if (!ReferenceEquals(a.cpus[c], b.cpus[c])) changed.Add(c);
        }
    }
}
