using VmxLayers.Code.Executor;
using VmxLayers.Semantics;
using VmxLayers.Spec;
using VmxLayers.Spec.Concrete;

namespace VmxLayers.Code.Layering;

/// <summary>
/// A primitive's spec on the code layer: the run of its machine code by <see cref="CodeExecutor"/> over the underlay
/// VMCSInit, in every domain that has an instantiation of the executor (<see cref="CodeDomains"/>: concrete and
/// symbolic); asking for another domain is an error (never a silent fallback to another spec).
/// </summary>
public sealed class CodeSpec(Primitive primitive, CodeExecutor executor, string layer) : PrimSpec(primitive, layer)
{
    public CodeExecutor Executor { get; } = executor;

    protected override SpecCode<T, D> Create<T, D>() => CodeDomains.For<T, D>().Spec(this);

    /// <summary>Runs the code on the inputs of a spec call.</summary>
    public CodeRun Execute(ConcreteDomain d, AbsData<CTerm> a, Mem mem, ReadOnlySpan<Val<CTerm>> args, RegSet regs, bool trace, out AbsData<CTerm> after)
    {
        var underlay = new SpecUnderlay(d, a);
        Span<Val> values = stackalloc Val[args.Length];
        for (int k = 0; k < args.Length; k++) values[k] = args[k].Raw.V;
        var run = Executor.Run(Primitive, mem, values, regs, underlay, trace);
        after = underlay.Data;
        return run;
    }

    internal sealed class Concrete(CodeSpec spec) : SpecCode<CTerm, ConcreteDomain>
    {
        public override SpecResult<CTerm> Run(ref ConcreteDomain d, AbsData<CTerm> a, Mem<CTerm> mem, ReadOnlySpan<Val<CTerm>> args, Regs<CTerm> regs)
        {
            var run = spec.Execute(d, a, mem.Raw.As<Mem>(), args, regs.Raw.As<RegBox>().Regs, trace: false, out var after);
            if (!run.Ok)
            {
                d.Context.Why = run.Why;
                return new SpecResult<CTerm>(false, a, mem, d.Vundef, regs);
            }
            var ret = spec.Primitive.IsAsm ? d.Vundef : new Val<CTerm>(new CTerm(run.Ret));
            return new SpecResult<CTerm>(true, after, new(new CTerm(run.Mem)), ret, new(new CTerm(new RegBox(run.Regs))));
        }
    }
}
