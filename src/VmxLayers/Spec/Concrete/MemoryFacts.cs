using VmxLayers.Constants;
using VmxLayers.Semantics;

namespace VmxLayers.Spec.Concrete;

/// <summary>The memory-level clauses of MatchExtcallStates (SPEC §4), checked on concrete memories.</summary>
public static class MemoryFacts
{
    /// <summary>Null when all hold; otherwise which clause fails and where.</summary>
    public static string? Check(ConcreteContext ctx, Mem high, Mem low)
    {
        var f = ctx.Inject;
        if (MemInject.Check(f, high, low) is { } v) return $"Mem.inject f mH mL: {v}";
        for (int b = 1; b < Genv.Next; b++)
            if (f[b] != (b, 0)) return $"inject_incr (flat_inj genv_next) f: global block {b} is not mapped to itself";
        foreach (var (from, to, delta) in f.Entries)
            if (delta != 0 || to < from) return $"forward injection: f maps block {from} to ({to}, {delta})";
        if (high.NextBlock > low.NextBlock) return $"nextblock mH = {high.NextBlock} > nextblock mL = {low.NextBlock}";
        if (high.PermissionRuns(Genv.VmxLocBlock).Any())
            return "the high memory has a permission on VMX_LOC";
        return null;
    }
}
