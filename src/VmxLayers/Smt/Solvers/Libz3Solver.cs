using System.Diagnostics;
using System.Text;

namespace VmxLayers.Smt.Solvers;

/// <summary>
/// Z3 in-process through libz3's solver API: the SMT-LIB2 script is parsed into assertions, checked by a solver
/// object and the requested terms are evaluated in its model. Every query gets a fresh context, so instances share
/// nothing. The solver runs with <c>ctrl_c=false</c>: libz3 4.8.12 otherwise swaps the process's SIGINT handler
/// around every check, which races between threads (a Ctrl-C then cancelled some query, which was redone, or
/// crashed on a deleted context); the tool handles Ctrl-C itself and cancels running queries through
/// <paramref name="cancel"/> (<c>Z3_interrupt</c>). An interrupted query throws <see cref="OperationCanceledException"/>:
/// it never becomes an answer.
/// </summary>
public sealed class Libz3Solver(CancellationToken cancel = default) : ISmtSolver
{
    public string Name => "libz3";

    public SolverOutcome Check(string script, long rlimit, IReadOnlyList<string> valueTerms)
    {
        cancel.ThrowIfCancellationRequested();
        var clock = Stopwatch.StartNew();
        using var z3 = new Z3Query();
        using var interrupter = new Interrupter(z3);
        using var registration = cancel.Register(interrupter.Fire);
        try
        {
            var probes = z3.Load(script, valueTerms, (uint)Math.Clamp(rlimit, 0, uint.MaxValue));
            var result = z3.Check();
            if (result == SatResult.Unknown) cancel.ThrowIfCancellationRequested();
            var values = result == SatResult.Sat ? z3.Values(valueTerms, probes) : [];
            string? reason = result == SatResult.Unknown ? z3.ReasonUnknown() : null;
            return new SolverOutcome(result, values, reason, clock.Elapsed, z3.ResourcesUsed(), Name);
        }
        catch (SolverException) when (cancel.IsCancellationRequested)
        {
            throw new OperationCanceledException("libz3: the query was interrupted", cancel);
        }
    }

    public void Dispose() { }

    /// <summary>The libz3 version as "major.minor.build".</summary>
    public static string Version()
    {
        Z3Native.Z3_get_version(out var a, out var b, out var c, out _);
        return $"{a}.{b}.{c}";
    }

    /// <summary>
    /// Interrupts one query from another thread. Z3 drops an interrupt that arrives just before its check starts, so
    /// once fired it repeats every 100 ms; the lock and <see cref="Dispose"/> guarantee no interrupt ever reaches a
    /// context that is being deleted.
    /// </summary>
    sealed class Interrupter(Z3Query z3) : IDisposable
    {
        readonly Lock gate = new();
        bool done;
        Timer? repeat;

        public void Fire()
        {
            lock (gate)
            {
                if (done) return;
                z3.Interrupt();
                repeat ??= new Timer(_ => Fire(), null, 100, 100);
            }
        }

        public void Dispose()
        {
            lock (gate)
            {
                done = true;
                repeat?.Dispose();
            }
        }
    }

    /// <summary>One fresh context and solver (with the do-nothing error handler); every call is checked for errors.</summary>
    sealed unsafe class Z3Query : IDisposable
    {
        readonly IntPtr ctx, solver;
        IntPtr parsed, model;

        public Z3Query()
        {
            var cfg = Z3Native.Z3_mk_config();
            Z3Native.Z3_set_param_value(cfg, "model", "true");
            ctx = Z3Native.Z3_mk_context(cfg);
            Z3Native.Z3_del_config(cfg);
            if (ctx == IntPtr.Zero) throw new SolverException("libz3: Z3_mk_context failed");
            Z3Native.Z3_set_error_handler(ctx, Z3Native.IgnoreErrorHandler);
            solver = Z3Native.Z3_mk_solver(ctx);
            Ensure("solver");
            Z3Native.Z3_solver_inc_ref(ctx, solver);
        }

        public void Interrupt() => Z3Native.Z3_interrupt(ctx);

        /// <summary>
        /// Parses the script followed by one <c>(assert (= t t))</c> per requested term, asserts the script's part, sets
        /// the budget and ctrl_c=false; returns the requested terms as parsed (the probes' first arguments).
        /// </summary>
        public IntPtr[] Load(string script, IReadOnlyList<string> terms, uint rlimit)
        {
            var text = new StringBuilder(script).AppendLine();
            foreach (var t in terms) text.Append("(assert (= ").Append(t).Append(' ').Append(t).AppendLine("))");
            parsed = Z3Native.Z3_parse_smtlib2_string(ctx, text.ToString(), 0, 0, 0, 0, 0, 0);
            Ensure("script");
            Z3Native.Z3_ast_vector_inc_ref(ctx, parsed);
            uint n = Z3Native.Z3_ast_vector_size(ctx, parsed), asserted = n - (uint)terms.Count;
            for (uint i = 0; i < asserted; i++) Z3Native.Z3_solver_assert(ctx, solver, Z3Native.Z3_ast_vector_get(ctx, parsed, i));
            Ensure("assert");
            var p = Z3Native.Z3_mk_params(ctx);
            Z3Native.Z3_params_inc_ref(ctx, p);
            Z3Native.Z3_params_set_bool(ctx, p, Z3Native.Z3_mk_string_symbol(ctx, "ctrl_c"), false);
            Z3Native.Z3_params_set_uint(ctx, p, Z3Native.Z3_mk_string_symbol(ctx, "rlimit"), rlimit);
            Z3Native.Z3_solver_set_params(ctx, solver, p);
            Z3Native.Z3_params_dec_ref(ctx, p);
            Ensure("solver parameters");
            var probes = new IntPtr[terms.Count];
            for (int k = 0; k < probes.Length; k++)
                probes[k] = Z3Native.Z3_get_app_arg(ctx, Z3Native.Z3_to_app(ctx, Z3Native.Z3_ast_vector_get(ctx, parsed, asserted + (uint)k)), 0);
            Ensure("get-value terms");
            return probes;
        }

        public SatResult Check()
        {
            int r = Z3Native.Z3_solver_check(ctx, solver);
            Ensure("check-sat");
            return r switch { 1 => SatResult.Sat, -1 => SatResult.Unsat, _ => SatResult.Unknown };
        }

        public string ReasonUnknown() => Z3Native.Text(Z3Native.Z3_solver_get_reason_unknown(ctx, solver));

        /// <summary>Each term's value in the (completed) model, as get-value prints it.</summary>
        public IReadOnlyList<(string Term, SExpr Value)> Values(IReadOnlyList<string> terms, IntPtr[] probes)
        {
            if (probes.Length == 0) return [];
            model = Z3Native.Z3_solver_get_model(ctx, solver);
            Ensure("get-model");
            Z3Native.Z3_model_inc_ref(ctx, model);
            var values = new (string, SExpr)[probes.Length];
            for (int k = 0; k < probes.Length; k++)
            {
                if (!Z3Native.Z3_model_eval(ctx, model, probes[k], true, out var v)) Ensure("get-value", always: true);
                string text = Z3Native.Text(Z3Native.Z3_ast_to_string(ctx, v));
                try { values[k] = (terms[k], SExpr.Parse(text)); }
                catch (FormatException e) { throw new SolverException($"libz3 (get-value): unreadable value '{text}' of {terms[k]}: {e.Message}", e); }
            }
            return values;
        }

        /// <summary>Z3's deterministic resource count of the query ("rlimit count"), or null if absent.</summary>
        public long? ResourcesUsed()
        {
            var st = Z3Native.Z3_solver_get_statistics(ctx, solver);
            Z3Native.Z3_stats_inc_ref(ctx, st);
            try
            {
                for (uint i = 0; i < Z3Native.Z3_stats_size(ctx, st); i++)
                    if (Z3Native.Text(Z3Native.Z3_stats_get_key(ctx, st, i)) == "rlimit count" && Z3Native.Z3_stats_is_uint(ctx, st, i))
                        return Z3Native.Z3_stats_get_uint_value(ctx, st, i);
                return null;
            }
            finally { Z3Native.Z3_stats_dec_ref(ctx, st); }
        }

        /// <summary>An error code left by the last call becomes a SolverException with Z3's message.</summary>
        void Ensure(string what, bool always = false)
        {
            int code = Z3Native.Z3_get_error_code(ctx);
            if (code == 0 && !always) return;
            string msg = code == 0 ? "failed" : Z3Native.Text(Z3Native.Z3_get_error_msg(ctx, code));
            throw new SolverException($"libz3 ({what}): {SolverScript.FirstError(msg) ?? msg.Trim()}");
        }

        public void Dispose()
        {
            if (model != 0) Z3Native.Z3_model_dec_ref(ctx, model);
            if (parsed != 0) Z3Native.Z3_ast_vector_dec_ref(ctx, parsed);
            Z3Native.Z3_solver_dec_ref(ctx, solver);
            Z3Native.Z3_del_context(ctx);
        }
    }
}
