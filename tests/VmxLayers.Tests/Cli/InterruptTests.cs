using System.Text.RegularExpressions;
using VmxLayers.Tests.Smt.Solvers;

namespace VmxLayers.Tests.Cli;

/// <summary>
/// Ctrl-C (SIGINT, sent as `kill -INT` does) while `prove` runs on libz3: the run stops with exit 130, prints the
/// lemmas that finished, and never reports a lemma whose query was interrupted as PROVED — or, when the signal
/// comes too late to matter, the run completes exactly as an uninterrupted one (same resource counts: an
/// interrupted query that was silently redone shows as a larger count).
/// </summary>
public partial class InterruptTests
{
    [GeneratedRegex(@"^(vmx_\w+)\s+(PROVED|REFUTED|UNKNOWN|INTERRUPTED)\b.*?(\d+)?$", RegexOptions.Multiline)]
    private static partial Regex LemmaLine();

    /// <summary>The table rows: primitive → (verdict, resources or null).</summary>
    static Dictionary<string, (string Verdict, long? Resources)> Lemmas(string stdout) =>
        LemmaLine().Matches(stdout).ToDictionary(m => m.Groups[1].Value,
            m => (m.Groups[2].Value, m.Groups[3].Success ? long.Parse(m.Groups[3].Value, System.Globalization.CultureInfo.InvariantCulture) : (long?)null));

    static void AssertHonest(CliProcess.Result r, Dictionary<string, (string Verdict, long? Resources)> reference, string when)
    {
        Assert.True(r.ExitCode is 0 or 130, $"SIGINT {when}: exit {r.ExitCode} (139 = SIGSEGV, 134 = abort); stderr: {r.Err}");
        Assert.DoesNotContain("   at ", r.Out + r.Err);
        var lemmas = Lemmas(r.Out);
        foreach (var (prim, (verdict, resources)) in lemmas.Where(l => l.Value.Verdict == "PROVED"))
            Assert.True(resources == reference[prim].Resources,
                $"SIGINT {when}: {prim} reported PROVED with {resources} resource units, an uninterrupted run needs {reference[prim].Resources} (a query was interrupted and redone)");
        if (r.ExitCode == 0)
            Assert.Equal(reference.Keys.Order(), lemmas.Where(l => l.Value.Verdict == "PROVED").Select(l => l.Key).Order());
        else
        {
            // before the tool is up, the runtime's default action ends it (130, nothing finished, nothing printed)
            if (r.Out.Length > 0) Assert.Contains("interrupted", r.Out + r.Err, StringComparison.OrdinalIgnoreCase);
            Assert.True(lemmas.Count(l => l.Value.Verdict == "PROVED") < reference.Count, $"SIGINT {when}: exit 130 but every lemma PROVED");
        }
    }

    [SolverFact("libz3")]
    public void CtrlCDuringProveExits130AndNeverCallsAnInterruptedLemmaProved()
    {
        var full = CliProcess.Run("prove", "--layers", "vmcsinit:pvmxintro");
        Assert.Equal(0, full.ExitCode);
        var reference = Lemmas(full.Out);
        Assert.Equal(6, reference.Count(l => l.Value.Verdict == "PROVED" && l.Value.Resources > 0));

        // at fixed times: during start-up and in the middle of the run
        foreach (int ms in new[] { 50, 1500 })
        {
            using var run = CliProcess.Start("prove", "--layers", "vmcsinit:pvmxintro");
            Thread.Sleep(ms);
            run.Interrupt();
            AssertHonest(run.Finish(), reference, $"after {ms} ms");
        }

        // once the first lemma is done: the others are still running, so the run must stop
        using (var run = CliProcess.Start("prove", "--layers", "vmcsinit:pvmxintro"))
        {
            Assert.True(run.WaitForStderr(@"[1-5]/6 lemmas"), "prove should report its progress on stderr when piped");
            run.Interrupt();
            var r = run.Finish();
            AssertHonest(r, reference, "after the first lemma");
            Assert.Equal(130, r.ExitCode);
            Assert.Contains(Lemmas(r.Out), l => l.Value.Verdict == "PROVED");
        }
    }
}
