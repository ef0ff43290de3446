using System.CommandLine;
using System.Globalization;
using System.Text.Json;
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
        var primitive = new Option<string?>("--primitive") { Description = "Prove only this primitive (vmx_readz, vmx_writez, vmx_enter_pre, vmx_exit_post, vmx_exit, vmx_enter); default: all six." };
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

    static int Bad(string message)
    {
        Console.Error.WriteLine($"vmxlayers prove: {message}");
        return 2;
    }

    static int Run(string? primitive, string? emit, string solver, long rlimit, string? mutantName, bool json)
    {
        var prims = PrimInfo.All;
        if (primitive is not null)
        {
            if (!PrimInfo.TryParse(primitive, out var p)) return Bad($"--primitive: unknown primitive '{primitive}' (expected one of: {string.Join(", ", PrimInfo.All)})");
            prims = [p];
        }
        var mutant = MutantId.None;
        if (mutantName is not null)
        {
            if (!MutantCatalog.TryParse(mutantName, out var m)) return Bad($"--mutant: unknown mutant '{mutantName}' (see docs/mutants.md for the names)");
            mutant = m.Id;
        }
        if (!SolverFactory.Names.Contains(solver)) return Bad($"--solver: unknown solver '{solver}' (expected one of: {string.Join(", ", SolverFactory.Names)})");
        if (!SolverFactory.IsAvailable(solver, out var why)) return Bad($"--solver {solver}: not available: {why}");
        if (rlimit < 0) return Bad("--rlimit: expected a non-negative number of resource units");
        if (emit is not null)
        {
            try { Directory.CreateDirectory(emit); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException) { return Bad($"--emit-smt {emit}: cannot create the directory: {e.Message}"); }
        }
        var options = new ProveOptions(mutant, solver, rlimit, emit);
        var results = prims.Select(p => Prover.Prove(p, options)).ToList();
        if (json) PrintJson(results, options); else PrintTable(results, options);
        if (results.Any(r => r.Verdict == Verdict.Refuted)) return 1;
        return results.Any(r => r.Verdict == Verdict.Unknown) ? 3 : 0;
    }

    static string Ms(TimeSpan t) => t.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture) + " ms";

    static void PrintTable(List<LemmaResult> results, ProveOptions o)
    {
        Console.WriteLine($"prove: solver {o.Solver}, rlimit {o.Rlimit} per obligation, mutant {MutantCatalog.NameOf(o.Mutant)}");
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
            if (r.CounterexampleCheck is not null) Console.WriteLine($"  counterexample: {r.CounterexampleCheck}");
            if (r.Counterexample is { } c)
                Console.WriteLine($"  case: TOTAL_CPU {c.TotalCpu}, CPU {c.Cpu}, flags ikern={c.Flags.Ikern} ihost={c.Flags.Ihost} pg={c.Flags.Pg} init={c.Flags.Init}, blocks high/low +{c.HighBlocks}/+{c.LowBlocks}, inject [{string.Join(", ", c.Inject.Select(x => $"{x.From}->{x.To}"))}]");
        }
        if (o.EmitDir is not null) Console.WriteLine($"SMT-LIB2 queries written to {o.EmitDir}");
    }

    static void PrintJson(List<LemmaResult> results, ProveOptions o)
    {
        var doc = new
        {
            solver = o.Solver,
            rlimit = o.Rlimit,
            mutant = MutantCatalog.NameOf(o.Mutant),
            lemmas = results.Select(r => new
            {
                primitive = r.Prim.ToString(),
                verdict = r.Verdict.ToString().ToUpperInvariant(),
                timeMs = Math.Round(r.Time.TotalMilliseconds),
                resources = r.Resources,
                obligations = r.Obligations.Select(x => new
                {
                    clause = x.Clause, why = x.Why, verdict = x.Verdict.ToString().ToUpperInvariant(),
                    timeMs = Math.Round(x.Time.TotalMilliseconds), resources = x.Resources, message = x.Message, reasonUnknown = x.ReasonUnknown, file = x.File,
                }),
                counterexampleCheck = r.CounterexampleCheck,
                counterexampleConfirmed = r.Counterexample is null ? (bool?)null : r.CounterexampleConfirmed,
            }),
        };
        Console.WriteLine(JsonSerializer.Serialize(doc, new JsonSerializerOptions { WriteIndented = true }));
    }
}
