using VmxLayers.Primitives;
using VmxLayers.Semantics;
using VmxLayers.Spec;

namespace VmxLayers.Refinement;

/// <summary>The six primitives PVMXIntro adds on top of VMCSInit.</summary>
public enum Prim { vmx_readz, vmx_writez, vmx_enter_pre, vmx_exit_post, vmx_exit, vmx_enter }

/// <summary>Facts about each primitive: its kind and arity.</summary>
public static class PrimInfo
{
    public static readonly Prim[] All = Enum.GetValues<Prim>();
    public static bool IsAsm(this Prim p) => p is Prim.vmx_exit or Prim.vmx_enter;
    public static int Arity(this Prim p) => p switch { Prim.vmx_readz => 1, Prim.vmx_writez => 2, _ => 0 };
    public static string Summary(this Prim p) => p switch
    {
        Prim.vmx_readz => VmxReadz.Summary,
        Prim.vmx_writez => VmxWritez.Summary,
        Prim.vmx_enter_pre => VmxEnterPre.Summary,
        Prim.vmx_exit_post => VmxExitPost.Summary,
        Prim.vmx_exit => VmxExit.Summary,
        _ => VmxEnter.Summary,
    };
    /// <summary>Exact primitive names only (Enum.TryParse alone would accept "3" or "vmx_readz,vmx_writez").</summary>
    public static bool TryParse(string name, out Prim p)
    {
        p = default;
        return Array.IndexOf(Enum.GetNames<Prim>(), name) >= 0 && Enum.TryParse(name, false, out p);
    }
}

/// <summary>The inputs of one simulation case: related states, the C arguments or the register sets of both sides.</summary>
public sealed record SimInput<T>(LayerPair<T> Pre, T[] ArgsHigh, T[] ArgsLow, T RegsHigh, T RegsLow);

/// <summary>One conclusion of the simulation statement, with a readable name.</summary>
public sealed record Goal<T>(string Clause, T Formula);

/// <summary>Everything one evaluation of the statement produced.</summary>
public sealed record SimRun<T>(T Hypothesis, bool HighOk, bool LowOk, LayerPair<T>? Post, T RetHigh, T RetLow, T RegsHigh, T RegsLow, List<Goal<T>> Goals);

/// <summary>
/// The simulation statement of SPEC §4 for one primitive, written once: related states and arguments
/// and the high step ⇒ the low step, results related, MatchExtcall/MatchPrimcallStates again (f' = f).
/// </summary>
public static class Simulation
{
    public static SimRun<T> Run<T, D>(ref D d, Prim p, SimInput<T> input) where D : ISpecDomain<T>
    {
        var pre = input.Pre;
        d.Phase(SpecPhase.Hypotheses);
        T hyp = Hypothesis(ref d, p, input);

        d.Phase(SpecPhase.High);
        var (highOk, dataH, memH, retH, regsH) = Step(ref d, p, high: true, pre.High, pre.MemHigh, input.ArgsHigh, input.RegsHigh);
        if (!highOk) return new SimRun<T>(hyp, false, false, null, retH, d.Vundef, regsH, input.RegsLow, []);

        d.Phase(SpecPhase.Low);
        var (lowOk, dataL, memL, retL, regsL) = Step(ref d, p, high: false, pre.Low, pre.MemLow, input.ArgsLow, input.RegsLow);
        if (!lowOk) return new SimRun<T>(hyp, true, false, null, retH, retL, regsH, regsL, []);

        d.Phase(SpecPhase.Goals);
        var post = new LayerPair<T>(dataH, memH, dataL, memL);
        var goals = new List<Goal<T>>();
        if (p.IsAsm())
            foreach (var r in PregInfo.All)
                goals.Add(new($"register {r}", d.Inject(d.Reg(regsH, r), d.Reg(regsL, r))));
        else
            goals.Add(new("result", d.Inject(retH, retL)));
        goals.Add(new(Relation.RelateFlags, Relation.RelateFlagsHold(ref d, post.High, post.Low)));
        goals.Add(new(Relation.RelateVmcs, Relation.RelateVmcsHolds(ref d, post.High, post.Low)));
        goals.Add(new(Relation.MatchAll, Relation.Match(ref d, post.High, post.MemLow)));
        goals.Add(new(Relation.Memory, d.MemoryMatch(post.MemHigh, post.MemLow)));
        return new SimRun<T>(hyp, true, true, post, retH, retL, regsH, regsL, goals);
    }

    /// <summary>MatchExtcallStates (+ match_reg and ASM_INV at asm level), the layer invariants, and injecting arguments.</summary>
    public static T Hypothesis<T, D>(ref D d, Prim p, SimInput<T> input) where D : ISpecDomain<T>
    {
        T hyp = d.And(Relation.MatchExtcall(ref d, input.Pre), Relation.Invariants(ref d, input.Pre));
        if (p.IsAsm())
            return d.And(hyp, d.And(Relation.RegsInject(ref d, input.RegsHigh, input.RegsLow), Relation.LowRegsTyped(ref d, input.RegsLow)));
        for (int k = 0; k < p.Arity(); k++) hyp = d.And(hyp, d.Inject(input.ArgsHigh[k], input.ArgsLow[k]));
        return hyp;
    }

    /// <summary>Runs one side of primitive p.</summary>
    public static (bool Ok, AbsData<T> Data, T Mem, T Ret, T Regs) Step<T, D>(
        ref D d, Prim p, bool high, AbsData<T> a, T mem, ReadOnlySpan<T> args, T regs) where D : ISpecDomain<T>
    {
        if (p.IsAsm())
        {
            var s = (p, high) switch
            {
                (Prim.vmx_exit, true) => VmxExit.High(ref d, a, mem, regs),
                (Prim.vmx_exit, false) => VmxExit.Low(ref d, a, mem, regs),
                (_, true) => VmxEnter.High(ref d, a, mem, regs),
                _ => VmxEnter.Low(ref d, a, mem, regs),
            };
            return (s.Ok, s.Data, s.Mem, d.Vundef, s.Regs);
        }
        var c = (p, high) switch
        {
            (Prim.vmx_readz, true) => VmxReadz.High(ref d, a, mem, args[0]),
            (Prim.vmx_readz, false) => VmxReadz.Low(ref d, a, mem, args[0]),
            (Prim.vmx_writez, true) => VmxWritez.High(ref d, a, mem, args[0], args[1]),
            (Prim.vmx_writez, false) => VmxWritez.Low(ref d, a, mem, args[0], args[1]),
            (Prim.vmx_enter_pre, true) => VmxEnterPre.High(ref d, a, mem),
            (Prim.vmx_enter_pre, false) => VmxEnterPre.Low(ref d, a, mem),
            (Prim.vmx_exit_post, true) => VmxExitPost.High(ref d, a, mem),
            _ => VmxExitPost.Low(ref d, a, mem),
        };
        return (c.Ok, c.Data, c.Mem, c.Ret, regs);
    }
}
