using VmxLayers.Code;
using VmxLayers.Code.Layering;
using VmxLayers.Layers;
using VmxLayers.Smt;
using VmxLayers.Tests.Code;
using VmxLayers.Tests.Smt;
using VmxLayers.Tests.Smt.Solvers;

namespace VmxLayers.Tests.SymbolicCode;

/// <summary>
/// code ⊑ VMCSInit proved for all inputs: the machine code of impl/vmx.o executed symbolically against VMCSInit's
/// specs (issue 14); code mutants refuted with counterexamples that fail on the concrete executor; a path the executor
/// does not explore gives UNKNOWN, never PROVED.
/// </summary>
public class CodeProofTests
{
    static RefinementDef Under(string mutant) =>
        CodeLayer.Refinement(ImplementationLinker.Link([ImplObjects.Mutants.Single(m => m.Name == mutant).Object], ImplObjects.Default));

    [SolverFact("libz3")]
    public void EveryPrimitiveOfImplVmxOIsProved()
    {
        var code = CodeLayer.Default;
        foreach (var def in code.Primitives)
        {
            var r = Prover.Prove(code.Statement(def), new ProveOptions());
            Assert.True(r.Verdict == Verdict.Proved, $"{def}: {r.Verdict}: {string.Join("; ", r.Obligations.Where(o => o.Verdict != Verdict.Proved).Select(o => $"{o.Why}: {o.Message ?? o.ReasonUnknown}"))}");
            Assert.Contains(r.Obligations, o => o.Why.StartsWith("code: Mint32", StringComparison.Ordinal) || o.Clause != "low guard");
        }
    }

    /// <summary>A representative third of the 14 non-equivalent code mutants, one or more per primitive (the full matrix is a CLI run, docs/decisions.md).</summary>
    public static TheoryData<string, string> Live => new()
    {
        { "asm-enter-skips-hostout", "vmx_enter" },
        { "asm-exit-skips-esi-store", "vmx_exit" },
        { "c-enter-pre-clobbers-ebx", "vmx_enter_pre" },
        { "c-exit-post-skips-launched", "vmx_exit_post" },
        { "c-readz-rejects-37", "vmx_readz" },
        { "c-writez-stdcall", "vmx_writez" },
    };

    [SolverTheory("libz3"), MemberData(nameof(Live))]
    public void AWrongImplementationIsRefutedAndTheCounterexampleFailsConcretely(string mutant, string primitive)
    {
        var code = Under(mutant);
        var statement = code.Statement(code.Find(primitive)!);
        var r = Prover.Prove(statement, new ProveOptions(StopAtFirstRefutation: true));
        Assert.Equal(Verdict.Refuted, r.Verdict);
        Assert.True(r.CounterexampleConfirmed, $"{mutant}: {r.Replay}");
        var (_, run) = r.Counterexample!.Evaluate(statement);   // on the concrete executor, again
        Assert.True(run.Hypothesis.Raw.B && run.HighOk);
        Assert.True(!run.LowOk || run.Goals.Any(g => !g.Formula.Raw.B), $"{mutant}: the decoded case does not fail concretely");
    }

    [SolverFact("libz3")]
    public void TheEquivalentMutantIsProved()
    {
        var code = Under("c-readz-signed-index");
        Assert.Equal(Verdict.Proved, Prover.Prove(code.Statement(code.Find("vmx_readz")!), new ProveOptions()).Verdict);
    }

    /// <summary>A loop the step bound cuts: the unexplored rest is a limit, so the lemma is UNKNOWN (never PROVED, never REFUTED).</summary>
    [GccFact]
    public void TheStepBoundGivesUnknownNeverProved()
    {
        if (!VmxLayers.Smt.Solvers.SolverFactory.IsAvailable("libz3", out _)) return;   // gcc without libz3: nothing to prove with (the other facts report the skip)
        var looping = GccObjectTests.Asm(".text\n.globl vmx_exit\nvmx_exit:\n1: jmp 1b\n");
        var code = CodeLayer.Refinement(ImplementationLinker.Link([looping], ImplObjects.Default));
        var r = Prover.Prove(code.Statement(code.Find("vmx_exit")!), new ProveOptions());
        Assert.Equal(Verdict.Unknown, r.Verdict);
        Assert.Contains(r.Obligations, o => o.Cause == UnknownCause.Unexplored && o.Why.Contains("step bound", StringComparison.Ordinal));
    }
}
