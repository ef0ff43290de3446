using VmxLayers.Cases;
using VmxLayers.Checking;
using VmxLayers.Constants;
using VmxLayers.Layers;
using VmxLayers.Machine;
using VmxLayers.Semantics;
using VmxLayers.Smt;
using VmxLayers.Spec;

namespace VmxLayers.Composition;

/// <summary>
/// The composed lemma of one primitive (code ⊑ PVMXIntro): its verdict by the vertical composition rule from the two
/// steps' lemmas, why, and for a refutation the composed case that fails concretely (<see cref="ComposedCheck"/>).
/// </summary>
public sealed record ComposedLemma(Primitive Prim, Verdict Verdict, string Reason, LemmaResult Lower, LemmaResult Upper, ConcreteCase? Counterexample, CaseOutcome? Replay)
{
    /// <summary>Both steps' solve time (the composition itself asks no query).</summary>
    public TimeSpan Time => Lower.Time + Upper.Time;
}

/// <summary>
/// Proves a composed refinement from its steps, as CertiKOS does (the vertical composition rule, proved once for all
/// layers: a simulation of L1 by L2 and one of L2 by L3 give one of L1 by L3 under ∃ m. R_upper(high, m) ∧
/// R_lower(m, low)). No query is asked for the composition: PROVED iff both steps are PROVED; VACUOUS when no related
/// states let the top step succeed; REFUTED only with a composed case that fails concretely (a step's refutation
/// lifted to the composition and judged by <see cref="ComposedCheck"/>); UNKNOWN otherwise — a step's refutation
/// that does not lift says nothing about the composition, whose premises may exclude it.
/// </summary>
public static class ComposedProof
{
    /// <summary>The rule in one line, for reports.</summary>
    public static string Rule(ComposedRefinement r) =>
        $"PROVED iff {r.Upper.Name} and {r.Lower.Name} are PROVED (vertical composition, under {r.Lower.Name}'s layer invariants); " +
        "REFUTED only with a composed case that fails concretely";

    public static ComposedLemma Compose(ComposedRefinement r, LemmaResult lower, LemmaResult upper)
    {
        if (lower.Prim != upper.Prim) throw new ArgumentException($"the steps' lemmas are about {lower.Prim.Name} and {upper.Prim.Name}");
        string lowerName = r.Lower.Name, upperName = r.Upper.Name;
        ComposedLemma Of(Verdict v, string why, ConcreteCase? c = null, CaseOutcome? o = null) => new(upper.Prim, v, why, lower, upper, c, o);

        if (upper.Verdict == Verdict.Proved && lower.Verdict == Verdict.Proved)
            return Of(Verdict.Proved, "both steps PROVED");
        if (upper.Verdict == Verdict.Vacuous)
            return Of(Verdict.Vacuous, $"{upperName} is VACUOUS: no related states let the {r.Upper.Upper.Name} step succeed, so none do in the composition");
        if (upper.Verdict == Verdict.Proved && lower.Verdict == Verdict.Vacuous)
            return Of(Verdict.Vacuous, $"{lowerName} is VACUOUS and {upperName} PROVED: every composed premise gives a {r.Middle.Name} step that succeeds, which {lowerName}'s premises never allow");
        var tried = new List<string>();
        foreach (var (step, c) in Candidates(upper, lower))
        {
            var outcome = ComposedCheck.Evaluate(r, c);
            if (outcome.Status == CaseStatus.Violated && outcome.Error is null)
                return Of(Verdict.Refuted, $"{step} is REFUTED and its counterexample fails the composition concretely ({ComposedCheck.StepOf(r, outcome).Name}: {string.Join(", ", outcome.Violated)})", c, outcome);
            tried.Add($"{step}'s counterexample as a composed case: {Describe(outcome)}");
        }
        var why = tried.Distinct().Take(1).Select(t => tried.Count > 1 ? $"{t} (and {tried.Count - 1} neighbour(s) of it: none fails the composition)" : t);
        if (lower.Counterexample is { Sides: CaseSides.TwoLowStates })
            why = why.Append("the lower step's counterexample has two different VMCSInit states, which no composed case has (the code starts from the witness)");
        return Of(Verdict.Unknown, string.Join("; ", [Unknown(lower, upper, r), .. why]));
    }

    /// <summary>The composed cases to try: the upper step's counterexample as it is, the lower step's lifted (<see cref="Lift"/>).</summary>
    static IEnumerable<(string Step, ConcreteCase Case)> Candidates(LemmaResult upper, LemmaResult lower)
    {
        if (upper is { Verdict: Verdict.Refuted, Counterexample: { } u } && u.Sides == CaseSides.HighOverLow) yield return ("the upper step", u);
        // a counterexample with two different VMCSInit states has no composed case: the composed check runs the code from the witness
        if (lower is { Verdict: Verdict.Refuted, Counterexample: { Sides: CaseSides.LowOnBoth } l })
            foreach (var c in Lifts(l)) yield return ("the lower step", c);
    }

    static string Unknown(LemmaResult lower, LemmaResult upper, ComposedRefinement r) =>
        string.Join(", ", new[] { (r.Upper.Name, upper), (r.Lower.Name, lower) }.Where(s => s.Item2.Verdict != Verdict.Proved)
            .Select(s => $"{s.Name} is {s.Item2.Verdict.ToString().ToUpperInvariant()}"));

    static string Describe(CaseOutcome o) => o.Status switch
    {
        CaseStatus.Vacuous => $"not related ({o.Why ?? string.Join(", ", o.Violated)})",
        CaseStatus.HighFails => $"the {o.Statement.Upper.Layer} step fails ({o.Why})",
        CaseStatus.Holds => "the composition holds there",
        CaseStatus.Violated => $"the evaluation failed ({o.Error})",
        _ => throw new ArgumentOutOfRangeException(nameof(o), o.Status, null),
    };

    /// <summary>
    /// The lower step's case lifted (<see cref="Lift"/>), then its neighbours: the solver chose the VMCSInit state for the
    /// lower lemma alone, so its flags may fail PVMXIntro's guard or its words be read-only (no match). Each neighbour
    /// keeps the code's inputs and is judged concretely, so a failure found here is a real composed counterexample.
    /// </summary>
    public static IEnumerable<ConcreteCase> Lifts(ConcreteCase c)
    {
        var lifted = Lift(c);
        yield return lifted;
        // ASM_INV types every register and match_reg injects it (the lower step's premises ask only for integer types):
        // an ill-typed register or a pointer beyond nextblock becomes Vundef
        int next = Genv.Next + lifted.LowBlocks;
        bool Fits(Preg r, Val v) => v.HasType(r.Type()) && !(v.Tag == ValTag.Vptr && v.Block >= next);
        var typed = PregInfo.All.Where(r => !Fits(r, lifted.RegsLow[r])).Aggregate(lifted.RegsLow, (regs, r) => regs.Set(r, Val.Vundef));
        foreach (bool writable in new[] { false, true })
            foreach (int bits in Enumerable.Range(0, 16).Reverse())
            {
                var flags = new CpuFlags((bits & 8) != 0, (bits & 4) != 0, (bits & 2) != 0, (bits & 1) != 0);
                var variant = lifted with { FlagsHigh = flags, FlagsLow = flags, LowReadOnly = writable ? [] : lifted.LowReadOnly, RegsHigh = typed, RegsLow = typed };
                if (variant != lifted) yield return variant;
            }
    }

    /// <summary>
    /// A case of the lower step (one VMCSInit state on both sides) as a composed case: PVMXIntro's state is VMCSInit's
    /// with the save area abstracted — each VMX slot the word VMX_LOC holds, flags, VMCS, arguments and registers the
    /// same, the extra blocks mapped to themselves. The composed check then decides whether it is related and fails.
    /// </summary>
    public static ConcreteCase Lift(ConcreteCase c)
    {
        if (c.Sides != CaseSides.LowOnBoth) throw new ArgumentException("only a case with its VMCSInit state on both sides lifts");
        return c with
        {
            Sides = CaseSides.HighOverLow,
            FlagsHigh = c.FlagsLow,
            HighSlots = c.LowSlots,
            Vmcs = [.. c.Vmcs.Select(v => v with { High = v.Low })],
            HighOverflow = [],
            HighBlocks = c.LowBlocks,
            Inject = [.. Enumerable.Range(Genv.Next, c.LowBlocks).Select(b => (b, b))],
            ArgsHigh = c.ArgsLow,
            RegsHigh = c.RegsLow,
        };
    }
}
