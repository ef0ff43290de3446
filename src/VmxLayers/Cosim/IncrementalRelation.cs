using VmxLayers.Layers;
using VmxLayers.Machine;
using VmxLayers.Refinement;
using VmxLayers.Semantics;
using VmxLayers.Spec.Concrete;

namespace VmxLayers.Cosim;

/// <summary>
/// The relation after one step, given that it held before: only what the step changed can break it, so this
/// checks exactly the changed parts with the generic relation code — flags of every CPU if any flag changed,
/// every VMCS field that changed on either layer (<see cref="Relation.VmcsFieldRelated{T, D}"/>), every
/// (CPU, slot) whose high value or low VMX_LOC bytes changed (<see cref="WorldRelation.CheckSlot"/>), and the
/// memory clauses whenever memory other than VMX_LOC's contents changed. Changes are found by comparing the
/// persistent structures, which share everything a step did not touch, so the cost follows the step, not the
/// number of CPUs' slots. Equivalent to <see cref="WorldRelation.Check"/> under the precondition.
/// </summary>
internal sealed class IncrementalRelation
{
    readonly List<(int Cpu, int Slot)> slots = [];
    readonly List<long> cells = [];
    readonly List<int> blocks = [], cpus = [], ordinals = [], scratch = [];

    public long Steps { get; private set; }
    public long Slots { get; private set; }
    public long Fields { get; private set; }

    /// <summary>Null if the relation still holds after the step from `before` to `after`; else the violated clause.</summary>
    public string? Check(World before, World after)
    {
        Steps++;
        return Memory(before, after) ?? Flags(before, after) ?? Vmcs(before, after) ?? Vmx(before, after);
    }

    string? Memory(World before, World after)
    {
        if (!MemoryShapeChanged(before.High.Mem, after.High.Mem) && !MemoryShapeChanged(before.Low.Mem, after.Low.Mem)) return null;
        var why = MemoryFacts.Check(after.Context, after.High.Mem, after.Low.Mem);
        return why is null ? null : $"{Relation.Memory}: {why}";
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

    static string? Flags(World before, World after)
    {
        if (before.High.Flags.Equals(after.High.Flags) && before.Low.Flags.Equals(after.Low.Flags)) return null;
        for (int c = 0; c < after.TotalCpu; c++)
            if (after.High.Flags[c] != after.Low.Flags[c])
                return $"{Relation.RelateFlags}: CPU {c}: high {after.High.Flags[c]}, low {after.Low.Flags[c]}";
        return null;
    }

    string? Vmcs(World before, World after)
    {
        if (ReferenceEquals(before.High.Vmcs, after.High.Vmcs) && ReferenceEquals(before.Low.Vmcs, after.Low.Vmcs)) return null;
        cpus.Clear();
        VmcsArea.ChangedCpus(before.High.Vmcs, after.High.Vmcs, cpus);
        VmcsArea.ChangedCpus(before.Low.Vmcs, after.Low.Vmcs, cpus);
        for (int i = 0; i < cpus.Count; i++)
        {
            int c = cpus[i];
            if (cpus.IndexOf(c) < i) continue;   // changed on both layers: listed twice
            VmcsData bh = before.High.Vmcs[c], ah = after.High.Vmcs[c], bl = before.Low.Vmcs[c], al = after.Low.Vmcs[c];
            if (ReferenceEquals(bh, ah) && ReferenceEquals(bl, al)) continue;
            bool whole = bh.Revid != ah.Revid || bh.Abrtid != ah.Abrtid || bl.Revid != al.Revid || bl.Abrtid != al.Abrtid
                || !ReferenceEquals(bh.Extra, ah.Extra) || !ReferenceEquals(bl.Extra, al.Extra);
            if (whole) { if (WorldRelation.CheckVmcsCpu(after, c) is { } why) return why; continue; }
            ordinals.Clear();
            VmcsData.ChangedFields(bh, ah, ordinals);
            VmcsData.ChangedFields(bl, al, ordinals);
            for (int j = 0; j < ordinals.Count; j++)
            {
                int k = ordinals[j];
                if (ordinals.IndexOf(k) < j) continue;   // changed on both layers: listed twice
                Fields++;
                if (WorldRelation.CheckVmcsField(after, c, VmcsFields.All[k].Encoding) is { } why) return why;
            }
        }
        return null;
    }

    string? Vmx(World before, World after)
    {
        slots.Clear();
        VmxArea.ChangedSlots(before.High.Vmx, after.High.Vmx, slots, scratch);
        Mem lb = before.Low.Mem, la = after.Low.Mem;
        if (!ReferenceEquals(lb, la))
        {
            cells.Clear();
            CellTrie.Diff(lb.Contents(Genv.VmxLocBlock), la.Contents(Genv.VmxLocBlock), cells);
            long lo = la.Data(Genv.VmxLocBlock)!.Lo;
            foreach (long cell in cells)
            {
                long ofs = lo + cell;
                var key = ((int)(ofs / VmxSlots.Stride), (int)(ofs % VmxSlots.Stride / 4));
                if (key.Item1 < after.TotalCpu && !slots.Contains(key)) slots.Add(key);
            }
        }
        foreach (var (cpu, slot) in slots)
        {
            Slots++;
            if (WorldRelation.CheckSlot(after, cpu, slot) is { } why) return why;
        }
        return null;
    }
}
