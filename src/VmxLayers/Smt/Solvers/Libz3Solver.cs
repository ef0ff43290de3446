using System.Diagnostics;

namespace VmxLayers.Smt.Solvers;

/// <summary>
/// Z3 in-process through libz3's SMT-LIB2 text interface. Every query gets a fresh context, so
/// instances share nothing but libz3's global parameters (see <see cref="GlobalParams"/>).
/// </summary>
public sealed class Libz3Solver : ISmtSolver
{
    /// <summary>
    /// Z3's (set-option :rlimit N) writes the process-global parameter table and then copies it into the
    /// context; two threads doing that at once could swap budgets, so the step is serialised.
    /// </summary>
    static readonly Lock GlobalParams = new();

    public string Name => "libz3";

    public SolverOutcome Check(string script, long rlimit, IReadOnlyList<string> valueTerms)
    {
        var clock = Stopwatch.StartNew();
        using var ctx = new Z3Context();
        lock (GlobalParams) ctx.Eval(SolverScript.RlimitOption(rlimit, uint.MaxValue), "rlimit option");
        ctx.Eval(script, "script");
        var result = SolverScript.ParseResult(ctx.Eval("(check-sat)", "check-sat"), Name);
        var values = result == SatResult.Sat && valueTerms.Count > 0
            ? SolverScript.ParseValues(ctx.Eval(SolverScript.GetValue(valueTerms), "get-value"), valueTerms, Name)
            : [];
        string? reason = result == SatResult.Unknown ? SolverScript.ParseInfo(ctx.Eval("(get-info :reason-unknown)", "get-info")) : null;
        long? used = SolverScript.ParseLong(SolverScript.ParseInfo(ctx.Eval("(get-info :rlimit)", "get-info")));
        return new SolverOutcome(result, values, reason, clock.Elapsed, used, Name);
    }

    public void Dispose() { }

    /// <summary>The libz3 version as "major.minor.build".</summary>
    public static string Version()
    {
        Z3Native.Z3_get_version(out var a, out var b, out var c, out _);
        return $"{a}.{b}.{c}";
    }

    /// <summary>One fresh Z3 context with the do-nothing error handler; every eval is checked for errors.</summary>
    sealed unsafe class Z3Context : IDisposable
    {
        readonly IntPtr ctx;

        public Z3Context()
        {
            var cfg = Z3Native.Z3_mk_config();
            Z3Native.Z3_set_param_value(cfg, "model", "true");
            ctx = Z3Native.Z3_mk_context(cfg);
            Z3Native.Z3_del_config(cfg);
            if (ctx == IntPtr.Zero) throw new SolverException("libz3: Z3_mk_context failed");
            Z3Native.Z3_set_error_handler(ctx, Z3Native.IgnoreErrorHandler);
        }

        /// <summary>Runs SMT-LIB2 commands and returns what they printed; an error becomes a SolverException.</summary>
        public string Eval(string commands, string what)
        {
            string output = Z3Native.Text(Z3Native.Z3_eval_smtlib2_string(ctx, commands));
            int code = Z3Native.Z3_get_error_code(ctx);
            if (code != 0)
            {
                string msg = Z3Native.Text(Z3Native.Z3_get_error_msg(ctx, code));
                throw new SolverException($"libz3 ({what}): {SolverScript.Join(output, msg)}");
            }
            if (SolverScript.FirstError(output) is { } err) throw new SolverException($"libz3 ({what}): {err}");
            return output;
        }

        public void Dispose() => Z3Native.Z3_del_context(ctx);
    }
}
