using System.Collections.Immutable;
using VmxLayers.Cases;
using VmxLayers.Constants;
using VmxLayers.Refinement;

namespace VmxLayers.Checking;

/// <summary>
/// The lemma assumes only the current CPU's match; replay and co-simulation check match_all. A counterexample drawn
/// with another CPU's slots unrelated therefore replays as "initial state not related" — a different failure from
/// the one the check found. This prefers the same case with those slots related, when it is still a counterexample.
/// </summary>
public static class ReplayableCase
{
    /// <summary>The outcome of the case with every other CPU's non-pointer high value copied to the low side, if still violated; else <paramref name="o"/>.</summary>
    public static CaseOutcome Prefer(SimStatement statement, CaseOutcome o)
    {
        var c = o.Case;
        var low = c.LowSlots.ToBuilder();
        bool changed = false;
        for (int cpu = 0; cpu < c.TotalCpu; cpu++)
        {
            if (cpu == c.Cpu) continue;
            for (int slot = 0; slot < VmxSlots.Size; slot++)
            {
                var (high, lowValue) = (c.HighSlot(cpu, slot), c.LowSlot(cpu, slot));
                // Pointers are drawn related through the injection; only plain values are ever perturbed.
                if (high.IsUndef || high.IsPtr || high == lowValue) continue;
                low[cpu * VmxSlots.Size + slot] = high;
                changed = true;
            }
        }
        if (!changed) return o;
        var related = CaseCheck.Evaluate(statement, c with { LowSlots = low.ToImmutable() });
        return related.Status == CaseStatus.Violated ? related : o;
    }
}
