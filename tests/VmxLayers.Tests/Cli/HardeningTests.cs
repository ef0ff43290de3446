using System.Text.Json.Nodes;
using VmxLayers.Cli;
using VmxLayers.Cli.Output;
using VmxLayers.Scenarios;
using VmxLayers.Tests.Scenarios;
using VmxLayers.Tests.Smt.Solvers;

namespace VmxLayers.Tests.Cli;

/// <summary>
/// Issue 15: bounded input, nothing silently dropped, exit codes a script can trust, one error line. Each case ran
/// differently on the tool before (see the commit's table); most run the CLI as a child process, as a user does.
/// </summary>
public class HardeningTests
{
    static string Temp(string suffix = ".json") => Path.Combine(Path.GetTempPath(), $"vmx-harden-{Guid.NewGuid():N}{suffix}");

    /// <summary>An error exit: the code, nothing on stdout, exactly one stderr line with the command's prefix and <paramref name="text"/>.</summary>
    static void OneLineError(CliProcess.Result r, int code, string command, string text)
    {
        Assert.True(code == r.ExitCode, $"exit {r.ExitCode}, expected {code}; stderr: {r.Err}");
        Assert.Equal("", r.Out);
        var lines = r.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var line = Assert.Single(lines);
        Assert.StartsWith($"vmxlayers {command}: ", line);
        Assert.Contains(text, line);
        Assert.DoesNotContain("   at ", line);
    }

    /// <summary>A progress line: "vmxlayers COMMAND: …, 1.0 s".</summary>
    static bool IsProgress(string line) => System.Text.RegularExpressions.Regex.IsMatch(line, @"^vmxlayers \w+: .*, \d+\.\d s$");

    // ---- 2. --save-counterexample ----

    [Fact]
    public void AnUnwritableCounterexamplePathIsRejectedBeforeAnyWork()
    {
        // the check itself would pass: only an up-front check of the path can notice
        OneLineError(CliProcess.Run("check", "--primitive", "vmx_readz", "--budget", "20", "--no-prove", "--save-counterexample", "/no/such/dir/cx.json"),
            2, "check", "--save-counterexample /no/such/dir/cx.json: no such directory");
        OneLineError(CliProcess.Run("check", "--primitive", "vmx_readz", "--budget", "20", "--no-prove", "--save-counterexample", Path.GetTempPath()),
            2, "check", "is a directory");
    }

    [Fact]
    public void AFailedWriteAtTheEndStillPrintsTheResultAndKeepsItsExitCode()
    {
        // /dev/full passes the up-front check (it opens for writing) but every write fails: ENOSPC
        var r = CliProcess.Run("check", "--primitive", "vmx_exit", "--backend", "random", "--no-prove", "--mutant", "exit-skips-edi-store",
            "--shrink-seconds", "0", "--threads", "1", "--json", "--save-counterexample", "/dev/full");
        Assert.Equal(1, r.ExitCode);
        var doc = JsonNode.Parse(r.Out)!;
        Assert.Equal("counterexample", (string?)doc["results"]![0]!["verdict"]);
        Assert.Null(doc["savedCounterexample"]);
        // progress lines (one a second, on a slow machine) are separate: the error is the one other line
        var errors = r.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => !IsProgress(l));
        Assert.Contains("vmxlayers check: --save-counterexample /dev/full: cannot write the counterexample", Assert.Single(errors));
    }

    [SolverFact("libz3")]
    public void TheProversCounterexampleIsSavedAndReplays()
    {
        var file = Temp();
        try
        {
            var r = CliProcess.Run("prove", "--primitive", "vmx_enter_pre", "--mutant", "enter-pre-loads-slot15", "--save-counterexample", file);
            Assert.Equal(1, r.ExitCode);
            Assert.Contains($"first counterexample saved as a scenario: {file}", r.Out);
            var replay = ScenarioReplay.Run(ScenarioParser.ParseFile(file));
            Assert.False(replay.Related, "the prover's counterexample replays to a failure");
        }
        finally { File.Delete(file); }
    }

    [Fact]
    public async Task ConcurrentWritersNeverMixTheirBytes()
    {
        var file = Temp(".txt");
        string a = new('a', 1 << 16), b = new('b', 1 << 15);
        try
        {
            File.WriteAllText(file, a);
            using var stop = new CancellationTokenSource();
            var writers = new[] { a, b }.Select(text => Task.Run(() => { while (!stop.IsCancellationRequested) Assert.Null(AtomicFile.Write(file, text)); })).ToArray();
            for (int k = 0; k < 200; k++)
            {
                var seen = File.ReadAllText(file);
                Assert.True(seen == a || seen == b, $"read {seen.Length} characters mixing the writers ({seen.Count(c => c == 'a')} a, {seen.Count(c => c == 'b')} b)");
            }
            stop.Cancel();
            await Task.WhenAll(writers);
            Assert.Empty(Directory.GetFiles(Path.GetTempPath(), $".{Path.GetFileName(file)}.*"));
        }
        finally { File.Delete(file); }
    }

    // ---- 3. bounded reads ----

    [Fact]
    public void DevicesAndOversizedFilesAreRefusedUnread()
    {
        OneLineError(CliProcess.Run("replay", "/dev/zero"), 2, "replay", "larger than 16,777,216 bytes");
        OneLineError(CliProcess.Run("simulate", "--cpus", "1", "--guest", "/dev/zero"), 2, "simulate", "larger than 67,108,864 bytes");
    }

    // ---- 4. exit codes ----

    [Theory]
    [InlineData("check")]
    [InlineData("prove")]
    [InlineData("replay")]
    [InlineData("simulate")]
    [InlineData("mutants")]
    [InlineData("show")]
    public void EveryHelpDocumentsTheExitCodesWithoutTheStrayArgumentsLine(string command)
    {
        var r = CliProcess.Run(command, "--help");
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("130 interrupted", r.Out);
        Assert.Contains("5 internal error", r.Out);
        Assert.DoesNotContain("additional arguments", r.Out);
    }

    // ---- 5. nothing silently dropped ----

    [Theory]
    [InlineData(new[] { "replay", "EXAMPLE", "--mutant" }, "replay", "--mutant: expected a mutant name")]
    [InlineData(new[] { "simulate", "--cpus", "1", "--guest", "hello", "--guest", "fib" }, "simulate", "2 guests for 1 CPU(s)")]
    [InlineData(new[] { "mutants", "--budget", "5" }, "mutants", "--budget needs --backend random")]
    [InlineData(new[] { "mutants", "--backend", "exhaustive", "--rlimit", "5" }, "mutants", "--rlimit configures the prove backend")]
    [InlineData(new[] { "check", "--backend", "exhaustive", "--budget", "5" }, "check", "--backend exhaustive does not run")]
    [InlineData(new[] { "check", "--no-prove", "--solver", "z3" }, "check", "--no-prove skips")]
    public void AnOptionThatWouldBeIgnoredIsAnError(string[] args, string command, string text)
    {
        args = [.. args.Select(a => a == "EXAMPLE" ? Path.Combine(ScenarioReplayTests.ExamplesDir(), "guard-fails.json") : a)];
        OneLineError(CliProcess.Run(args), 2, command, text);
    }

    // ---- 6. messages ----

    [Theory]
    [InlineData(new[] { "simulate", "--exits", "9223372036854775808" }, "simulate", "--exits: 9223372036854775808 is too large")]
    [InlineData(new[] { "simulate", "--guest", "/tmp" }, "simulate", "--guest /tmp: is a directory")]
    [InlineData(new[] { "replay", "/tmp" }, "replay", "/tmp: $: cannot read the file: is a directory")]
    [InlineData(new[] { "check", "--threads", "2147483647" }, "check", "--threads: 2147483647 is too large")]
    [InlineData(new[] { "check", "--frobnicate" }, "check", "frobnicate")]
    [InlineData(new[] { "prove", "--rlimit", "-1" }, "prove", "--rlimit")]
    public void AnErrorIsOneLineWithTheCommandsPrefix(string[] args, string command, string text) =>
        OneLineError(CliProcess.Run(args), 2, command, text);

    [Fact]
    public void AnEscapeInAnEchoedKeyReachesTheTerminalEscaped()
    {
        var file = Temp();
        try
        {
            File.WriteAllText(file, "{\"cpus\": 1, \"init\": {\"\\u001b]0;pwned\\u0007\": 1}, \"steps\": []}");
            var r = CliProcess.Run("replay", file);
            OneLineError(r, 2, "replay", "\\u001B]0;pwned\\u0007");
            Assert.DoesNotContain('\u001b', r.Err);
        }
        finally { File.Delete(file); }
    }

    [Fact]
    public void SimulateClaimsOnlyWhatItChecked()
    {
        // more CPUs than the default guests' exits: most guests never finish a run within 3 exits
        var r = CliProcess.Run("simulate", "--cpus", "8", "--exits", "3");
        Assert.Equal(0, r.ExitCode);
        Assert.DoesNotContain("every guest printed its expected output", r.Out);
        Assert.Contains("still running at the exit cap", r.Out);
    }

    // ---- 7. reproducibility ----

    [Fact]
    public void APassingRandomRunPrintsOneMasterSeedThatReproducesItOnAnyNumberOfThreads()
    {
        var first = JsonNode.Parse(CliProcess.Run("check", "--primitive", "vmx_writez", "--backend", "random", "--no-prove", "--budget", "300", "--threads", "2", "--json").Out)!;
        string seed = (string)first["seed"]!;
        var again = JsonNode.Parse(CliProcess.Run("check", "--primitive", "vmx_writez", "--backend", "random", "--no-prove", "--budget", "300", "--threads", "1", "--seed", seed, "--json").Out)!;
        foreach (var key in new[] { "cases", "hypothesisHeld", "highSucceeded" })
            Assert.Equal((long)first["results"]![0]![key]!, (long)again["results"]![0]![key]!);
        Assert.Equal(seed, (string?)again["seed"]);
        Assert.Contains($"master seed {seed}", (string?)first["results"]![0]!["scope"]);
    }
}

/// <summary>SPEC §7 exit 5 in-process: the hook makes the command throw as a bug would (console swapped: joins the Console collection).</summary>
[Collection("Console")]
public class InternalErrorTests
{
    [Fact]
    public void AnInternalErrorIsExitFiveWithOneLineSayingItIsABug()
    {
        TextWriter err0 = Console.Error, out0 = Console.Out;
        var err = new StringWriter();
        Console.SetError(err);
        Console.SetOut(TextWriter.Null);
        CliApp.BeforeCommand = _ => throw new InvalidOperationException("something the tool did not expect");
        try { Assert.Equal(5, CliApp.Run(["show", "vmcs"])); }
        finally { CliApp.BeforeCommand = null; Console.SetError(err0); Console.SetOut(out0); }
        var line = Assert.Single(err.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("vmxlayers show vmcs: internal error (a bug of vmxlayers", line);
        Assert.Contains("something the tool did not expect", line);
    }
}

/// <summary>Item 7 in-process (cheaper than six child processes): every --json document names the tool; check and prove share conventions.</summary>
[Collection("Console")]
public class JsonConventionTests
{
    static string Run(string[] args)
    {
        TextWriter out0 = Console.Out, err0 = Console.Error;
        var o = new StringWriter();
        Console.SetOut(o);
        Console.SetError(TextWriter.Null);
        try { CliApp.Run(args); }
        finally { Console.SetOut(out0); Console.SetError(err0); }
        return o.ToString();
    }

    [SolverFact("libz3")]
    public void EveryJsonDocumentCarriesTheToolAndCheckAndProveShareTheirConventions()
    {
        var example = Path.Combine(ScenarioReplayTests.ExamplesDir(), "guard-fails.json");
        string[][] runs =
        [
            ["check", "--primitive", "vmx_enter_pre", "--budget", "20", "--json"], ["prove", "--primitive", "vmx_enter_pre", "--json"],
            ["replay", example, "--json"], ["simulate", "--cpus", "1", "--guest", "hello", "--json"], ["mutants", "--list", "--json"], ["show", "vmcs", "--json"],
        ];
        var docs = runs.Select(a => JsonNode.Parse(Run(a))!.AsObject()).ToList();
        foreach (var d in docs)
        {
            Assert.Equal("vmxlayers", (string?)d["tool"]!["name"]);
            Assert.Matches(@"^\d+\.\d+\.\d+", (string?)d["tool"]!["version"]);
            Assert.Matches("^([0-9a-f]{40}(-dirty)?|unknown)$", (string?)d["tool"]!["commit"]);
        }
        var (check, prove) = (docs[0], docs[1]);
        Assert.True(check.ContainsKey("mutant") && check["mutant"] is null);
        Assert.True(prove.ContainsKey("mutant") && prove["mutant"] is null);
        var a = check["proofs"]![0]!.AsObject();
        var b = prove["lemmas"]![0]!.AsObject();
        Assert.Equal(a.Select(p => p.Key), b.Select(p => p.Key));
        Assert.Equal((string?)a["verdict"], (string?)b["verdict"]);
        Assert.Equal((long)a["resources"]!, (long)b["resources"]!);
    }
}
