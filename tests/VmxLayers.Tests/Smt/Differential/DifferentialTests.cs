using System.Numerics;
using CsCheck;
using VmxLayers.Cases;
using VmxLayers.Checking;
using VmxLayers.Mutants;
using VmxLayers.Semantics;
using VmxLayers.Smt;

namespace VmxLayers.Tests.Smt.Differential;

/// <summary>
/// The symbolic encoding of each lemma, evaluated under the assignment that describes a random concrete case, agrees
/// with the concrete run of that case: hypothesis, high step, low step, every goal, and every premise is true of it
/// (<see cref="LemmaHarness"/>). Shown not to agree by accident: wrong spec variants agree with their own concrete
/// runs but not with the real ones, and an evaluator with one wrong definition disagrees.
/// </summary>
public sealed class DifferentialTests
{
    const int CasesPerPrimitive = 200, CasesPerMutant = 20, MoreCasesPerMutant = 300;

    // a lemma is built once per statement (mutants share the real statements of the primitives they do not change)
    static readonly System.Collections.Concurrent.ConcurrentDictionary<VmxLayers.Refinement.SimStatement, LemmaHarness> harnesses = new();

    static LemmaHarness Harness(VmxLayers.Refinement.SimStatement s) => harnesses.GetOrAdd(s, st => new LemmaHarness(st));

    static IEnumerable<ConcreteCase> Cases(PrimitiveDef def, int count, uint seed) =>
        Enumerable.Range(0, count).Select(k => Gens.For(def).Generate(new PCG(seed, (ulong)k), null, out _));

    /// <summary>About <see cref="ExhaustiveSample"/> cases of a primitive's exhaustive scope, evenly spread (built once).</summary>
    static List<ConcreteCase> ScopeSample(PrimitiveDef def) => scopeSamples.GetOrAdd(def, d =>
    {
        var scope = ExhaustiveScope.For(d);
        long stride = Math.Max(1, scope.Count / ExhaustiveSample);
        return [.. scope.Cases().Where((_, k) => k % stride == 0)];
    });

    static readonly System.Collections.Concurrent.ConcurrentDictionary<PrimitiveDef, List<ConcreteCase>> scopeSamples = new();

    static string Report(List<string> bad) => $"{bad.Count} disagreements, e.g.\n" + string.Join("\n", bad.Take(8));

    public static TheoryData<string> PrimNames() => [.. Prims.All.Select(p => p.Name)];

    [Theory]
    [MemberData(nameof(PrimNames))]
    public void EncodingAgreesWithTheConcreteRun(string name)
    {
        var def = Prims.Real.Find(name)!;
        var h = Harness(Prims.Statement(def));
        var results = Cases(def, CasesPerPrimitive, 1).Select(c => h.Compare(c)).ToList();
        var bad = results.SelectMany(r => r.Disagreements).ToList();
        Assert.True(bad.Count == 0, Report(bad));
        // every part was compared both ways: hypotheses false and true, steps failing and succeeding, goals reached
        Assert.Contains(results, r => !r.HypothesisHeld);
        Assert.Contains(results, r => r.HypothesisHeld && !r.HighOk);
        Assert.True(results.Count(r => r.LowOk) >= CasesPerPrimitive / 4, $"only {results.Count(r => r.LowOk)} cases reached the goals");
    }

    /// <summary>The exhaustive backend's hand-picked values (boundary indices, ECX off by 4, pointers into VMX_LOC), every k-th case.</summary>
    [Theory]
    [MemberData(nameof(PrimNames))]
    public void EncodingAgreesOnTheExhaustiveScope(string name)
    {
        var def = Prims.Real.Find(name)!;
        var h = Harness(Prims.Statement(def));
        var results = ScopeSample(def).Select(c => h.Compare(c)).ToList();
        var bad = results.SelectMany(r => r.Disagreements).ToList();
        Assert.True(bad.Count == 0, Report(bad));
        Assert.Contains(results, r => r.LowOk);
    }

    const int ExhaustiveSample = 100;

    public static TheoryData<string> MutantNames() => [.. MutantCatalog.All.Select(m => m.Name)];

    /// <summary>
    /// The primitives whose lemma a mutant is compared on: its own; for a relation variant, which changes all six, one C
    /// primitive that reads the VMCS and one asm primitive that stores into the save area (a lemma costs a build).
    /// </summary>
    static IEnumerable<PrimitiveDef> Affected(Mutant m) => m.Primitive is { } p ? [Prims.Real.Def(p)] : [Prims.vmx_exit_post, Prims.vmx_exit];

    /// <summary>
    /// The encoding of a wrong spec or relation agrees with the concrete run of that same variant: the harness compares
    /// semantics, not the real specs. Random cases and part of the exhaustive sample (its boundary values and relation
    /// perturbations are where most variants differ).
    /// </summary>
    [Theory]
    [MemberData(nameof(MutantNames))]
    public void MutantEncodingAgreesWithTheMutantRun(string name)
    {
        var m = MutantCatalog.Get(name);
        var variant = m.On(Prims.Real);
        var bad = new List<string>();
        int counterexamples = 0;
        foreach (var def in Affected(m))
        {
            var h = Harness(variant.Statement(def));
            void Compare(ConcreteCase c)
            {
                bad.AddRange(h.Compare(c).Disagreements);
                if (CaseCheck.Evaluate(h.Statement, c).Status == CaseStatus.Violated) counterexamples++;
            }
            foreach (var c in Cases(def, CasesPerMutant, 2).Concat(ScopeSample(def).Where((_, k) => k % 10 == 0))) Compare(c);
            // a wrong spec step must be met by some case (else the comparison never covered where the variant differs):
            // more random cases, up to a bound, until one is a counterexample
            if (m.Primitive is not null && m.Equivalent is null)
                foreach (var c in Cases(def, MoreCasesPerMutant, 3).TakeWhile(_ => counterexamples == 0)) Compare(c);
        }
        Assert.True(bad.Count == 0, Report(bad));
        if (m.Primitive is not null && m.Equivalent is null) Assert.True(counterexamples > 0, $"no case is a counterexample to {name}");
    }

    public static TheoryData<string> WrongSpecs() =>
        ["exit-stores-ebx-into-slot4", "exit-wrong-stride38", "exit-stores-into-next-cpu", "writez-stores-into-slot-plus1",
         "enter-pc-from-slot12", "exit-post-skips-launched", "high-exit-drops-ecx-check", "high-exit-saves-ecx"];

    /// <summary>The encoding of a wrong spec, compared with the real spec's concrete run, disagrees: the comparison sees a wrong encoding.</summary>
    [Theory]
    [MemberData(nameof(WrongSpecs))]
    public void WrongEncodingDisagreesWithTheRealRun(string name)
    {
        var m = MutantCatalog.Get(name);
        var def = Prims.Real.Def(m.Primitive!);
        var h = Harness(m.On(Prims.Real).Statement(def));
        var bad = Cases(def, CasesPerMutant, 3).SelectMany(c => h.Compare(c, concrete: Prims.Statement(def)).Disagreements).ToList();
        Assert.NotEmpty(bad);
    }

    static readonly Func<TermEvaluator, object[], object> injectIsEquality = (_, x) => ((SmtVal)x[0]).Tag == ValTag.Vundef || x[0].Equals(x[1]);
    static readonly Func<TermEvaluator, object[], object> undefHasNoType = (_, x) => ((SmtVal)x[0]).Tag is ValTag.Vint or ValTag.Vptr;
    static readonly Func<TermEvaluator, object[], object> nothingWellFormed = (_, x) => false;

    public static TheoryData<string> Sabotages() => ["vinj", "tint", "wf"];

    /// <summary>An evaluator with one wrong definition of the preamble (as if the encoding defined it so) disagrees with the concrete runs.</summary>
    [Theory]
    [MemberData(nameof(Sabotages))]
    public void WrongDefinitionIsCaught(string function)
    {
        var wrong = function switch
        {
            "vinj" => injectIsEquality,
            "tint" => undefHasNoType,
            "wf" => nothingWellFormed,
            _ => throw new ArgumentOutOfRangeException(nameof(function), function, "no sabotage of that name"),
        };
        var definitions = TermEvaluator.Preamble.SetItem(function, wrong);
        var bad = new List<string>();
        foreach (var def in Prims.All)
        {
            var h = Harness(Prims.Statement(def));
            foreach (var c in Cases(def, CasesPerMutant / 2, 4)) bad.AddRange(h.Compare(c, definitions: definitions).Disagreements);
        }
        Assert.NotEmpty(bad);
    }
}
