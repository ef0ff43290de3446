using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using VmxLayers.Cases;
using VmxLayers.Cli.Output;
using VmxLayers.Code.Elf;
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
    static readonly Option<string?> emit = new("--emit-smt") { Description = "Write every obligation as a standalone SMT-LIB2 file <prim>__<clause>.smt2 into this directory (re-check with `z3 FILE` or `cvc5 FILE`).", HelpName = "DIR" };
    static readonly Option<string> solver = new("--solver") { Description = "The SMT solver: libz3 (in-process, default), z3 or cvc5 (executables on PATH).", DefaultValueFactory = _ => "libz3", HelpName = "SOLVER" };
    static readonly Option<long> rlimit = new("--rlimit") { Description = $"Z3 resource budget per obligation (0 = none; default {ProveOptions.DefaultRlimit}); exhausting it makes the lemma UNKNOWN (never PROVED).", DefaultValueFactory = _ => ProveOptions.DefaultRlimit, HelpName = "N" };
    static readonly Option<string?> mutant = new("--mutant") { Description = "Switch on a compiled-in mutant (see `mutants --list`); a wrong spec should be REFUTED.", HelpName = "NAME" };
    static readonly Option<string?> save = new("--save-counterexample") { Description = "Write the first refuted lemma's decoded counterexample as a replayable scenario (run it with `replay FILE`). The path is checked before the work starts.", HelpName = "FILE" };
    static readonly Option<string[]> impl = new("--impl") { Description = "Prove code ⊑ VMCSInit for these ELF32 objects (any subset of the six primitives, impl/vmx.o gives the rest; repeatable): the machine code executed symbolically against VMCSInit's specs, instead of the layer pair.", HelpName = "FILE.o", Arity = ArgumentArity.ZeroOrMore };
    static readonly Option<bool> json = new("--json") { Description = "Print one JSON document instead of the table." };
    static readonly Option<string?> layers = new("--layers") { Description = "Which refinement to prove: vmcsinit:pvmxintro (default) or code:vmcsinit (the machine code of impl/vmx.o, or of --impl's objects, by symbolic execution). code:pvmxintro: prove its two steps (bad input).", HelpName = "LOW:HIGH" };
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

    sealed record Plan(RefinementDef Refinement, PrimitiveDef[] Prims, Mutant? Mutant, ProveOptions Options, string? Save, bool Json, string? Report, DateTimeOffset? ReportDate);

    /// <summary>What ran: the finished lemmas in order, and the primitive the interrupt stopped (if any).</summary>
    sealed record Outcome(List<LemmaResult> Lemmas, PrimitiveDef? Interrupted);

    static int Run(ParseResult r)
    {
        if (Validate(r, out var plan) is { } bad) return Errors.Bad(bad);
        var outcome = ProgressLine.Run(Name, report => Prove(plan, report));
        string? saved = null, saveError = null;
        if (plan.Save is { } file && outcome.Lemmas.FirstOrDefault(l => l.Counterexample is not null) is { } refuted)
        {
            saveError = CounterexampleFile.Save(file, refuted.Counterexample!, plan.Mutant?.Name);
            if (saveError is null) saved = file;
        }
        int code = ExitCode(outcome);
        var doc = plan.Json || plan.Report is not null ? Json(plan, outcome, saved, code) : null;
        if (plan.Json) Console.WriteLine(JsonReport.Text(doc!));
        else PrintTable(plan, outcome, saved);
        if (saveError is not null) Errors.Line(Name, saveError);
        if (plan.Report is { } reportFile && ReportFile.Write(reportFile, doc!, plan.ReportDate) is { } reportError) Errors.Line(Name, reportError);
        return code;
    }

    static Outcome Prove(Plan plan, Action<string> report)
    {
        var done = new List<LemmaResult>();
        foreach (var def in plan.Prims)
        {
            report($"{done.Count}/{plan.Prims.Length} lemmas done, proving {def.Name}");
            try { done.Add(Prover.Prove(plan.Refinement.Statement(def), plan.Options, plan.Refinement.Name)); }
            catch (OperationCanceledException) when (plan.Options.Cancel.IsCancellationRequested) { return new Outcome(done, def); }
        }
        return new Outcome(done, null);
    }

    /// <summary>130 when interrupted; else 1 if a lemma is refuted or vacuous, 3 if one is unknown, 0.</summary>
    static int ExitCode(Outcome o) =>
        o.Interrupted is not null ? ExitCodes.Interrupted
        : o.Lemmas.Any(l => l.Verdict is Verdict.Refuted or Verdict.Vacuous) ? ExitCodes.Failed
        : o.Lemmas.Any(l => l.Verdict == Verdict.Unknown) ? ExitCodes.Inconclusive : ExitCodes.Ok;

    /// <summary>Null and the plan, or the error line ("prove: --x: …").</summary>
    static string? Validate(ParseResult r, out Plan plan)
    {
        plan = null!;
        string[] files = r.GetValue(impl) ?? [];
        string? l = r.GetValue(layers)?.Trim().ToLowerInvariant();
        if (l is not (null or "vmcsinit:pvmxintro" or "code:vmcsinit"))
            return l == "code:pvmxintro"
                ? $"{Name}: --layers code:pvmxintro: the composed proof is not built; prove its two steps (--layers code:vmcsinit, --layers vmcsinit:pvmxintro), or `check --layers code:pvmxintro` checks it concretely"
                : $"{Name}: --layers: expected vmcsinit:pvmxintro, code:vmcsinit or code:pvmxintro, got '{r.GetValue(layers)}'";
        if (l == "vmcsinit:pvmxintro" && files.Length > 0) return $"{Name}: --impl names the code layer's objects, which --layers vmcsinit:pvmxintro does not prove";
        if (Selection.Refinement(Name, r.GetValue(mutant), out var refinement, out var m) is { } badMutant) return badMutant;
        if (files.Length > 0 || l == "code:vmcsinit")
        {
            if (m is not null) return $"{Name}: --mutant mutates the layer pair's specs, which --impl does not prove";
            if (r.GetValue(save) is not null) return $"{Name}: --save-counterexample writes a scenario of the layer pair, which --impl does not prove (a refutation's case is printed)";
            try { refinement = files.Length > 0 ? CodeTrace.FromFiles(files) : CodeLayer.Default; }
            catch (ObjectFileError e) { return $"{Name}: --impl: {e.Message}"; }
        }
        if (Selection.Primitives(Name, refinement, r.GetValue(primitive), out var prims) is { } badPrim) return badPrim;
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
        plan = new Plan(refinement, prims, m, new ProveOptions(kind, budget, dir, Cancel: Interrupts.Token), r.GetValue(save), r.GetValue(json), r.GetValue(report), date);
        return null;
    }

    static string Ms(TimeSpan t) => t.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture) + " ms";

    static void PrintTable(Plan plan, Outcome outcome, string? saved)
    {
        var o = plan.Options;
        Console.WriteLine($"prove: solver {SolverFactory.NameOf(o.Solver)}, rlimit {o.Rlimit} per obligation, mutant {plan.Mutant?.Name ?? "none"}");
        if (plan.Refinement.Relation is CodeRelation) Console.WriteLine($"{plan.Refinement.Name} — {plan.Refinement.Lower.Name}");
        Console.WriteLine($"{"primitive",-14} {"verdict",-8} {"obligations",-12} {"time",10} {"resources",12}");
        foreach (var r in outcome.Lemmas)
        {
            int proved = r.Obligations.Count(x => x.Verdict == Verdict.Proved);
            Console.WriteLine($"{r.Prim,-14} {r.Verdict.ToString().ToUpperInvariant(),-8} {$"{proved}/{r.Obligations.Count}",-12} {Ms(r.Time),10} {r.Resources,12}");
        }
        if (outcome.Interrupted is { } stopped)
        {
            Console.WriteLine($"{stopped.Name,-14} INTERRUPTED (no verdict)");
            foreach (var def in plan.Prims.SkipWhile(d => d != stopped).Skip(1)) Console.WriteLine($"{def.Name,-14} not started");
        }
        foreach (var r in outcome.Lemmas.Where(r => r.Verdict != Verdict.Proved))
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
        if (saved is not null) Console.WriteLine($"first counterexample saved as a scenario: {saved} (vmxlayers replay {saved})");
        if (o.EmitDir is not null) Console.WriteLine($"SMT-LIB2 queries written to {o.EmitDir}");
        if (outcome.Interrupted is not null)
            Console.WriteLine($"interrupted (Ctrl-C): {outcome.Lemmas.Count} of {plan.Prims.Length} lemma(s) finished; the others have no verdict");
    }

    static string Flags(Machine.CpuFlags f) => $"ikern={f.Ikern} ihost={f.Ihost} pg={f.Pg} init={f.Init}";

    static JsonObject Json(Plan plan, Outcome outcome, string? saved, int code)
    {
        var o = plan.Options;
        string solverName = SolverFactory.NameOf(o.Solver);
        var lemmas = outcome.Lemmas.Select(l => (JsonNode)JsonReport.Lemma(l, solverName, plan.Refinement, plan.Mutant?.Name)).ToList();
        if (outcome.Interrupted is { } stopped)
            lemmas.AddRange(plan.Prims.SkipWhile(d => d != stopped).Select(d => (JsonNode)JsonReport.Unfinished(d.Name, solverName, started: d == stopped)));
        return RunInfo.AddTo(new JsonObject
        {
            ["tool"] = ToolInfo.Json(),
            ["command"] = Name,
            ["mutant"] = plan.Mutant?.Name,
            ["solver"] = solverName,
            ["rlimit"] = o.Rlimit,
            ["proved"] = outcome.Interrupted is null && outcome.Lemmas.All(l => l.Verdict == Verdict.Proved),
            ["interrupted"] = outcome.Interrupted is not null,
            ["exitCode"] = code,
            ["lemmas"] = new JsonArray([.. lemmas]),
            ["savedCounterexample"] = saved,
        });
    }
}
