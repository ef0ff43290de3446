using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using VmxLayers.Cases;
using VmxLayers.Checking;
using VmxLayers.Constants;
using VmxLayers.Layers;
using VmxLayers.Primitives;
using VmxLayers.Refinement;
using VmxLayers.Semantics;
using VmxLayers.Smt;
using VmxLayers.Smt.Solvers;
using VmxLayers.Spec;
using VmxLayers.Tests.Smt;
using VmxLayers.Tests.Smt.Solvers;
using static VmxLayers.Spec.SpecHelpers;

namespace VmxLayers.Tests.Refinement;

/// <summary>
/// Bugs injected into the specs and the relation that are not in the mutant list, each of which the verifier
/// once judged wrongly (issue 11, item 8): a guard that never holds, a forgotten Int.repr, a relation that forgets
/// a flag, a relation weakened by a clause it does not need, and a bug that needs CPU ≥ 4.
/// </summary>
public class VerifierHoleTests
{
    /// <summary>High vmx_readz with its range guard mistyped as 0 ≤ i &lt; 0: it never succeeds.</summary>
    sealed class ReadzNeverSucceeds() : PrimSpec(VmxReadz.Primitive, LayerNames.PVMXIntro)
    {
        protected override SpecCode<T, D> Create<T, D>() => new Variant<T, D>();
        sealed class Variant<T, D> : VmxReadz.HighCode<T, D> where D : struct, ISpecDomain<T>
        {
            protected override Bool<T> IndexInRange(ref D d, Z<T> i) => InRange(ref d, i, d.Z(0));
        }
    }

    [Fact]
    public void AConcreteCheckWhereTheHighSpecNeverSucceedsIsVacuous()
    {
        var r = Prims.Real.WithUpper(new ReadzNeverSucceeds());
        var exhaustive = ExhaustiveBackend.Run(r, Prims.vmx_readz);
        var random = RandomBackend.Run(r, Prims.vmx_readz, new RandomOptions(Budget: 300, ShrinkSeconds: 0, Threads: 1));
        Assert.Equal(CheckVerdict.Vacuous, exhaustive.Verdict);
        Assert.Equal(CheckVerdict.Vacuous, random.Verdict);
        Assert.False(exhaustive.Passed);
        Assert.Equal(CheckVerdict.Pass, ExhaustiveBackend.Run(Prims.Real, Prims.vmx_readz).Verdict);
    }

    [SolverFact("libz3")]
    public void ALemmaWhosePremisesNeverHoldIsVacuousNotProved()
    {
        var r = Prover.Prove(Prims.Real.WithUpper(new ReadzNeverSucceeds()).Statement(Prims.vmx_readz), new ProveOptions());
        Assert.Equal(Verdict.Vacuous, r.Verdict);
        Assert.Equal(SatResult.Unsat, r.Vacuity.Result);
        Assert.All(r.Obligations, o => Assert.Equal(Verdict.Proved, o.Verdict));   // each holds, but only vacuously
    }

    // ---- a forgotten Int.repr no longer compiles ----

    const string EcxGuard = """
        using VmxLayers.Primitives;
        using VmxLayers.Semantics;
        using VmxLayers.Spec;
        sealed class Variant<T, D> : VmxExit.HighCode<T, D> where D : struct, ISpecDomain<T>
        {
            protected override Bool<T> EcxGuard(ref D d, Regs<T> rs, Z<T> cpu) =>
                d.ValEq(d.Reg(rs, Preg.ECX), d.Vint(ECX_VALUE));
        }
        """;

    static IReadOnlyList<Diagnostic> Compile(string source)
    {
        var refs = AppDomain.CurrentDomain.GetAssemblies().Where(a => !a.IsDynamic && a.Location.Length > 0)
            .Select(a => MetadataReference.CreateFromFile(a.Location)).Append(MetadataReference.CreateFromFile(typeof(PrimSpec).Assembly.Location));
        var compilation = CSharpCompilation.Create("snippet", [CSharpSyntaxTree.ParseText(source)], refs,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        return [.. compilation.GetDiagnostics().Where(x => x.Severity == DiagnosticSeverity.Error)];
    }

    [Fact]
    public void AnEcxGuardThatForgetsReprDoesNotCompile()
    {
        Assert.Empty(Compile(EcxGuard.Replace("ECX_VALUE", "d.Repr(d.Mul(d.Z(152), cpu))")));
        var errors = Compile(EcxGuard.Replace("ECX_VALUE", "d.Mul(d.Z(152), cpu)"));
        var e = Assert.Single(errors);
        Assert.Equal("CS1503", e.Id);   // cannot convert Z<T> to Int<T>
        Assert.Contains("Z<T>", e.GetMessage());
        Assert.Contains("Int<T>", e.GetMessage());
    }

    // ---- a relation that forgets a flag: refuted, with a counterexample whose layers' flags differ ----

    sealed class RelateForgetsPg : VmxRelation
    {
        protected override RelationCode<T, D> Create<T, D>() => new Variant<T, D>();
        sealed class Variant<T, D> : VmxRelationCode<T, D> where D : struct, ISpecDomain<T>
        {
            public override Bool<T> RelateFlags(ref D d, AbsData<T> h, AbsData<T> l) =>
                All(ref d, d.Iff(h.Ikern, l.Ikern), d.Iff(h.Ihost, l.Ihost), d.Iff(h.Init, l.Init), d.Eq(h.CpuId, l.CpuId));
        }
    }

    static readonly RefinementDef forgetsPg = Prims.Real.WithRelation(new RelateForgetsPg());

    [SolverFact("libz3")]
    public void ARelationThatForgetsPgIsRefutedWithAReplayableCounterexample()
    {
        var r = Prover.Prove(forgetsPg.Statement(Prims.vmx_exit_post), new ProveOptions(StopAtFirstRefutation: true));
        Assert.Equal(Verdict.Refuted, r.Verdict);
        Assert.True(r.CounterexampleConfirmed, r.Replay?.ToString());
        Assert.NotEqual(r.Counterexample!.FlagsHigh.Pg, r.Counterexample.FlagsLow.Pg);
    }

    [Fact]
    public void CheckFindsTheRelationThatForgetsPg()
    {
        var r = ExhaustiveBackend.Run(forgetsPg, Prims.vmx_exit_post);
        Assert.Equal(CheckVerdict.Counterexample, r.Verdict);
        Assert.NotEqual(r.Counterexample!.Case.FlagsHigh.Pg, r.Counterexample.Case.FlagsLow.Pg);
        Assert.Equal(CheckVerdict.Counterexample, RandomBackend.Run(forgetsPg, Prims.vmx_exit_post, new RandomOptions(Budget: 3000, ShrinkSeconds: 0, Threads: 1)).Verdict);
    }

    // ---- match without its load-success clause: writability implies it, so the lemmas still hold ----

    sealed class MatchWithoutLoadClause : VmxRelation
    {
        protected override RelationCode<T, D> Create<T, D>() => new Variant<T, D>();
        sealed class Variant<T, D> : VmxRelationCode<T, D> where D : struct, ISpecDomain<T>
        {
            public override Bool<T> SlotLoads(ref D d, Bool<T> loadSucceeds) => d.Bool(true);
        }
    }

    [SolverTheory("libz3")]
    [InlineData("vmx_readz")]
    [InlineData("vmx_writez")]
    [InlineData("vmx_exit")]
    public void MatchWithoutItsLoadClauseIsStillProved(string prim)
    {
        var r = Prims.Real.WithRelation(new MatchWithoutLoadClause());
        var result = Prover.Prove(r.Statement(r.Find(prim)!), new ProveOptions());
        Assert.True(result.Verdict == Verdict.Proved, string.Join("; ", result.Obligations.Where(o => o.Verdict != Verdict.Proved).Select(o => $"{o.Why}: {o.Message}{o.ReasonUnknown}")) + result.Replay);
    }

    // ---- a bug that needs CPU ≥ 4 replays ----

    /// <summary>Low vmx_readz that also requires CPU id &lt; 4.</summary>
    sealed class ReadzOnlyOnFourCpus() : PrimSpec(VmxReadz.Primitive, LayerNames.VMCSInit)
    {
        protected override SpecCode<T, D> Create<T, D>() => new Variant<T, D>();
        sealed class Variant<T, D> : VmxReadz.LowCode<T, D> where D : struct, ISpecDomain<T>
        {
            protected override Bool<T> Mode(ref D d, AbsData<T> a) => d.And(KernelMode(ref d, a), d.Lt(a.CpuId, d.Z(4)));
        }
    }

    [SolverFact("libz3")]
    public void ABugThatNeedsAFifthCpuIsRefutedWithACounterexampleThatReplays()
    {
        var r = Prover.Prove(Prims.Real.WithLower(new ReadzOnlyOnFourCpus()).Statement(Prims.vmx_readz), new ProveOptions(StopAtFirstRefutation: true));
        Assert.Equal(Verdict.Refuted, r.Verdict);
        Assert.True(r.CounterexampleConfirmed, r.Replay?.ToString());
        Assert.True(r.Counterexample!.Cpu >= 4 && r.Counterexample.TotalCpu > r.Counterexample.Cpu);
    }
}
