using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using VmxLayers.Cli.Output;
using VmxLayers.Layers;
using VmxLayers.Mutants;
using VmxLayers.Refinement;
using VmxLayers.Smt;
using VmxLayers.Smt.Solvers;
using VmxLayers.Spec;

namespace VmxLayers.Cli.Commands;

/// <summary>`vmxlayers prove`: SMT proof of the six simulation lemmas (exit 0 proved, 1 refuted, 3 unknown, 2 bad input).</summary>
public static class ProveCommand
{
    public static Command Create()
    {
        var primitive = new Option<string?>("--primitive") { Description = $"Prove only this primitive ({string.Join(", ", VmxLayerPair.Refinement.Names)}); default: all of them." };
        var emit = new Option<string?>("--emit-smt") { Description = "Write every obligation as a standalone SMT-LIB2 file <prim>__<clause>.smt2 into this directory (re-check with `z3 FILE` or `cvc5 FILE`)." };
        var solver = new Option<string>("--solver") { Description = "The SMT solver: libz3 (in-process, default), z3 or cvc5 (executables on PATH).", DefaultValueFactory = _ => "libz3" };
        var rlimit = new Option<long>("--rlimit") { Description = $"Z3 resource budget per obligation (0 = none); exhausting it makes the lemma UNKNOWN (never PROVED).", DefaultValueFactory = _ => ProveOptions.DefaultRlimit };
        var mutant = new Option<string?>("--mutant") { Description = "Switch on a compiled-in mutant by name (see docs/mutants.md); a wrong spec should be REFUTED." };
        var json = new Option<bool>("--json") { Description = "Print one JSON document instead of the table." };
        var cmd = new Command("prove", "Prove the simulation lemma of each primitive for all inputs with an SMT solver; a refuted lemma shows a counterexample replayed concretely.")
        {
            primitive, emit, solver, rlimit, mutant, json,
        };
        cmd.SetAction(r => Run(r.GetValue(primitive), r.GetValue(emit), r.GetValue(solver)!, r.GetValue(rlimit), r.GetValue(mutant), r.GetValue(json)));
        return cmd;
    }

    static int Run(string? primitive, string? emit, string solver, long rlimit, string? mutantName, bool json)
    {
        if (Selection.Refinement("prove", mutantName, out var refinement, out var mutant) is { } badMutant) return Errors.Bad(badMutant);
        if (Selection.Primitives("prove", refinement, primitive, out var prims) is { } badPrim) return Errors.Bad(badPrim);
        if (Selection.Solver("prove", solver, out var kind) is { } badSolver) return Errors.Bad(badSolver);
        if (rlimit < 0) return Errors.Bad("prove: --rlimit: expected a non-negative number of resource units");
        if (emit is not null)
        {
            try { Directory.CreateDirectory(emit); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException) { return Errors.Bad($"prove: --emit-smt {emit}: cannot create the directory: {e.Message}"); }
        }
        var options = new ProveOptions(kind, rlimit, emit);
        var results = prims.Select(p => Prover.Prove(refinement.Statement(p), options, refinement.Name)).ToList();
        if (json) PrintJson(results, options, mutant); else PrintTable(results, options, mutant);
        if (results.Any(r => r.Verdict is Verdict.Refuted or Verdict.Vacuous)) return 1;
        return results.Any(r => r.Verdict == Verdict.Unknown) ? 3 : 0;
    }

    static string Ms(TimeSpan t) => t.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture) + " ms";

    static void PrintTable(List<LemmaResult> results, ProveOptions o, Mutant? mutant)
    {
        Console.WriteLine($"prove: solver {SolverFactory.NameOf(o.Solver)}, rlimit {o.Rlimit} per obligation, mutant {mutant?.Name ?? "none"}");
        Console.WriteLine($"{"primitive",-14} {"verdict",-8} {"obligations",-12} {"time",10} {"resources",12}");
        foreach (var r in results)
        {
            int proved = r.Obligations.Count(x => x.Verdict == Verdict.Proved);
            Console.WriteLine($"{r.Prim,-14} {r.Verdict.ToString().ToUpperInvariant(),-8} {$"{proved}/{r.Obligations.Count}",-12} {Ms(r.Time),10} {r.Resources,12}");
        }
        foreach (var r in results.Where(r => r.Verdict != Verdict.Proved))
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
        if (o.EmitDir is not null) Console.WriteLine($"SMT-LIB2 queries written to {o.EmitDir}");
    }

    static string Flags(Machine.CpuFlags f) => $"ikern={f.Ikern} ihost={f.Ihost} pg={f.Pg} init={f.Init}";

    static void PrintJson(List<LemmaResult> results, ProveOptions o, Mutant? mutant)
    {
        var doc = new
        {
            solver = SolverFactory.NameOf(o.Solver),
            rlimit = o.Rlimit,
            mutant = mutant?.Name,
            lemmas = results.Select(r => new
            {
                primitive = r.Prim.Name,
                verdict = r.Verdict.ToString().ToUpperInvariant(),
                premisesSatisfiable = r.Vacuity.Result.ToString().ToLowerInvariant(),
                timeMs = Math.Round(r.Time.TotalMilliseconds),
                resources = r.Resources,
                obligations = r.Obligations.Select(x => new
                {
                    clause = x.Clause, why = x.Why, verdict = x.Verdict.ToString().ToUpperInvariant(),
                    timeMs = Math.Round(x.Time.TotalMilliseconds), resources = x.Resources, message = x.Message, reasonUnknown = x.ReasonUnknown, file = x.File,
                }),
                counterexampleCheck = r.Replay?.ToString(),
                counterexampleConfirmed = r.Counterexample is null ? (bool?)null : r.CounterexampleConfirmed,
            }),
        };
        Console.WriteLine(JsonSerializer.Serialize(doc, new JsonSerializerOptions { WriteIndented = true }));
    }
}
