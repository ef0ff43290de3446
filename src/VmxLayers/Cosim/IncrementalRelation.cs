using VmxLayers.Constants;
using VmxLayers.Machine;
using VmxLayers.Refinement;
using VmxLayers.Semantics;
using VmxLayers.Spec;
using VmxLayers.Spec.Concrete;

namespace VmxLayers.Cosim;

/// <summary>
/// The relation after one step, given that it held before: only what the step changed can break it, so this
/// checks exactly the changed parts with the generic relation code — flags of every CPU if any flag changed,
/// every VMCS field that changed on either layer (<see cref="Relation.VmcsFieldRelated{T, D}"/>), every
/// (CPU, slot) whose high value or low VMX_LOC bytes changed (<see cref="WorldRelation.CheckSlot"/>), and the
/// memory clauses whenever memory other than VMX_LOC's contents changed. Where the step wrote comes from the
/// domain's <see cref="TouchLog"/> (the only record of it in a world updated in place, <see cref="World.Owned"/>);
/// in a persistent world, a structure that changed with nothing logged for it (a write path that does not log) is
/// diffed instead, by comparing the structures, which share everything a step did not touch. Either way the cost
/// follows the step, not the number of CPUs' slots. Equivalent to
/// <see cref="WorldRelation.Check"/> under the precondition. With `verifyLog`, every step also runs the diffs
/// and reports any change the log missed (the tests' proof that the log is complete).
/// </summary>
internal sealed class IncrementalRelation(VmxRelation relation, bool verifyLog = false)
{
    /// <summary>The relation's concrete code, looked up once: the check runs after every step.</summary>
    readonly VmxRelationCode<CTerm, ConcreteDomain> code = relation.Code<CTerm, ConcreteDomain>();
    readonly KeySet slots = new();   // cpu · VmxSlots.Size + slot
    readonly List<(int Cpu, int Slot)> diffSlots = [];
    readonly List<(int Cpu, long Encoding)> fields = [];
    readonly List<long> cells = [];
    readonly List<int> blocks = [], cpus = [], ordinals = [], scratch = [];

    public long Steps { get; private set; }
    public long Slots { get; private set; }
    public long Fields { get; private set; }

    /// <summary>Null if the relation still holds after the step from `before` to `after`; else the violated clause.</summary>
    public string? Check(World before, World after, TouchLog log)
    {
        Steps++;
        if (verifyLog && LogMisses(before, after, log) is { } missed) return missed;
        return Memory(before, after) ?? Flags(before, after) ?? Vmcs(before, after, log) ?? Vmx(before, after, log);
    }

    string? Memory(World before, World after)
    {
        if (!MemoryShapeChanged(before.High.Mem, after.High.Mem) && !MemoryShapeChanged(before.Low.Mem, after.Low.Mem)) return null;
        var d = after.Domain();
        after.Context.Witness.Clear();
        if (code.Memory(ref d, new(new CTerm(after.High.Mem)), new(new CTerm(after.Low.Mem))).Raw.B) return null;
        return after.Context.Witness.TryGetValue(VmxRelation.Memory, out var why) ? $"{VmxRelation.Memory}: {why}" : VmxRelation.Memory;
    }

    /// <summary>True when anything but VMX_LOC's contents changed (another block, VMX_LOC's bounds or permissions, nextblock).</summary>
    bool MemoryShapeChanged(Mem a, Mem b)
    {
        if (ReferenceEquals(a, b)) return false;
        if (a.NextBlock != b.NextBlock) return true;
        blocks.Clear();
        Mem.ChangedBlocks(a, b, blocks);
        foreach (int blk in blocks)
        {
            var x = a.Data(blk)!; var y = b.Data(blk)!;
            if (blk != Genv.VmxLocBlock || x.Lo != y.Lo || x.Hi != y.Hi || !ReferenceEquals(x.Perms, y.Perms)) return true;
        }
        return false;
    }

    /// <summary>relate's flag clause on every CPU whose flags changed on either layer.</summary>
    string? Flags(World before, World after)
    {
        if (before.High.Flags.Equals(after.High.Flags) && before.Low.Flags.Equals(after.Low.Flags)) return null;
        for (int c = 0; c < after.TotalCpu; c++)
            if (before.High.Flags[c] != after.High.Flags[c] || before.Low.Flags[c] != after.Low.Flags[c])
                if (WorldRelation.CheckFlags(after, code, c) is { } why) return why;
        return null;
    }

    string? Vmcs(World before, World after, TouchLog log)
    {
        fields.Clear();
        if (log.VmcsFields.Count == 0)
        {
            if (ReferenceEquals(before.High.Vmcs, after.High.Vmcs) && ReferenceEquals(before.Low.Vmcs, after.Low.Vmcs)) return null;
            DiffVmcs(before, after, fields);
        }
        else
            foreach (var (cpu, enc) in log.VmcsFields)
                if (cpu >= 0 && cpu < after.TotalCpu && !fields.Contains(((int)cpu, enc))) fields.Add(((int)cpu, enc));
        int viewed = -1;   // the CPU whose views are at hand: a step's fields are usually one CPU's
        AbsData<CTerm>? high = null, low = null;
        foreach (var (cpu, enc) in fields)
        {
            Fields++;
            if (enc == WholeCpu)
            {
                if (WorldRelation.CheckVmcsCpu(after, relation, cpu) is { } whole) return whole;
                continue;
            }
            if (cpu != viewed) (viewed, high, low) = (cpu, after.High.View(cpu), after.Low.View(cpu));
            if (WorldRelation.CheckVmcsField(after, code, high!, low!, cpu, enc) is { } why) return why;
        }
        return null;
    }

    /// <summary>Stands for "every encoding of the CPU" in the list of VMCS places to check.</summary>
    const long WholeCpu = long.MinValue;

    /// <summary>The VMCS fields that differ on either layer; a CPU whose revid, abrtid or invalid encodings changed is listed whole (<see cref="WholeCpu"/>).</summary>
    void DiffVmcs(World before, World after, List<(int Cpu, long Encoding)> changed)
    {
        cpus.Clear();
        VmcsArea.ChangedCpus(before.High.Vmcs, after.High.Vmcs, cpus);
        VmcsArea.ChangedCpus(before.Low.Vmcs, after.Low.Vmcs, cpus);
        foreach (int c in cpus)
        {
            VmcsData bh = before.High.Vmcs[c], ah = after.High.Vmcs[c], bl = before.Low.Vmcs[c], al = after.Low.Vmcs[c];
            if (ReferenceEquals(bh, ah) && ReferenceEquals(bl, al)) continue;
            bool whole = bh.Revid != ah.Revid || bh.Abrtid != ah.Abrtid || bl.Revid != al.Revid || bl.Abrtid != al.Abrtid
                || !ReferenceEquals(bh.Extra, ah.Extra) || !ReferenceEquals(bl.Extra, al.Extra);
            if (whole) { Add(changed, (c, WholeCpu)); continue; }
            ordinals.Clear();
            VmcsData.ChangedFields(bh, ah, ordinals);
            VmcsData.ChangedFields(bl, al, ordinals);
            foreach (int k in ordinals) Add(changed, (c, VmcsFields.All[k].Encoding));
        }
    }

    string? Vmx(World before, World after, TouchLog log)
    {
        slots.Clear();
        int total = after.TotalCpu;
        if (log.Slots.Count == 0) { if (!ReferenceEquals(before.High.Vmx, after.High.Vmx)) AddAll(DiffHighSlots(before, after, diffSlots)); }
        else
            foreach (var (cpu, slot) in log.Slots)
                if (cpu >= 0 && cpu < total && slot >= 0 && slot < VmxSlots.Size) slots.Add((int)cpu * VmxSlots.Size + (int)slot);
        if (log.VmxLocStores.Count == 0) { if (!ReferenceEquals(before.Low.Mem, after.Low.Mem)) AddAll(DiffLowSlots(before, after, diffSlots)); }
        else
            foreach (long ofs in log.VmxLocStores)
            {
                // a Mint32 store's four bytes lie in the slots of its first and last byte
                AddByte(ofs, total);
                AddByte(ofs + 3, total);
            }
        int viewed = -1;   // the CPU whose high view is at hand: a step's slots are usually one CPU's
        AbsData<CTerm>? high = null;
        foreach (int key in slots.Keys)
        {
            Slots++;
            int cpu = key / VmxSlots.Size;
            if (cpu != viewed) (viewed, high) = (cpu, after.High.View(cpu));
            if (WorldRelation.CheckSlot(after, code, high!, cpu, key % VmxSlots.Size) is { } why) return why;
        }
        return null;
    }

    void AddAll(List<(int Cpu, int Slot)> changed)
    {
        foreach (var (cpu, slot) in changed) slots.Add(cpu * VmxSlots.Size + slot);
    }

    void AddByte(long ofs, int totalCpu)
    {
        if (ofs >= 0 && ofs / VmxSlots.Stride < totalCpu) slots.Add((int)(ofs / VmxSlots.Stride) * VmxSlots.Size + (int)(ofs % VmxSlots.Stride / 4));
    }

    /// <summary>The (CPU, slot) pairs whose high value differs (cleared first).</summary>
    List<(int Cpu, int Slot)> DiffHighSlots(World before, World after, List<(int Cpu, int Slot)> changed)
    {
        changed.Clear();
        scratch.Clear();
        VmxArea.ChangedSlots(before.High.Vmx, after.High.Vmx, changed, scratch);
        return changed;
    }

    /// <summary>The (CPU, slot) of every VMX_LOC byte whose contents differ (cleared first).</summary>
    List<(int Cpu, int Slot)> DiffLowSlots(World before, World after, List<(int Cpu, int Slot)> changed)
    {
        changed.Clear();
        Mem lb = before.Low.Mem, la = after.Low.Mem;
        cells.Clear();
        CellTrie.Diff(lb.Contents(Genv.VmxLocBlock), la.Contents(Genv.VmxLocBlock), cells);
        long lo = la.Data(Genv.VmxLocBlock)!.Lo;
        foreach (long cell in cells)
        {
            long ofs = lo + cell;
            if (ofs >= 0 && ofs / VmxSlots.Stride < after.TotalCpu) Add(changed, ((int)(ofs / VmxSlots.Stride), (int)(ofs % VmxSlots.Stride / 4)));
        }
        return changed;
    }

    static void Add<K>(List<K> list, K key)
    {
        if (!list.Contains(key)) list.Add(key);
    }

    /// <summary>A change the diffs find and the log does not name (null when the log covers the step).</summary>
    string? LogMisses(World before, World after, TouchLog log)
    {
        if (!ReferenceEquals(before.High.Vmx, after.High.Vmx))
            foreach (var (cpu, slot) in DiffHighSlots(before, after, diffSlots))
                if (!log.Slots.Contains((cpu, slot))) return $"touch log: the high save area changed at CPU {cpu}, {VmxSlots.Describe(slot)} with no logged write";
        if (!ReferenceEquals(before.Low.Mem, after.Low.Mem))
            foreach (var (cpu, slot) in DiffLowSlots(before, after, diffSlots))
            {
                long start = (long)cpu * VmxSlots.Stride + 4L * slot;
                if (!log.VmxLocStores.Exists(o => o < start + 4 && start < o + 4))
                    return $"touch log: VMX_LOC changed at CPU {cpu}, {VmxSlots.Describe(slot)} with no logged store";
            }
        fields.Clear();
        if (!ReferenceEquals(before.High.Vmcs, after.High.Vmcs) || !ReferenceEquals(before.Low.Vmcs, after.Low.Vmcs)) DiffVmcs(before, after, fields);
        foreach (var (cpu, enc) in fields)
            if (!log.VmcsFields.Exists(e => e.Cpu == cpu && (e.Encoding == enc || enc == WholeCpu && !VmcsFields.IsValid(e.Encoding))))
                return $"touch log: the VMCS of CPU {cpu} changed at {(enc == WholeCpu ? "revid/abrtid or an invalid encoding" : VmcsFields.Describe(enc))} with no logged write";
        return null;
    }
}

/// <summary>
/// Small non-negative keys in insertion order without duplicates: membership is a stamp per key, so adding costs
/// the same however many keys a step touched, and clearing is one increment.
/// </summary>
internal sealed class KeySet
{
    readonly List<int> keys = [];
    int[] stamps = [];
    int epoch = 1;

    public List<int> Keys => keys;

    public void Clear()
    {
        keys.Clear();
        if (++epoch == int.MaxValue) { Array.Clear(stamps); epoch = 1; }
    }

    public void Add(int key)
    {
        if (key >= stamps.Length) Array.Resize(ref stamps, Math.Max(key + 1, stamps.Length * 2));
        if (stamps[key] == epoch) return;
        stamps[key] = epoch;
        keys.Add(key);
    }
}
