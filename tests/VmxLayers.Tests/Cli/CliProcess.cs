using System.Diagnostics;
using System.Runtime.InteropServices;

namespace VmxLayers.Tests.Cli;

/// <summary>Runs the built `vmxlayers` CLI as a child process (no shared Console state between parallel tests).</summary>
public static class CliProcess
{
    public sealed record Result(int ExitCode, string Out, string Err);

    public static Result Run(params string[] args) => Start(args).Finish();

    /// <summary>Starts the CLI; the caller may signal it (<see cref="Running.Interrupt"/>) before collecting its result.</summary>
    public static Running Start(params string[] args)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "VmxLayers.Cli.dll");
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(dll);
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["NO_COLOR"] = "1";
        return new Running(Process.Start(psi)!);
    }

    [DllImport("libc", EntryPoint = "kill")]
    static extern int Kill(int pid, int signal);

    const int SigInt = 2;

    /// <summary>A running CLI process with its output collected in the background (stderr line by line, so a test can wait for a progress line).</summary>
    public sealed class Running : IDisposable
    {
        readonly Process p;
        readonly Task<string> stdout;
        readonly List<string> errLines = [];
        readonly TaskCompletionSource errDone = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Running(Process p)
        {
            this.p = p;
            stdout = p.StandardOutput.ReadToEndAsync();
            p.ErrorDataReceived += (_, e) =>
            {
                lock (errLines) { if (e.Data is { } line) errLines.Add(line); else errDone.TrySetResult(); Monitor.PulseAll(errLines); }
            };
            p.BeginErrorReadLine();
        }

        /// <summary>Sends SIGINT (what Ctrl-C sends), as `kill -INT pid` does.</summary>
        public void Interrupt()
        {
            if (!p.HasExited) Kill(p.Id, SigInt);
        }

        /// <summary>Waits until a stderr line matches <paramref name="pattern"/>; false if the process ends (or a minute passes) first.</summary>
        public bool WaitForStderr(string pattern)
        {
            var until = DateTime.UtcNow.AddMinutes(1);
            lock (errLines)
                while (true)
                {
                    if (errLines.Any(l => System.Text.RegularExpressions.Regex.IsMatch(l, pattern))) return true;
                    if (errDone.Task.IsCompleted || DateTime.UtcNow > until) return false;
                    Monitor.Wait(errLines, TimeSpan.FromMilliseconds(200));
                }
        }

        /// <summary>Waits for the exit (killing the process after two minutes: a hang is a failure, not a stuck suite).</summary>
        public Result Finish()
        {
            if (!p.WaitForExit(TimeSpan.FromMinutes(2)))
            {
                p.Kill(entireProcessTree: true);
                p.WaitForExit();
                throw new TimeoutException($"the CLI did not exit within two minutes; stdout so far: {stdout.Result}");
            }
            p.WaitForExit();
            errDone.Task.Wait(TimeSpan.FromSeconds(10));
            lock (errLines) return new Result(p.ExitCode, stdout.Result, errLines.Count == 0 ? "" : string.Join("\n", errLines) + "\n");
        }

        public void Dispose() => p.Dispose();
    }
}
