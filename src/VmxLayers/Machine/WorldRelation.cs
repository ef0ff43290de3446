using VmxLayers.Constants;
using VmxLayers.Refinement;
using VmxLayers.Semantics;
using VmxLayers.Spec;
using VmxLayers.Spec.Concrete;

namespace VmxLayers.Machine;

/// <summary>
/// The relation over a whole multi-CPU world (what replay and the co-simulation call related: relate for every
/// CPU's view, match_all and the memory clauses), evaluated clause by clause through the relation's own code
/// (<see cref="VmxRelationCode{T, D}"/>). Each check returns null when it holds, else the clause and where it fails.
/// </summary>
public static class WorldRelation
{
    /// <summary>Null if the whole relation holds; otherwise the first violated clause and where.</summary>
    public static string? Check(World w, VmxRelation relation)
    {
        w.Context.Witness.Clear();
        if (w.High.TotalCpu != w.Low.TotalCpu) return "relate: the layers have different numbers of CPUs";
        for (int c = 0; c < w.TotalCpu; c++)
            if (CheckFlags(w, relation, c) is { } why) return why;
        var (d, code) = (w.Domain(), relation.Code<CTerm, ConcreteDomain>());
        var pair = w.Pair(0);
        if (!code.RelateVmcs(ref d, pair.High, pair.Low).Raw.B) return Describe(w, VmxRelation.RelateVmcs);
        if (!code.MatchAll(ref d, pair.High, pair.MemLow).Raw.B) return Describe(w, VmxRelation.MatchAll);
        if (!code.Memory(ref d, pair.MemHigh, pair.MemLow).Raw.B) return Describe(w, VmxRelation.Memory);
        return null;
    }

    /// <summary>
    /// Every place the relation fails, clause by clause (the quantified clauses list each failing instance): what a
    /// report shows. Empty when the world is related.
    /// </summary>
    public static IReadOnlyList<ClauseWitness> Failures(World w, VmxRelation relation)
    {
        var failures = new List<ClauseWitness>();
        var (d, code) = (w.Domain(), relation.Code<CTerm, ConcreteDomain>());
        for (int c = 0; c < w.TotalCpu && c < w.Low.TotalCpu; c++)
            if (CheckFlags(w, relation, c) is { } why) failures.Add(new(VmxRelation.RelateFlags, why));
        var pair = w.Pair(0);
        w.Context.AllFailures = failures;
        try
        {
            code.RelateVmcs(ref d, pair.High, pair.Low);
            code.MatchAll(ref d, pair.High, pair.MemLow);
            code.Memory(ref d, pair.MemHigh, pair.MemLow);
        }
        finally { w.Context.AllFailures = null; }
        return failures;
    }

    /// <summary>relate's flag clause on CPU `cpu`'s views.</summary>
    public static string? CheckFlags(World w, VmxRelation relation, int cpu) => CheckFlags(w, relation.Code<CTerm, ConcreteDomain>(), cpu);

    /// <summary><see cref="CheckFlags(World, VmxRelation, int)"/> with the relation's concrete code at hand.</summary>
    internal static string? CheckFlags(World w, VmxRelationCode<CTerm, ConcreteDomain> code, int cpu)
    {
        var d = w.Domain();
        if (code.RelateFlags(ref d, w.High.View(cpu), w.Low.View(cpu)).Raw.B) return null;
        return $"{VmxRelation.RelateFlags}: CPU {cpu}: high {w.High.Flags[cpu]}, low {w.Low.Flags[cpu]}";
    }

    /// <summary>match_all at slot `slot` of CPU `cpu` only (the incremental check after a step touched it).</summary>
    public static string? CheckSlot(World w, VmxRelation relation, int cpu, int slot) =>
        CheckSlot(w, relation.Code<CTerm, ConcreteDomain>(), w.High.View(cpu), cpu, slot);

    /// <summary>
    /// <see cref="CheckSlot(World, VmxRelation, int, int)"/> with the relation's concrete code and CPU `cpu`'s high view
    /// already at hand (the incremental check: a step touches several slots of one CPU).
    /// </summary>
    internal static string? CheckSlot(World w, VmxRelationCode<CTerm, ConcreteDomain> code, AbsData<CTerm> high, int cpu, int slot)
    {
        var d = w.Domain();
        if (code.MatchSlot(ref d, high, new(new CTerm(w.Low.Mem)), new(new CTerm(cpu)), new(new CTerm(slot))).Raw.B) return null;
        var low = w.Low.Mem.Load(Chunk.Mint32, Genv.VmxLocBlock, VmxSlots.Offset(cpu, slot));
        return $"{VmxRelation.MatchAll}: CPU {cpu}, {VmxSlots.Describe(slot)}: high = {w.High.Vmx.Get(cpu, slot)}, low = {low?.ToString() ?? "(load fails)"}";
    }

    /// <summary>relate's VMCS clause at one field (any encoding) of CPU `cpu` only.</summary>
    public static string? CheckVmcsField(World w, VmxRelation relation, int cpu, long encoding) =>
        CheckVmcsField(w, relation.Code<CTerm, ConcreteDomain>(), w.High.View(cpu), w.Low.View(cpu), cpu, encoding);

    /// <summary><see cref="CheckVmcsField(World, VmxRelation, int, long)"/> with the relation's concrete code and CPU `cpu`'s views already at hand.</summary>
    internal static string? CheckVmcsField(World w, VmxRelationCode<CTerm, ConcreteDomain> code, AbsData<CTerm> high, AbsData<CTerm> low, int cpu, long encoding)
    {
        var d = w.Domain();
        if (code.VmcsFieldRelated(ref d, high, low, new(new CTerm(cpu)), new(new CTerm(encoding))).Raw.B) return null;
        return $"{VmxRelation.RelateVmcs}: CPU {cpu}, VMCS field {VmcsFields.Describe(encoding)}: high = {w.High.Vmcs[cpu].Get(encoding)}, low = {w.Low.Vmcs[cpu].Get(encoding)}";
    }

    /// <summary>relate's VMCS clause at every encoding either side of CPU `cpu` holds, revid and abrtid included.</summary>
    public static string? CheckVmcsCpu(World w, VmxRelation relation, int cpu)
    {
        var (code, high, low) = (relation.Code<CTerm, ConcreteDomain>(), w.High.View(cpu), w.Low.View(cpu));
        foreach (var (enc, _) in VmcsFields.All)
            if (CheckVmcsField(w, code, high, low, cpu, enc) is { } why) return why;
        foreach (long enc in w.High.Vmcs[cpu].Extra.Keys.Union(w.Low.Vmcs[cpu].Extra.Keys).Order())
            if (CheckVmcsField(w, code, high, low, cpu, enc) is { } why) return why;
        return null;
    }

    static string Describe(World w, string clause) =>
        w.Context.Witness.TryGetValue(clause, out var where) ? $"{clause}: {where}" : clause;
}
