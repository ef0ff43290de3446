using System.CommandLine;
using System.Text.Json.Nodes;
using CsCheck;
using Spectre.Console;
using VmxLayers.Cases;
using VmxLayers.Checking;
using VmxLayers.Cli.Output;
using VmxLayers.Code;
using VmxLayers.Code.Elf;
using VmxLayers.Code.Layering;
using VmxLayers.Layers;
using VmxLayers.Mutants;
using VmxLayers.Refinement;
using VmxLayers.Scenarios;
using VmxLayers.Smt;
using VmxLayers.Smt.Solvers;
using VmxLayers.Spec;

namespace VmxLayers.Cli.Commands;

/// <summary>`vmxlayers check`: the simulation statement of every primitive, by the exhaustive and random backends and the SMT prover.</summary>
public static class CheckCommand
{
    static readonly Option<string?> primitive = new("--primitive") { Description = "Check only this primitive: " + string.Join(", ", VmxLayerPair.Refinement.Names) + ".", HelpName = "P" };
    static readonly Option<string> backend = new("--backend") { Description = "Which concrete backends run: exhaustive, random or all (default all).", DefaultValueFactory = _ => "all", HelpName = "B" };
    static readonly Option<string?> seed = new("--seed") { Description = "Master seed of the random backend (printed by every run): it draws the same cases on any number of threads; its own case is drawn first, so a printed counterexample seed reproduces that case. Default: a fresh one.", HelpName = "S" };
    static readonly Option<int> budget = new("--budget") { Description = "Random cases per primitive. Default 3000.", DefaultValueFactory = _ => 3000, HelpName = "N" };
    static readonly Option<double> shrink = new("--shrink-seconds") { Description = "Extra time the shrinker gets once the random backend finds a counterexample, 0..3600. Default 1.", DefaultValueFactory = _ => 1.0, HelpName = "SECONDS" };
    static readonly Option<int> threads = new("--threads") { Description = "Worker threads of the concrete backends, 0..1024 (default 0: one per core).", HelpName = "N" };
    static readonly Option<bool> json = new("--json") { Description = "Print one JSON document (per primitive and backend: cases, hypothesis held, high succeeded, verdict, time, scope, counterexample)." };
    static readonly Option<string?> mutant = new("--mutant") { Description = "Run under a compiled-in mutant (see `mutants --list`); the check should then fail.", HelpName = "NAME" };
    static readonly Option<string> solver = new("--solver") { Description = "SMT solver of the proofs: libz3 (in-process, default), z3 or cvc5 (executables on PATH).", DefaultValueFactory = _ => "libz3", HelpName = "SOLVER" };
    static readonly Option<bool> noProve = new("--no-prove") { Description = "Skip the SMT proofs (only the concrete backends run; no proof column)." };
    static readonly Option<string[]> impl = new("--impl") { Description = "Check code ⊑ VMCSInit for these ELF32 objects (gcc -m32 -O2 -fno-pic -fno-pie … -c; any subset of the six primitives, impl/vmx.o gives the rest) instead of the layer pair; repeatable. Without it, check also runs the code layer of impl/vmx.o.", HelpName = "FILE.o", Arity = ArgumentArity.ZeroOrMore };
    static readonly Option<string?> layers = new("--layers")
    {
        Description = "Which refinements run, comma-separated: vmcsinit:pvmxintro (the layer pair, with proofs), code:vmcsinit (the machine code under VMCSInit), " +
            "code:pvmxintro (their composition: the pair's cases, the VMCSInit run the witness between the code and PVMXIntro). Default: vmcsinit:pvmxintro,code:vmcsinit; under --impl: code:vmcsinit.",
        HelpName = "LOW:HIGH,…",
    };
    static readonly Option<string?> report = ReportFile.Option();
    static readonly Option<string?> reportDate = ReportFile.DateOption();
    static readonly Option<string?> save = new("--save-counterexample") { Description = "Write the first counterexample (a backend's, else the prover's) as a replayable scenario (docs/scenarios.md; run it with `replay FILE`). The path is checked before the work starts.", HelpName = "FILE" };

    const string Name = "check";
    const int MaxThreads = 1024;
    const double MaxShrinkSeconds = 3600;

    public static Command Create()
    {
        var command = new Command(Name,
            "Check the simulation statement of the six primitives with the exhaustive backend (a declared small scope), " +
            "the random backend (CsCheck, related-pair generators, shrinking) and, unless --no-prove, an SMT proof for all inputs (run alongside). " +
            "Exit 0 iff no counterexample and every lemma PROVED, 1 on a counterexample or a REFUTED lemma, 3 if a lemma is UNKNOWN and nothing failed, " +
            "2 on bad input, 130 on Ctrl-C (what finished is printed).")
        {
            primitive, backend, seed, budget, shrink, threads, json, mutant, solver, noProve, save, report, reportDate, impl, layers,
        };
        command.SetAction(Run);
        return command;
    }

    /// <summary>Validated options.</summary>
    /// <param name="Refinement">The refinement of the table (and the proofs): the layer pair's, or code ⊑ VMCSInit under --impl.</param>
    /// <param name="Code">The code layer checked after it when no --impl is given (null under --impl or --mutant).</param>
    /// <param name="Main">Whether the main table runs (false when only the composition was asked for).</param>
    /// <param name="Composed">code ⊑ PVMXIntro, checked after the others when --layers names it.</param>
    sealed record Plan(RefinementDef Refinement, PrimitiveDef[] Prims, RefinementDef? Code, string[] Impl, bool Exhaustive, bool Random, RandomOptions RandomOptions, Mutant? Mutant, int Threads, SolverKind? Solver, string? Save, bool Json, string? Report, DateTimeOffset? ReportDate)
    {
        public bool Main { get; init; } = true;
        public ComposedRefinement? Composed { get; init; }
    }

    /// <summary>What finished: the backend reports and lemmas, in order, and whether Ctrl-C stopped the run.</summary>
    sealed record Outcome(List<BackendReport> Reports, List<LemmaResult> Lemmas, bool Interrupted, List<BackendReport> CodeReports)
    {
        public List<BackendReport> ComposedReports { get; init; } = [];
    }

    /// <summary>The code refinement's reports: under --impl the main ones, else those of the default code layer.</summary>
    static List<BackendReport> CodeOf(Outcome o, Plan plan) => plan.Impl.Length > 0 ? o.Reports : o.CodeReports;

    static int Run(ParseResult r)
    {
        if (Validate(r, out var plan) is { } bad) return Errors.Bad(bad);
        var outcome = ProgressLine.Run(Name, report => Work(plan, report));
        var (saved, saveError) = Save(plan, outcome);
        int code = ExitCode(outcome);
        var doc = plan.Json || plan.Report is not null ? Json(outcome, plan, saved, code) : null;
        if (plan.Json) Console.WriteLine(JsonReport.Text(doc!));
        else PrintText(outcome, plan, saved);
        if (saveError is not null) Errors.Line(Name, saveError);
        if (plan.Report is { } file && ReportFile.Write(file, doc!, plan.ReportDate) is { } reportError) Errors.Line(Name, reportError);
        return code;
    }

    /// <summary>The concrete backends, with the proofs alongside (the solver waits on memory as often as on the CPU).</summary>
    static Outcome Work(Plan plan, Action<string> report)
    {
        var cancel = Interrupts.Token;
        var lemmas = new List<LemmaResult>();
        var proofs = plan.Solver is { } sv
            ? Task.Run(() =>
            {
                foreach (var p in plan.Prims)
                {
                    var l = Prover.Prove(plan.Refinement.Statement(p), new ProveOptions(sv, Cancel: cancel), plan.Refinement.Name);
                    lock (lemmas) lemmas.Add(l);
                }
            })
            : Task.CompletedTask;
        var reports = new List<BackendReport>();
        var codeReports = new List<BackendReport>();
        var composedReports = new List<BackendReport>();
        int runs = plan.Prims.Length * ((plan.Exhaustive ? 1 : 0) + (plan.Random ? 1 : 0)) * ((plan.Main ? 1 : 0) + (plan.Code is null ? 0 : 1) + (plan.Composed is null ? 0 : 1));
        string Lemmas() { lock (lemmas) return plan.Solver is null ? "" : $", {lemmas.Count}/{plan.Prims.Length} lemmas done"; }
        try
        {
            foreach (var p in plan.Main ? plan.Prims : [])
            {
                report($"{reports.Count}/{runs} backend runs done{Lemmas()}, checking {p.Name}");
                if (plan.Exhaustive) reports.Add(ExhaustiveBackend.Run(plan.Refinement, p, plan.Threads, cancel));
                report($"{reports.Count}/{runs} backend runs done{Lemmas()}, checking {p.Name}");
                if (plan.Random) reports.Add(RandomBackend.Run(plan.Refinement, p, plan.RandomOptions));
            }
            if (plan.Code is { } code)
                foreach (var p in plan.Prims.Select(p => code.Def(p.Primitive)))
                {
                    report($"{reports.Count + codeReports.Count}/{runs} backend runs done{Lemmas()}, checking the code of {p.Name}");
                    if (plan.Exhaustive) codeReports.Add(ExhaustiveBackend.Run(code, p, plan.Threads, cancel));
                    report($"{reports.Count + codeReports.Count}/{runs} backend runs done{Lemmas()}, checking the code of {p.Name}");
                    if (plan.Random) codeReports.Add(RandomBackend.Run(code, p, plan.RandomOptions));
                }
            if (plan.Composed is { } composed)
                foreach (var p in plan.Prims.Select(p => composed.Find(p.Name)!))
                {
                    report($"{reports.Count + codeReports.Count + composedReports.Count}/{runs} backend runs done{Lemmas()}, checking {composed.Name} on {p.Name}");
                    if (plan.Exhaustive) composedReports.Add(ComposedCheck.Exhaustive(composed, p, plan.Threads, cancel));
                    if (plan.Random) composedReports.Add(ComposedCheck.Random(composed, p, plan.RandomOptions));
                }
            while (!proofs.Wait(200)) report($"{reports.Count}/{runs} backend runs done{Lemmas()}, proving");
            proofs.GetAwaiter().GetResult();
        }
        catch (Exception e) when (cancel.IsCancellationRequested && IsCancellation(e))
        {
            try { proofs.GetAwaiter().GetResult(); }
            catch (Exception inner) when (IsCancellation(inner)) { }
            lock (lemmas) return new Outcome(reports, [.. lemmas], Interrupted: true, codeReports) { ComposedReports = composedReports };
        }
        return new Outcome(reports, lemmas, Interrupted: false, codeReports) { ComposedReports = composedReports };
    }

    static bool IsCancellation(Exception e) =>
        e is OperationCanceledException || (e is AggregateException a && a.Flatten().InnerExceptions.All(x => x is OperationCanceledException));

    /// <summary>Saves the first counterexample (a concrete backend's, else the prover's decoded one): (saved path, error line).</summary>
    static (string? Saved, string? Error) Save(Plan plan, Outcome o)
    {
        if (plan.Save is not { } file) return (null, null);
        var c = o.Reports.Select(x => x.Counterexample?.Case).FirstOrDefault(x => x is not null)
            ?? o.Lemmas.Select(l => l.Counterexample).FirstOrDefault(x => x is not null);
        if (c is null) return (null, null);
        var error = CounterexampleFile.Save(file, c, plan.Mutant?.Name);
        return error is null ? (file, null) : (null, error);
    }

    /// <summary>130 when interrupted; 1 on a counterexample, a vacuous check, or a refuted or vacuous lemma; else 3 if a lemma is unknown; else 0.</summary>
    static int ExitCode(Outcome o) =>
        o.Interrupted ? ExitCodes.Interrupted
        : o.Reports.Any(x => !x.Passed) || o.CodeReports.Any(x => !x.Passed) || o.ComposedReports.Any(x => !x.Passed) || o.Lemmas.Any(l => l.Verdict is Verdict.Refuted or Verdict.Vacuous) ? ExitCodes.Failed
        : o.Lemmas.Any(l => l.Verdict == Verdict.Unknown) ? ExitCodes.Inconclusive : ExitCodes.Ok;

    /// <summary>Null and the plan, or the error line ("check: --x: …").</summary>
    static string? Validate(ParseResult r, out Plan plan)
    {
        plan = null!;
        if (Selection.Refinement(Name, r.GetValue(mutant), out var refinement, out var m) is { } badMutant) return badMutant;
        string[] files = r.GetValue(impl) ?? [];
        RefinementDef? code = m is null ? CodeLayer.Default : null;
        if (files.Length > 0)
        {
            if (m is not null) return $"{Name}: --mutant mutates the layer pair's specs, which --impl does not check";
            if (Given(r, solver)) return $"{Name}: --solver chooses the solver of the proofs, which --impl does not run (code ⊑ VMCSInit is checked by the concrete backends only)";
            try { refinement = CodeTrace.FromFiles(files); }
            catch (ObjectFileError e) { return $"{Name}: --impl: {e.Message}"; }
            code = null;
        }
        if (Selection.Layers(r.GetValue(layers), files.Length > 0 ? [CodeStep] : [PairStep, CodeStep]) is not { } steps) return $"{Name}: --layers: expected a comma-separated list of {string.Join(", ", Selection.LayerSteps)}, got '{r.GetValue(layers)}'";
        var codeStep = files.Length > 0 ? refinement : CodeLayer.Default;
        bool main = true;
        if (files.Length == 0 && !steps.Contains(PairStep))
        {
            if (m is not null) return $"{Name}: --mutant mutates the layer pair's specs; --layers {r.GetValue(layers)} does not check the pair";
            if (Given(r, solver)) return $"{Name}: --solver chooses the solver of the layer pair's proofs; --layers {r.GetValue(layers)} does not check the pair";
            code = null;
            if (steps.Contains(CodeStep)) (refinement, files) = (codeStep, [ImplObjects.DefaultName]);   // the built-in code as if given with --impl
            else main = false;
        }
        else if (files.Length == 0 && !steps.Contains(CodeStep)) code = null;
        else if (files.Length > 0 && steps.Contains(PairStep)) return $"{Name}: --layers {PairStep} checks the layer pair, which --impl does not (run it without --impl)";
        else if (files.Length > 0 && !steps.Contains(CodeStep)) main = false;
        if (steps.Contains(ComposedStep) && m is not null) return $"{Name}: --mutant mutates the layer pair's specs, which {ComposedStep} composes with the code only unmutated";
        var composedRefinement = steps.Contains(ComposedStep) ? new ComposedRefinement(codeStep, VmxLayerPair.Refinement) : null;
        if (Selection.Primitives(Name, refinement, r.GetValue(primitive), out var prims) is { } badPrim) return badPrim;
        string b = r.GetValue(backend)!;
        if (b is not ("all" or "exhaustive" or "random")) return $"{Name}: --backend: expected exhaustive, random or all, got '{b}'";
        int n = r.GetValue(budget);
        if (n <= 0) return $"{Name}: --budget: expected a positive number of cases, got {n}";
        double s = r.GetValue(shrink);
        if (!(s >= 0)) return $"{Name}: --shrink-seconds: expected a non-negative number of seconds, got {s}";
        if (s > MaxShrinkSeconds) return $"{Name}: --shrink-seconds: {s} is too large (at most {MaxShrinkSeconds})";
        string? sd = r.GetValue(seed);
        if (sd is not null)
        {
            try { PCG.Parse(sd); }
            catch (Exception e) when (e is CsCheckException or FormatException or ArgumentException or IndexOutOfRangeException or OverflowException)
            { return $"{Name}: --seed: '{sd}' is not a CsCheck seed (as printed by a random check)"; }
        }
        if (b == "exhaustive" && (sd is not null || Given(r, budget) || Given(r, shrink)))
            return $"{Name}: --seed, --budget and --shrink-seconds configure the random backend, which --backend exhaustive does not run";
        int t = r.GetValue(threads);
        if (t < 0) return $"{Name}: --threads: expected a non-negative number, got {t}";
        if (t > MaxThreads) return $"{Name}: --threads: {t} is too large (at most {MaxThreads})";
        SolverKind? sv = null;
        if (r.GetValue(noProve) || files.Length > 0 || !main)
        {
            if (Given(r, solver)) return $"{Name}: --solver chooses the solver of the proofs, which --no-prove skips";
        }
        else
        {
            if (Selection.Solver(Name, r.GetValue(solver)!, out var kind) is { } badSolver) return badSolver + " (or pass --no-prove)";
            sv = kind;
        }
        if (CounterexampleFile.Check(r.GetValue(save)) is { } badSave) return $"{Name}: {badSave}";
        if (ReportFile.Check(r.GetValue(report), r.GetValue(reportDate), out var date) is { } badReport) return $"{Name}: {badReport}";
        var random = new RandomOptions(n, sd ?? RandomBackend.NewMasterSeed(), s, t, Interrupts.Token);
        if (files.Length > 0 && r.GetValue(save) is not null) return $"{Name}: --save-counterexample writes a layer-pair scenario; a code counterexample is reproduced with its --seed";
        if (r.GetValue(save) is not null && !main) return $"{Name}: --save-counterexample writes a layer-pair scenario; --layers {r.GetValue(layers)} does not check the pair";
        plan = new Plan(refinement, prims, code, files, b != "random", b != "exhaustive", random, m, t, sv, r.GetValue(save), r.GetValue(json), r.GetValue(report), date) { Main = main, Composed = composedRefinement };
        return null;
    }

    const string PairStep = Selection.PairStep, CodeStep = Selection.CodeStep, ComposedStep = Selection.ComposedStep;


    /// <summary>Given on the command line (an option's default does not count).</summary>
    static bool Given(ParseResult r, Option o) => r.GetResult(o) is { Implicit: false };

    static void PrintText(Outcome o, Plan plan, string? saved)
    {
        var console = AnsiConsole.Console;
        var (reports, lemmas) = (o.Reports, o.Lemmas);
        if (plan.Mutant is { } m) console.MarkupLine($"mutant: [bold]{m.Name}[/] — {Markup.Escape(m.Description)}");
        if (plan.Main)
        {
            console.WriteLine(plan.Refinement.Name + (plan.Impl.Length > 0 || plan.Refinement != VmxLayerPair.Refinement ? $" — {plan.Refinement.Lower.Name}" : ""));
            console.Write(plan.Solver is null ? Tables.Reports(reports) : Tables.Reports(reports, lemmas));
        }
        if (plan.Code is { } code && o.CodeReports.Count > 0)
        {
            console.WriteLine($"{code.Name} — {code.Lower.Name}");
            console.Write(Tables.Reports(o.CodeReports));
        }
        foreach (var r in reports.DistinctBy(x => (x.Prim, x.Backend)).Where(x => x.Backend == Backend.Exhaustive).Take(plan.Prims.Length == 1 ? 1 : 0))
            console.WriteLine($"exhaustive scope of {r.Prim}: {r.Scope}");
        if (plan.Random && reports.Any(x => x.Backend == Backend.Random))
            console.WriteLine($"random cases drawn from master seed {plan.RandomOptions.Seed} (--seed {plan.RandomOptions.Seed} draws the same cases on any number of threads)");
        var codeReports = CodeOf(o, plan);
        foreach (var r in reports.Where(x => x.Counterexample is not null && !codeReports.Contains(x))) CounterexamplePrinter.Print(console, r.Counterexample!, plan.Mutant?.Name);
        var codeRefinement = plan.Impl.Length > 0 ? plan.Refinement : plan.Code;
        string implOptions = plan.Impl.Length > 0 ? string.Join(" ", plan.Impl.Select(f => $"--impl {f}")) : "--impl impl/vmx.o";
        foreach (var r in codeReports.Where(x => x.Counterexample is not null))
        {
            CounterexamplePrinter.Print(console, r.Counterexample!, options: implOptions);
            foreach (var line in CodeTrace.Of(codeRefinement!, r.Counterexample!.Case)) console.WriteLine("  " + line);
        }
        if (plan.Composed is { } composed && o.ComposedReports.Count > 0)
        {
            console.WriteLine($"{composed.Name} — {composed.Lower.Lower.Name} ⊑ {composed.Middle.Name} ⊑ {composed.Upper.Upper.Name}; relation {composed.RelationText}");
            console.Write(Tables.Reports(o.ComposedReports));
            foreach (var r in o.ComposedReports.Where(x => x.Counterexample is not null))
            {
                var step = ComposedCheck.StepOf(composed, r.Counterexample!.Outcome);
                console.WriteLine($"{composed.Name}: the step {step.Name} fails:");
                CounterexamplePrinter.Print(console, r.Counterexample!, options: step == composed.Lower ? implOptions + " --layers code:pvmxintro" : "--layers code:pvmxintro");
                if (step == composed.Lower) foreach (var line in CodeTrace.Of(composed.Lower, r.Counterexample!.Case)) console.WriteLine("  " + line);
            }
        }
        foreach (var l in lemmas.Where(x => x.Verdict != Verdict.Proved)) PrintLemma(console, l);
        if (saved is not null) console.WriteLine($"first counterexample saved as a scenario: {saved} (vmxlayers replay {saved})");
        long cases = reports.Sum(x => x.Cases) + o.CodeReports.Sum(x => x.Cases) + o.ComposedReports.Sum(x => x.Cases);
        string proved = plan.Solver is not { } sv ? "" : $", {lemmas.Count(x => x.Verdict == Verdict.Proved)}/{lemmas.Count} lemmas proved ({SolverFactory.NameOf(sv)})";
        var all = reports.Concat(o.CodeReports).Concat(o.ComposedReports).ToList();
        int failed = all.Count(x => x.Verdict == CheckVerdict.Counterexample), vacuous = all.Count(x => x.Verdict == CheckVerdict.Vacuous);
        int refuted = lemmas.Count(x => x.Verdict == Verdict.Refuted), vacuousLemmas = lemmas.Count(x => x.Verdict == Verdict.Vacuous), unknown = lemmas.Count(x => x.Verdict == Verdict.Unknown);
        console.MarkupLine(ExitCode(o) switch
        {
            ExitCodes.Ok => $"[green]verdict: PASS[/] — {cases} cases, no counterexample{proved}",
            ExitCodes.Failed => $"[red]verdict: FAIL[/] — {failed} backend run(s) found a counterexample, {vacuous} VACUOUS (the high spec never succeeded), {refuted} lemma(s) REFUTED, {vacuousLemmas} VACUOUS",
            ExitCodes.Interrupted => $"[yellow]verdict: INTERRUPTED[/] (Ctrl-C) — finished: {reports.Count} backend run(s) ({failed} with a counterexample), " +
                $"{lemmas.Count} lemma(s) ({refuted} REFUTED); the rest has no verdict",
            _ => $"[yellow]verdict: INCONCLUSIVE[/] — no counterexample in {cases} cases, but {unknown} lemma(s) UNKNOWN",
        });
    }

    /// <summary>A lemma that was not proved: its refuted obligations (with the model's values) or why the solver gave up.</summary>
    static void PrintLemma(IAnsiConsole console, LemmaResult l)
    {
        foreach (var ob in l.Obligations.Where(x => x.Verdict == Verdict.Refuted))
            console.WriteLine($"proof REFUTED: {ob.Message}");
        foreach (var ob in l.Obligations.Where(x => x.Verdict == Verdict.Unknown))
            console.WriteLine($"proof UNKNOWN: {l.Prim}: {ob.Why}: {ob.ReasonUnknown}");
        if (l.Verdict == Verdict.Vacuous) console.WriteLine($"proof VACUOUS: {l.Prim}: no related state lets the high step succeed (the premises are unsatisfiable)");
        if (l.Vacuity.Result == SatResult.Unknown) console.WriteLine($"proof UNKNOWN: {l.Prim}: whether the premises are satisfiable: {l.Vacuity.Reason}");
        if (l.Replay is not null) console.WriteLine($"  prover's counterexample: {l.Replay}");
    }

    static JsonObject Json(Outcome o, Plan plan, string? saved, int code)
    {
        string solverName = plan.Solver is { } sv ? SolverFactory.NameOf(sv) : "";
        var lemmas = o.Lemmas.Select(x => (JsonNode)JsonReport.Lemma(x, solverName, plan.Refinement, plan.Mutant?.Name)).ToList();
        if (plan.Solver is not null && o.Interrupted)
            lemmas.AddRange(plan.Prims.Skip(o.Lemmas.Count).Select(p => (JsonNode)JsonReport.Unfinished(p.Name, solverName, started: true)));
        var doc = new JsonObject
        {
            ["tool"] = ToolInfo.Json(),
            ["command"] = Name,
            ["mutant"] = plan.Mutant?.Name,
            ["seed"] = plan.Random ? plan.RandomOptions.Seed : null,
            ["passed"] = !o.Interrupted && o.Reports.All(x => x.Passed) && o.CodeReports.All(x => x.Passed) && o.ComposedReports.All(x => x.Passed),
            ["refinement"] = plan.Refinement.Name,
            ["impl"] = plan.Impl.Length > 0 ? new JsonArray([.. plan.Impl.Select(f => (JsonNode)f)]) : null,
            ["proved"] = plan.Solver is null ? null : !o.Interrupted && o.Lemmas.All(x => x.Verdict == Verdict.Proved),
            ["interrupted"] = o.Interrupted,
            ["exitCode"] = code,
            ["results"] = new JsonArray([.. o.Reports.Select(x => (JsonNode)JsonReport.Report(x, plan.Mutant?.Name, plan.Refinement.Relation is CodeRelation ? Reproduction.Code(plan.Refinement) : Reproduction.Pair))]),
            ["proofs"] = plan.Solver is null ? null : new JsonArray([.. lemmas]),
            ["savedCounterexample"] = saved,
            ["code"] = plan.Code is { } codeLayer ? new JsonObject
            {
                ["refinement"] = codeLayer.Name,
                ["layer"] = codeLayer.Lower.Name,
                ["results"] = new JsonArray([.. o.CodeReports.Select(x => (JsonNode)JsonReport.Report(x, how: Reproduction.Code(codeLayer)))]),
            } : null,
            ["composed"] = plan.Composed is { } composed ? new JsonObject
            {
                ["refinement"] = composed.Name,
                ["steps"] = new JsonArray(composed.Lower.Name, composed.Upper.Name),
                ["relation"] = composed.RelationText,
                ["results"] = new JsonArray([.. o.ComposedReports.Select(x => (JsonNode)JsonReport.Report(x, how: Reproduction.Composed(composed.Lower)))]),
            } : null,
        };
        return RunInfo.AddTo(doc);
    }
}
