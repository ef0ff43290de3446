using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using VmxLayers.Cases;
using VmxLayers.Cli.Output;
using VmxLayers.Checking;
using VmxLayers.Code.Elf;
using VmxLayers.Composition;
using VmxLayers.Code.Layering;
using VmxLayers.Layers;
using VmxLayers.Mutants;
using VmxLayers.Smt;
using VmxLayers.Smt.Solvers;

namespace VmxLayers.Cli.Commands;

/// <summary>`vmxlayers prove`: SMT proof of the simulation lemmas (exit 0 proved, 1 refuted or vacuous, 3 unknown, 2 bad input, 130 interrupted).</summary>
public static class ProveCommand
{
    const string Name = "prove";

    static readonly Option<string?> primitive = new("--primitive") { Description = $"Prove only this primitive ({string.Join(", ", VmxLayerPair.Refinement.Names)}); default: all of them.", HelpName = "P" };
    static readonly Option<string?> emit = new("--emit-smt") { Description = "Write every obligation as a standalone SMT-LIB2 file <prim>__<clause>.smt2 into this directory, code ⊑ VMCSInit's into its subdirectory code/ (re-check with `z3 FILE` or `cvc5 FILE`).", HelpName = "DIR" };
    static readonly Option<string> solver = new("--solver") { Description = "The SMT solver: libz3 (in-process, default), z3 or cvc5 (executables on PATH).", DefaultValueFactory = _ => "libz3", HelpName = "SOLVER" };
    static readonly Option<long> rlimit = new("--rlimit") { Description = $"Z3 resource budget per obligation (0 = none; default {ProveOptions.DefaultRlimit}); exhausting it makes the lemma UNKNOWN (never PROVED).", DefaultValueFactory = _ => ProveOptions.DefaultRlimit, HelpName = "N" };
    static readonly Option<string?> mutant = new("--mutant") { Description = "Switch on a compiled-in mutant (see `mutants --list`); a wrong spec should be REFUTED.", HelpName = "NAME" };
    static readonly Option<string?> save = new("--save-counterexample") { Description = "Write the first refuted lemma's decoded counterexample as a replayable scenario (run it with `replay FILE`). The path is checked before the work starts.", HelpName = "FILE" };
    static readonly Option<string[]> impl = new("--impl") { Description = "Prove these ELF32 objects (any subset of the six primitives, impl/vmx.o gives the rest; repeatable) instead of impl/vmx.o: code ⊑ VMCSInit by symbolic execution of the machine code, and code ⊑ PVMXIntro by composition with the layer pair's proofs (default --layers code:vmcsinit,code:pvmxintro).", HelpName = "FILE.o", Arity = ArgumentArity.ZeroOrMore };
    static readonly Option<bool> json = new("--json") { Description = "Print one JSON document instead of the table." };
    static readonly Option<string?> layers = new("--layers") { Description = "Which refinements to prove, comma-separated: vmcsinit:pvmxintro (the layer pair), code:vmcsinit (the machine code of impl/vmx.o, or of --impl's objects, by symbolic execution), code:pvmxintro (their vertical composition: proves both steps; PROVED iff both are). Default: all three; under --mutant the pair; under --impl the code and the composition.", HelpName = "LOW:HIGH,…" };
    static readonly Option<string?> report = ReportFile.Option();
    static readonly Option<string?> reportDate = ReportFile.DateOption();

    public static Command Create()
    {
        var cmd = new Command(Name, "Prove the simulation lemma of each primitive for all inputs with an SMT solver; a refuted lemma shows a counterexample replayed concretely. " +
            "Exit 0 iff every lemma is PROVED, 1 if one is REFUTED or VACUOUS, 3 if one is UNKNOWN and none failed, 2 on bad input, 130 on Ctrl-C (the finished lemmas are printed).")
        {
            primitive, emit, solver, rlimit, mutant, save, json, report, reportDate, layers, impl,
        };
        cmd.SetAction(Run);
        return cmd;
    }

    /// <summary>
    /// What to prove: the refinements whose lemmas are proved, in order (the layer pair, then the code), and the
    /// composition derived from both when asked for.
    /// </summary>
    sealed record Plan(IReadOnlyList<RefinementDef> Steps, ComposedRefinement? Composed, string? Primitive, Mutant? Mutant, ProveOptions Options, string? Save, bool Json, string? Report, DateTimeOffset? ReportDate)
    {
        public PrimitiveDef[] Prims(RefinementDef step) => Primitive is null ? [.. step.Primitives] : [step.Find(Primitive)!];
        public int LemmaCount => Steps.Sum(s => Prims(s).Length);
    }

    /// <summary>One refinement's finished lemmas, in order.</summary>
    sealed record StepResult(RefinementDef Step, List<LemmaResult> Lemmas);

    /// <summary>What ran: each step's finished lemmas, the composed lemmas, and where the interrupt stopped (if it did).</summary>
    sealed record Outcome(List<StepResult> Steps, List<ComposedLemma> Composed, RefinementDef? InterruptedStep, PrimitiveDef? Interrupted)
    {
        public IEnumerable<LemmaResult> Lemmas => Steps.SelectMany(s => s.Lemmas);
    }

    static int Run(ParseResult r)
    {
        if (Validate(r, out var plan) is { } bad) return Errors.Bad(bad);
        var outcome = ProgressLine.Run(Name, report => Prove(plan, report));
        string? saved = null, saveError = null;
        if (plan.Save is { } file && outcome.Steps.FirstOrDefault(s => s.Step.Relation is not CodeRelation)?.Lemmas.FirstOrDefault(l => l.Counterexample is not null) is { } refuted)
        {
            saveError = CounterexampleFile.Save(file, refuted.Counterexample!, plan.Mutant?.Name);
            if (saveError is null) saved = file;
        }
        int code = ExitCode(outcome);
        var doc = plan.Json || plan.Report is not null ? Json(plan, outcome, saved, code) : null;
        if (plan.Json) Console.WriteLine(JsonReport.Text(doc!));
        else PrintText(plan, outcome, saved);
        if (saveError is not null) Errors.Line(Name, saveError);
        if (plan.Report is { } reportFile && ReportFile.Write(reportFile, doc!, plan.ReportDate) is { } reportError) Errors.Line(Name, reportError);
        return code;
    }

    static Outcome Prove(Plan plan, Action<string> report)
    {
        var steps = new List<StepResult>();
        int done = 0, total = plan.LemmaCount;
        foreach (var step in plan.Steps)
        {
            var result = new StepResult(step, []);
            steps.Add(result);
            foreach (var def in plan.Prims(step))
            {
                report($"{done}/{total} lemmas done, proving {step.Name}: {def.Name}");
                try { result.Lemmas.Add(Prover.Prove(step.Statement(def), OptionsOf(plan, step), step.Name)); }
                catch (OperationCanceledException) when (plan.Options.Cancel.IsCancellationRequested) { return new Outcome(steps, [], step, def); }
                done++;
            }
        }
        return new Outcome(steps, Compose(plan, steps), null, null);
    }

    /// <summary>The prover's options for one step: the code's queries go to DIR/code/ (its files have the pair's names).</summary>
    static ProveOptions OptionsOf(Plan plan, RefinementDef step) =>
        plan.Options.EmitDir is { } dir && step.Relation is CodeRelation ? plan.Options with { EmitDir = Path.Combine(dir, CodeEmitDir) } : plan.Options;

    /// <summary>The subdirectory of --emit-smt that code ⊑ VMCSInit's queries go to.</summary>
    const string CodeEmitDir = "code";

    /// <summary>The composed lemmas from the two steps' (the composition rule asks no query of its own).</summary>
    static List<ComposedLemma> Compose(Plan plan, List<StepResult> steps)
    {
        if (plan.Composed is not { } c) return [];
        var lower = steps.Single(s => s.Step == c.Lower).Lemmas;
        var upper = steps.Single(s => s.Step == c.Upper).Lemmas;
        return [.. upper.Select(u => ComposedProof.Compose(c, lower.Single(l => l.Prim == u.Prim), u))];
    }

    /// <summary>130 when interrupted; else 1 if a lemma (or a composed one) is refuted or vacuous, 3 if one is unknown, 0.</summary>
    static int ExitCode(Outcome o)
    {
        var verdicts = o.Lemmas.Select(l => l.Verdict).Concat(o.Composed.Select(l => l.Verdict)).ToList();
        return o.Interrupted is not null ? ExitCodes.Interrupted
            : verdicts.Any(v => v is Verdict.Refuted or Verdict.Vacuous) ? ExitCodes.Failed
            : verdicts.Any(v => v == Verdict.Unknown) ? ExitCodes.Inconclusive : ExitCodes.Ok;
    }

    /// <summary>Null and the plan, or the error line ("prove: --x: …").</summary>
    static string? Validate(ParseResult r, out Plan plan)
    {
        plan = null!;
        string[] files = r.GetValue(impl) ?? [];
        string? m = r.GetValue(mutant);
        var steps = Selection.Layers(r.GetValue(layers), Selection.DefaultLayers(impl: files.Length > 0, mutant: m is not null));
        if (steps is null) return $"{Name}: --layers: expected a comma-separated list of {string.Join(", ", Selection.LayerSteps)}, got '{r.GetValue(layers)}'";
        bool composed = steps.Contains(Selection.ComposedStep);
        bool pair = composed || steps.Contains(Selection.PairStep), code = composed || steps.Contains(Selection.CodeStep);
        if (files.Length > 0 && !code) return $"{Name}: --impl names the code layer's objects, which --layers {r.GetValue(layers)} does not prove";
        if (Selection.Refinement(Name, m, out var pairRefinement, out var mutantDef) is { } badMutant) return badMutant;
        if (code && mutantDef is not null)
            return files.Length > 0 ? $"{Name}: --mutant mutates the layer pair's specs, which --impl does not prove"
                : $"{Name}: --mutant mutates the layer pair's specs; --layers {r.GetValue(layers)} proves the code, which composes with them only unmutated";
        if (r.GetValue(save) is not null && files.Length > 0) return $"{Name}: --save-counterexample writes a scenario of the layer pair, which --impl does not prove (a refutation's case is printed)";
        if (r.GetValue(save) is not null && !pair) return $"{Name}: --save-counterexample writes a scenario of the layer pair; --layers {r.GetValue(layers)} does not prove it";
        RefinementDef? codeRefinement = null;
        if (code)
        {
            try { codeRefinement = files.Length > 0 ? CodeTrace.FromFiles(files) : CodeLayer.Default; }
            catch (ObjectFileError e) { return $"{Name}: --impl: {e.Message}"; }
        }
        var order = new List<RefinementDef>();
        if (pair) order.Add(pairRefinement);
        if (codeRefinement is not null) order.Add(codeRefinement);
        string? primName = r.GetValue(primitive);
        foreach (var step in order)
            if (Selection.Primitives(Name, step, primName, out _) is { } badPrim) return badPrim;
        if (Selection.Solver(Name, r.GetValue(solver)!, out var kind) is { } badSolver) return badSolver;
        long budget = r.GetValue(rlimit);
        if (budget < 0) return $"{Name}: --rlimit: expected a non-negative number of resource units, got {budget}";
        string? dir = r.GetValue(emit);
        if (dir is not null)
        {
            if (File.Exists(dir)) return $"{Name}: --emit-smt {dir}: is a file, not a directory";
            try { Directory.CreateDirectory(dir); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException) { return $"{Name}: --emit-smt {dir}: cannot create the directory: {Io.InputFile.Reason(e)}"; }
        }
        if (CounterexampleFile.Check(r.GetValue(save)) is { } badSave) return $"{Name}: {badSave}";
        if (ReportFile.Check(r.GetValue(report), r.GetValue(reportDate), out var date) is { } badReport) return $"{Name}: {badReport}";
        var composition = composed ? new ComposedRefinement(codeRefinement!, pairRefinement) : null;
        plan = new Plan(order, composition, primName, mutantDef, new ProveOptions(kind, budget, dir, Cancel: Interrupts.Token), r.GetValue(save), r.GetValue(json), r.GetValue(report), date);
        return null;
    }

    static string Ms(TimeSpan t) => t.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture) + " ms";

    static void PrintText(Plan plan, Outcome outcome, string? saved)
    {
        var o = plan.Options;
        Console.WriteLine($"prove: solver {SolverFactory.NameOf(o.Solver)}, rlimit {o.Rlimit} per obligation, mutant {plan.Mutant?.Name ?? "none"}");
        bool titled = plan.Steps.Count > 1;
        foreach (var step in outcome.Steps)
        {
            if (step.Step.Relation is CodeRelation)
                Console.WriteLine($"{step.Step.Name} — {step.Step.Lower.Name}");
            else if (titled) Console.WriteLine(step.Step.Name);
            PrintStep(plan, outcome, step);
            if (titled) Console.WriteLine();
        }
        if (plan.Composed is { } c && outcome.Composed.Count > 0) PrintComposed(c, outcome.Composed);
        if (saved is not null) Console.WriteLine($"first counterexample saved as a scenario: {saved} (vmxlayers replay {saved})");
        if (o.EmitDir is not null) Console.WriteLine($"SMT-LIB2 queries written to {o.EmitDir}");
        if (outcome.Interrupted is not null)
            Console.WriteLine($"interrupted (Ctrl-C): {outcome.Lemmas.Count()} of {plan.LemmaCount} lemma(s) finished; the others have no verdict");
    }

    static void PrintStep(Plan plan, Outcome outcome, StepResult step)
    {
        Console.WriteLine($"{"primitive",-14} {"verdict",-8} {"obligations",-12} {"time",10} {"resources",12}");
        foreach (var r in step.Lemmas)
        {
            int proved = r.Obligations.Count(x => x.Verdict == Verdict.Proved);
            Console.WriteLine($"{r.Prim,-14} {r.Verdict.ToString().ToUpperInvariant(),-8} {$"{proved}/{r.Obligations.Count}",-12} {Ms(r.Time),10} {r.Resources,12}");
        }
        if (outcome.InterruptedStep == step.Step && outcome.Interrupted is { } stopped)
        {
            Console.WriteLine($"{stopped.Name,-14} INTERRUPTED (no verdict)");
            foreach (var def in plan.Prims(step.Step).SkipWhile(d => d != stopped).Skip(1)) Console.WriteLine($"{def.Name,-14} not started");
        }
        foreach (var r in step.Lemmas.Where(r => r.Verdict != Verdict.Proved))
        {
            Console.WriteLine();
            foreach (var ob in r.Obligations.Where(x => x.Verdict == Verdict.Refuted))
                Console.WriteLine($"  REFUTED  {ob.Message}");
            foreach (var ob in r.Obligations.Where(x => x.Verdict == Verdict.Unknown))
                Console.WriteLine($"  UNKNOWN  {r.Prim}: {ob.Why}: {ob.ReasonUnknown}");
            if (r.Verdict == Verdict.Vacuous) Console.WriteLine($"  VACUOUS  {r.Prim}: the premises are unsatisfiable: no related state lets the high step succeed");
            if (r.Vacuity.Result == SatResult.Unknown) Console.WriteLine($"  UNKNOWN  {r.Prim}: whether the premises are satisfiable: {r.Vacuity.Reason}");
            if (r.Replay is not null) Console.WriteLine($"  counterexample: {r.Replay}");
            if (r.Counterexample is { } c)
                Console.WriteLine($"  case: TOTAL_CPU {c.TotalCpu}, CPU {c.Cpu}, flags high {Flags(c.FlagsHigh)} low {Flags(c.FlagsLow)}, blocks high/low +{c.HighBlocks}/+{c.LowBlocks}, inject [{string.Join(", ", c.Inject.Select(x => $"{x.From}->{x.To}"))}]");
        }
    }

    static void PrintComposed(ComposedRefinement c, List<ComposedLemma> lemmas)
    {
        Console.WriteLine($"{c.Name} — {c.Lower.Lower.Name} ⊑ {c.Middle.Name} ⊑ {c.Upper.Upper.Name}; relation {c.RelationText}");
        Console.WriteLine(ComposedProof.Rule(c));
        Console.WriteLine($"{"primitive",-14} {"verdict",-8} {"steps' time",12}  why");
        foreach (var l in lemmas)
            Console.WriteLine($"{l.Prim,-14} {l.Verdict.ToString().ToUpperInvariant(),-8} {Ms(l.Time),12}  {l.Reason}");
        foreach (var l in lemmas.Where(l => l.Counterexample is not null))
            Console.WriteLine($"  {l.Prim}: composed case TOTAL_CPU {l.Counterexample!.TotalCpu}, CPU {l.Counterexample.Cpu}; `check --layers code:pvmxintro` judges it: {l.Replay!.Status} ({string.Join(", ", l.Replay.Violated)})");
    }

    static string Flags(Machine.CpuFlags f) => $"ikern={f.Ikern} ihost={f.Ihost} pg={f.Pg} init={f.Init}";

    static JsonObject Json(Plan plan, Outcome outcome, string? saved, int code)
    {
        var o = plan.Options;
        string solverName = SolverFactory.NameOf(o.Solver);
        JsonArray Lemmas(StepResult step)
        {
            var lemmas = step.Lemmas.Select(l => (JsonNode)JsonReport.Lemma(l, solverName, step.Step, plan.Mutant?.Name)).ToList();
            if (outcome.InterruptedStep == step.Step && outcome.Interrupted is { } stopped)
                lemmas.AddRange(plan.Prims(step.Step).SkipWhile(d => d != stopped).Select(d => (JsonNode)JsonReport.Unfinished(d.Name, solverName, started: d == stopped)));
            return new JsonArray([.. lemmas]);
        }
        // "lemmas" is the first refinement's (the layer pair's, or the code's when only it is proved), as before the code layer was proved too
        var first = outcome.Steps.FirstOrDefault();
        var codeStep = outcome.Steps.Skip(1).FirstOrDefault();
        bool all = outcome.Interrupted is null && outcome.Lemmas.All(l => l.Verdict == Verdict.Proved) && outcome.Composed.All(l => l.Verdict == Verdict.Proved);
        return RunInfo.AddTo(new JsonObject
        {
            ["tool"] = ToolInfo.Json(),
            ["command"] = Name,
            ["mutant"] = plan.Mutant?.Name,
            ["solver"] = solverName,
            ["rlimit"] = o.Rlimit,
            ["refinements"] = new JsonArray([.. plan.Steps.Select(s => (JsonNode)JsonValue.Create(s.Name)!).Concat(plan.Composed is { } c ? [JsonValue.Create(c.Name)!] : [])]),
            ["proved"] = all,
            ["interrupted"] = outcome.Interrupted is not null,
            ["exitCode"] = code,
            ["lemmas"] = first is null ? new JsonArray() : Lemmas(first),
            ["code"] = codeStep is null ? null : new JsonObject
            {
                ["refinement"] = codeStep.Step.Name,
                ["layer"] = codeStep.Step.Lower.Name,
                ["statedFor"] = "every two related VMCSInit states (the spec's, and a more defined one for the code)",
                ["lemmas"] = Lemmas(codeStep),
            },
            ["composed"] = plan.Composed is { } composed ? ComposedJson(composed, outcome.Composed) : null,
            ["savedCounterexample"] = saved,
        });
    }

    static JsonObject ComposedJson(ComposedRefinement c, List<ComposedLemma> lemmas) => new()
    {
        ["refinement"] = c.Name,
        ["steps"] = new JsonArray(c.Lower.Name, c.Upper.Name),
        ["relation"] = c.RelationText,
        ["rule"] = ComposedProof.Rule(c),
        ["lemmas"] = new JsonArray([.. lemmas.Select(l => (JsonNode)new JsonObject
        {
            ["primitive"] = l.Prim.Name,
            ["verdict"] = l.Verdict.ToString().ToUpperInvariant(),
            ["reason"] = l.Reason,
            ["timeMs"] = Math.Round(l.Time.TotalMilliseconds, 1),
            ["steps"] = new JsonObject { [c.Lower.Name] = l.Lower.Verdict.ToString().ToUpperInvariant(), [c.Upper.Name] = l.Upper.Verdict.ToString().ToUpperInvariant() },
            ["counterexample"] = l.Replay is { } o ? new JsonObject
            {
                ["totalCpu"] = l.Counterexample!.TotalCpu,
                ["cpu"] = l.Counterexample.Cpu,
                ["failingStep"] = ComposedCheck.StepOf(c, o).Name,
                ["violated"] = new JsonArray([.. o.Violated.Select(v => (JsonNode)JsonValue.Create(v)!)]),
            } : null,
        })]),
    };
}
