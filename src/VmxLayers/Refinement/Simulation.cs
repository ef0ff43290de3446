using VmxLayers.Spec;

namespace VmxLayers.Refinement;

/// <summary>
/// The simulation statement of one primitive for one refinement step: the upper layer's spec (what is promised),
/// the lower layer's implementation of it, and the relation between the layers' states.
/// </summary>
public sealed record SimStatement(Primitive Primitive, PrimSpec Upper, PrimSpec Lower, RelationDef Relation)
{
    public override string ToString() => $"{Primitive.Name}: {Lower.Layer} ⊑ {Upper.Layer}";
}

/// <summary>Everything one evaluation of the statement produced.</summary>
public sealed record SimRun<T>(Bool<T> Hypothesis, bool HighOk, bool LowOk, LayerPair<T>? Post, Val<T> RetHigh, Val<T> RetLow, Regs<T> RegsHigh, Regs<T> RegsLow, List<Goal<T>> Goals);

/// <summary>
/// The simulation statement of SPEC §4, written once: related states and arguments and the high step ⇒ the low
/// step, results related, the relation again (f' = f). Which specs and which relation come from the statement.
/// </summary>
public static class Simulation
{
    public static SimRun<T> Run<T, D>(ref D d, SimStatement s, SimInput<T> input) where D : struct, ISpecDomain<T>
    {
        var pre = input.Pre;
        var relation = s.Relation.Code<T, D>();
        d.Phase(SpecPhase.Hypotheses);
        var hyp = relation.Hypothesis(ref d, s.Primitive, input);

        d.Phase(SpecPhase.High);
        var high = Step(ref d, s.Upper, pre.High, pre.MemHigh, input.ArgsHigh, input.RegsHigh);
        if (!high.Ok) return new SimRun<T>(hyp, false, false, null, high.Ret, d.Vundef, high.Regs, input.RegsLow, []);

        d.Phase(SpecPhase.Low);
        var low = Step(ref d, s.Lower, pre.Low, pre.MemLow, input.ArgsLow, input.RegsLow);
        if (!low.Ok) return new SimRun<T>(hyp, true, false, null, high.Ret, low.Ret, high.Regs, low.Regs, []);

        d.Phase(SpecPhase.Goals);
        var post = new LayerPair<T>(high.Data, high.Mem, low.Data, low.Mem);
        var goals = new List<Goal<T>>();
        relation.Goals(ref d, s.Primitive, new SimOutput<T>(post, high.Ret, low.Ret, high.Regs, low.Regs), goals);
        return new SimRun<T>(hyp, true, true, post, high.Ret, low.Ret, high.Regs, low.Regs, goals);
    }

    /// <summary>Runs one side: the spec of that layer on its state, arguments and registers.</summary>
    public static SpecResult<T> Step<T, D>(ref D d, PrimSpec spec, AbsData<T> a, Mem<T> mem, ReadOnlySpan<Val<T>> args, Regs<T> regs)
        where D : struct, ISpecDomain<T> =>
        spec.Code<T, D>().Run(ref d, a, mem, args, regs);
}
