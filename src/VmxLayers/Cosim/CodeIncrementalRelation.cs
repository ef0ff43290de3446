using VmxLayers.Constants;
using VmxLayers.Machine;
using VmxLayers.Semantics;
using VmxLayers.Spec.Concrete;

namespace VmxLayers.Cosim;

/// <summary>
/// code ⊑ VMCSInit's state relation (data equal, the code's memory extends the middle's) after one call, looking only
/// where the call wrote: the middle layer's writes from its touch log, the code's from diffs of its persistent
/// structures (VMCS per CPU by reference, memory blocks and their changed cells). Everything else was related before
/// the call and did not change. Flags are compared for every CPU (one array).
/// </summary>
internal sealed class CodeIncrementalRelation
{
    readonly List<int> blocks = [];
    readonly List<long> cells = [];

    /// <summary>Null when related, else the clause and where.</summary>
    public string? Check(LayerMachine middle, VmcsArea codeVmcsBefore, Mem codeMemBefore, LayerMachine code, TouchLog touched)
    {
        for (int c = 0; c < middle.TotalCpu; c++)
            if (middle.Flags[c] != code.Flags[c]) return $"data equal: flags of CPU {c} ({middle.Flags[c]} vs {code.Flags[c]})";
        foreach (var (cpu, enc) in touched.VmcsFields)
            if (VmcsFields.Ordinal(enc) is var k and >= 0 && middle.Vmcs[cpu].Field(k) != code.Vmcs[cpu].Field(k))
                return $"data equal: VMCS field {VmcsFields.Name(enc)} of CPU {cpu} ({middle.Vmcs[cpu].Field(k)} vs {code.Vmcs[cpu].Field(k)})";
        if (!ReferenceEquals(codeVmcsBefore, code.Vmcs))
            for (int c = 0; c < code.TotalCpu; c++)
                if (!ReferenceEquals(codeVmcsBefore[c], code.Vmcs[c]) && VmcsDiffers(middle.Vmcs[c], code.Vmcs[c]) is { } why) return $"data equal: VMCS of CPU {c}: {why}";
        Mem m = middle.Mem, l = code.Mem;
        foreach (long ofs in touched.VmxLocStores)
            for (long o = ofs; o < ofs + 4; o++)
                if (CellDiffers(m, l, Genv.VmxLocBlock, o) is { } why) return why;
        blocks.Clear();
        Mem.ChangedBlocks(codeMemBefore, l, blocks);
        foreach (int b in blocks)
        {
            if (b >= m.NextBlock) continue;   // the code's own frames: outside the relation
            if (!m.PermissionRuns(b).SequenceEqual(l.PermissionRuns(b))) return $"memory: the permissions of block {b} changed on the code side";
            if (!codeMemBefore.ValidBlock(b)) continue;
            cells.Clear();
            CellTrie.Diff(codeMemBefore.Contents(b), l.Contents(b), cells);
            long lo = l.Bounds(b)!.Value.Lo;
            foreach (long i in cells)
                if (CellDiffers(m, l, b, lo + i) is { } why) return why;
        }
        return null;
    }

    /// <summary>The identity injection on one cell: the middle's value, unless Vundef (which anything refines), must be the code's.</summary>
    static string? CellDiffers(Mem middle, Mem code, int b, long ofs)
    {
        var (x, y) = (middle.Cell(b, ofs), code.Cell(b, ofs));
        return x.Kind == MemvalKind.Undef || x == y ? null : $"memory: cell ({b}, {ofs}) = {x} (VMCSInit) is not the code's {y}";
    }

    static string? VmcsDiffers(VmcsData x, VmcsData y)
    {
        if (x.Revid != y.Revid) return $"revid {x.Revid} vs {y.Revid}";
        if (x.Abrtid != y.Abrtid) return $"abrtid {x.Abrtid} vs {y.Abrtid}";
        for (int k = 0; k < VmcsFields.Count; k++)
            if (x.Field(k) != y.Field(k)) return $"field #{k} {x.Field(k)} vs {y.Field(k)}";
        return null;
    }
}
