using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace VmxLayers.Smt.Solvers;

/// <summary>How one solver executable is started, budgeted and asked for its resource use.</summary>
public sealed record SolverDialect(
    string Name,
    string Executable,
    Func<long, IReadOnlyList<string>> Arguments,
    Func<long, string> Prelude,
    string ResourcesQuery,
    Func<string, long?> ParseResources)
{
    /// <summary><c>z3 -in -smt2</c>, budget <c>(set-option :rlimit N)</c>, resources from <c>(get-info :rlimit)</c>.</summary>
    public static readonly SolverDialect Z3 = new(
        "z3", "z3",
        _ => ["-in", "-smt2"],
        rlimit => SolverScript.RlimitOption(rlimit, uint.MaxValue) + "\n",
        "(get-info :rlimit)",
        answer => SolverScript.ParseLong(SolverScript.ParseInfo(answer)));

    /// <summary><c>cvc5 --incremental --produce-models</c>, budget <c>--rlimit-per=N</c>, resources from the statistics.</summary>
    public static readonly SolverDialect Cvc5 = new(
        "cvc5", "cvc5",
        rlimit => rlimit > 0
            ? ["--lang", "smt2", "--incremental", "--produce-models", "--rlimit-per=" + rlimit.ToString(CultureInfo.InvariantCulture)]
            : ["--lang", "smt2", "--incremental", "--produce-models"],
        _ => "",
        "(get-info :all-statistics)",
        answer => Cvc5Units().Match(answer) is { Success: true } m ? SolverScript.ParseLong(m.Groups[1].Value) : null);

    static Regex Cvc5Units() => new("\"resource::resourceUnitsUsed\"\\s+(\\d+)", RegexOptions.CultureInvariant);
}

/// <summary>
/// A solver executable driven over stdin/stdout: one fresh process per query, the script then (check-sat),
/// then (get-value ...) when sat, (get-info ...) for the reason and resources, then (exit). Cancelling
/// <paramref name="cancel"/> kills the running process; the query then throws OperationCanceledException.
/// </summary>
public sealed class ProcessSolver(SolverDialect dialect, CancellationToken cancel = default) : ISmtSolver
{
    public string Name => dialect.Name;

    public SolverOutcome Check(string script, long rlimit, IReadOnlyList<string> valueTerms)
    {
        cancel.ThrowIfCancellationRequested();
        var clock = Stopwatch.StartNew();
        RejectUnbalanced(script);
        using var session = SolverProcess.Start(dialect, rlimit);
        try
        {
            using var registration = cancel.Register(session.Kill);
            return Ask(session, script, rlimit, valueTerms, clock);
        }
        catch (Exception e) when (cancel.IsCancellationRequested && e is SolverException or IOException or InvalidOperationException)
        {
            throw new OperationCanceledException($"{Name}: the query was interrupted", e, cancel);
        }
    }

    SolverOutcome Ask(SolverProcess session, string script, long rlimit, IReadOnlyList<string> valueTerms, Stopwatch clock)
    {
        var result = SolverScript.ParseResult(session.Ask(dialect.Prelude(rlimit) + script + "\n(check-sat)", answerIsResult: true), Name);
        if (result == SatResult.Unknown) cancel.ThrowIfCancellationRequested();
        var values = result == SatResult.Sat && valueTerms.Count > 0
            ? SolverScript.ParseValues(session.Ask(SolverScript.GetValue(valueTerms)), valueTerms, Name)
            : [];
        string? reason = result == SatResult.Unknown ? SolverScript.ParseInfo(session.Ask("(get-info :reason-unknown)")) : null;
        long? used = dialect.ParseResources(session.Ask(dialect.ResourcesQuery));
        session.Exit();
        return new SolverOutcome(result, values, reason, clock.Elapsed, used, Name);
    }

    public void Dispose() { }

    /// <summary>
    /// An unclosed '(' would swallow our (check-sat) and leave the solver waiting for more input
    /// forever, so unreadable scripts are refused before a process is started.
    /// </summary>
    void RejectUnbalanced(string script)
    {
        try { _ = SExpr.ParseMany(script); }
        catch (FormatException e) { throw new SolverException($"{Name}: malformed script: {e.Message}", e); }
    }
}

/// <summary>One running solver process; any (error ...) it prints becomes a SolverException.</summary>
sealed class SolverProcess : IDisposable
{
    readonly Process process;
    readonly SExprStreamReader output;
    readonly StringBuilder stderr = new();
    readonly string name;

    SolverProcess(Process process, string name)
    {
        this.process = process;
        this.name = name;
        output = new SExprStreamReader(process.StandardOutput);
        process.ErrorDataReceived += (_, e) => { if (e.Data is { } line) lock (stderr) stderr.AppendLine(line); };
        process.BeginErrorReadLine();
    }

    public static SolverProcess Start(SolverDialect dialect, long rlimit)
    {
        var info = new ProcessStartInfo(dialect.Executable)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardInputEncoding = new UTF8Encoding(false),
            StandardOutputEncoding = Encoding.UTF8,
        };
        foreach (var a in dialect.Arguments(rlimit)) info.ArgumentList.Add(a);
        try
        {
            return new SolverProcess(Process.Start(info) ?? throw new SolverException($"{dialect.Name}: could not start '{dialect.Executable}'"), dialect.Name);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new SolverException($"{dialect.Name}: could not start '{dialect.Executable}': {e.Message}", e);
        }
    }

    /// <summary>
    /// Sends commands and returns the next answer. Writing happens on its own thread so a solver that
    /// answers (errors) while we are still writing a long script cannot deadlock us; a dedicated thread,
    /// not a pool task, because callers run many queries from Parallel.For and would starve the pool.
    /// With answerIsResult, answers other than sat/unsat/unknown/(error ..) (e.g. "unsupported") are skipped.
    /// </summary>
    public string Ask(string commands, bool answerIsResult = false)
    {
        var writer = new Thread(() =>
        {
            try { process.StandardInput.WriteLine(commands); process.StandardInput.Flush(); }
            catch (IOException) { } // the solver quit; reading reports why
        }) { IsBackground = true, Name = name + " stdin" };
        writer.Start();
        string answer = ReadAnswer(answerIsResult);
        writer.Join();
        return answer;
    }

    string ReadAnswer(bool answerIsResult)
    {
        while (true)
        {
            string? raw = output.ReadRaw();
            if (raw is null) throw new SolverException($"{name}: exited without answering{StderrSuffix()}");
            if (SolverScript.FirstError(raw) is { } err && raw.StartsWith("(error", StringComparison.Ordinal))
                throw new SolverException($"{name}: {err}");
            if (!answerIsResult || raw is "sat" or "unsat" or "unknown") return raw;
        }
    }

    string StderrSuffix()
    {
        process.WaitForExit(2000);
        lock (stderr) return stderr.Length == 0 ? "" : ": " + stderr.ToString().Trim();
    }

    public void Exit()
    {
        try { process.StandardInput.WriteLine("(exit)"); process.StandardInput.Close(); }
        catch (IOException) { }
        process.WaitForExit(5000);
    }

    /// <summary>Ends the solver at once (an interrupted query); reading its answer then fails.</summary>
    public void Kill()
    {
        try { if (!process.HasExited) process.Kill(); }
        catch (Exception e) when (e is InvalidOperationException or System.ComponentModel.Win32Exception) { }
    }

    public void Dispose()
    {
        Kill();
        process.WaitForExit();
        process.Dispose();
    }
}
