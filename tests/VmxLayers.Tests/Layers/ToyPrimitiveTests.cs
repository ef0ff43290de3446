using CsCheck;
using VmxLayers.Cases;
using VmxLayers.Checking;
using VmxLayers.Constants;
using VmxLayers.Layers;
using VmxLayers.Scenarios;
using VmxLayers.Semantics;
using VmxLayers.Smt;
using VmxLayers.Spec;
using VmxLayers.Tests.Smt.Solvers;
using static VmxLayers.Spec.SpecHelpers;

namespace VmxLayers.Tests.Layers;

/// <summary>
/// A seventh primitive added by one definition in this file — nothing in the library is edited — and run through
/// check (exhaustive and random), prove and replay: unsigned vmx_get_launched(void) returns the LAUNCHED slot.
/// A wrong implementation of it (reading slot 30) is caught by each of them.
/// </summary>
public class ToyPrimitiveTests
{
    // ---- the one new definition: the primitive, its spec on each layer, and how the checkers call it ----

    static readonly Primitive getLaunched = new("vmx_get_launched", PrimKind.C, 0, "C: ikern∧pg∧ihost, V[31]=Vint v → returns v; low: Mint32 load of slot 31");

    sealed class High() : PrimSpec(getLaunched, LayerNames.PVMXIntro)
    {
        protected override SpecCode<T, D> Create<T, D>() => new Variant<T, D>();
        sealed class Variant<T, D> : CSpecCode<T, D> where D : struct, ISpecDomain<T>
        {
            public override CStep<T> Call(ref D d, AbsData<T> a, Mem<T> mem, ReadOnlySpan<Val<T>> args)
            {
                var fail = new CStep<T>(false, a, mem, d.Vundef);
                if (!d.Require(All(ref d, a.Ikern, a.Pg, a.Ihost), "vmx_get_launched: needs ikern ∧ pg ∧ ihost")) return fail;
                var v = d.Slot(a.Vmx, a.CpuId, d.Z(VmxSlots.LAUNCHED));
                if (!d.Require(d.IsInt(v), "vmx_get_launched: LAUNCHED is not a Vint")) return fail;
                return new CStep<T>(true, a, mem, d.Vint(d.IntOf(v)));
            }
        }
    }

    /// <summary>The low spec; <paramref name="slot"/> other than 31 makes it a wrong implementation.</summary>
    sealed class Low(int slot = VmxSlots.LAUNCHED) : PrimSpec(getLaunched, LayerNames.VMCSInit)
    {
        protected override SpecCode<T, D> Create<T, D>() => new Variant<T, D>(slot);
        sealed class Variant<T, D>(int slot) : CSpecCode<T, D> where D : struct, ISpecDomain<T>
        {
            public override CStep<T> Call(ref D d, AbsData<T> a, Mem<T> mem, ReadOnlySpan<Val<T>> args)
            {
                var fail = new CStep<T>(false, a, mem, d.Vundef);
                if (!d.Require(KernelMode(ref d, a), "vmx_get_launched (low): needs kernel_mode")) return fail;
                var v = d.LoadVmxLoc(mem, SlotOffset(ref d, a.CpuId, d.Z(slot)), out var ok);
                if (!d.Require(ok, "vmx_get_launched (low): Mint32 load fails")) return fail;
                if (!d.Require(d.IsInt(v), "vmx_get_launched (low): the loaded slot is not a Vint")) return fail;
                return new CStep<T>(true, a, mem, d.Vint(d.IntOf(v)));
            }
        }
    }

    static readonly PrimitiveDef def = new(getLaunched, PrimitiveDef.CDefaults,
        new ExhaustivePlan("LAUNCHED ∈ 6 related values", ExhaustiveScope.SlotValues.Length, f => f.Ikern && f.Pg && f.Ihost,
            b => ExhaustiveScope.SlotValues.Select(v => b.New().Slot(VmxSlots.LAUNCHED, v).Build())),
        (layout, tc, cpu) => from v in Gens.Pair(layout, intWeight: 24) select (Action<CaseBuilder>)(b => b.Slot(VmxSlots.LAUNCHED, v)));

    static readonly RefinementDef withToy = VmxLayerPair.Refinement.With(def, new High(), new Low());
    static readonly RefinementDef wrongToy = withToy.WithLower(new Low(VmxSlots.LAUNCHED - 1));

    // ---- the checkers, unchanged, on the extended refinement ----

    [Fact]
    public void TheRefinementHasSevenPrimitivesAndTheLayersOfferIt()
    {
        Assert.Equal(7, withToy.Primitives.Length);
        Assert.True(withToy.Upper.Offers(getLaunched) && withToy.Lower.Offers(getLaunched));
        Assert.Same(def, withToy.Find("vmx_get_launched"));
    }

    [Fact]
    public void CheckPassesAndIsNotVacuous()
    {
        var exhaustive = ExhaustiveBackend.Run(withToy, def);
        var random = RandomBackend.Run(withToy, def, new RandomOptions(Budget: 400, ShrinkSeconds: 0, Threads: 1));
        Assert.Equal(CheckVerdict.Pass, exhaustive.Verdict);
        Assert.Equal(CheckVerdict.Pass, random.Verdict);
        Assert.True(exhaustive.HighSucceeded > 0 && random.HighSucceeded > 0);
    }

    [Fact]
    public void CheckFindsTheWrongImplementation()
    {
        Assert.Equal(CheckVerdict.Counterexample, ExhaustiveBackend.Run(wrongToy, def).Verdict);
        Assert.Equal(CheckVerdict.Counterexample, RandomBackend.Run(wrongToy, def, new RandomOptions(Budget: 400, ShrinkSeconds: 0, Threads: 1)).Verdict);
    }

    [SolverFact("libz3")]
    public void ProveProvesItAndRefutesTheWrongImplementation()
    {
        Assert.Equal(Verdict.Proved, Prover.Prove(withToy.Statement(def), new ProveOptions()).Verdict);
        var wrong = Prover.Prove(wrongToy.Statement(def), new ProveOptions(StopAtFirstRefutation: true));
        Assert.Equal(Verdict.Refuted, wrong.Verdict);
        Assert.True(wrong.CounterexampleConfirmed, wrong.Replay?.ToString());
    }

    const string Scenario = """
        {"cpus": 2, "init": {"cpus": {"1": {"vmx": {"LAUNCHED": 1, "30": 7}}}},
         "steps": [{"cpu": 1, "call": "vmx_get_launched"}]}
        """;

    [Fact]
    public void ReplayRunsItOnBothLayers()
    {
        var r = ScenarioReplay.Run(ScenarioParser.Parse(Scenario, withToy), withToy);
        var step = Assert.Single(r.Steps);
        Assert.True(r.Related, step.Unrelated);
        Assert.Equal(Val.Vint(1), step.High.Ret);
        Assert.Equal(Val.Vint(1), step.Low.Ret);
        var wrong = ScenarioReplay.Run(ScenarioParser.Parse(Scenario, wrongToy), wrongToy);
        Assert.False(wrong.Related);
        Assert.Contains("does not inject", wrong.Steps[0].Unrelated);
    }

    [Fact]
    public void WithoutTheDefinitionTheNameIsUnknown() =>
        Assert.Throws<ScenarioError>(() => ScenarioParser.Parse(Scenario));
}
