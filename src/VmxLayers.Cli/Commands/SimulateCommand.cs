using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Spectre.Console;
using VmxLayers.Cli.Output;
using VmxLayers.Code.Elf;
using VmxLayers.Code.Layering;
using VmxLayers.Layers;
using VmxLayers.Cosim;
using VmxLayers.Guest;
using VmxLayers.Mutants;
using VmxLayers.Spec;

namespace VmxLayers.Cli.Commands;

/// <summary>`vmxlayers simulate`: CPUs run IA-32 guests through VM exits on both layers in lockstep (docs/cosim.md).</summary>
public static class SimulateCommand
{
    sealed record Parsed(SimulateOptions Options, bool Json, string? Report = null, DateTimeOffset? ReportDate = null);

    /// <summary>Console lines shown per CPU in the text summary.</summary>
    const int MaxLines = 8;

    static readonly Option<string?> cpus = Text("--cpus", "N", "Number of CPUs (TOTAL_CPU), 1..1024. Default 4.");
    static readonly Option<string[]> guests = new("--guest")
    {
        Description = "A shipped guest (" + string.Join(", ", GuestLibrary.Names) + ") or a file: an ELF32 i386 executable or a flat binary loaded at 0x1000 (FILE.expected next to it gives its expected output). " +
            "Repeat to assign several round robin across CPUs. Default: hello, fib, sieve, regs round robin.",
        HelpName = "NAME|FILE",
        Arity = ArgumentArity.ZeroOrMore,
    };
    static readonly Option<string?> exits = Text("--exits", "K", "Stop after K VM exits in total; guests that end are restarted from scratch. Default: every guest runs once to its end.");
    static readonly Option<string?> interleave = Text("--interleave", "rr|random", "How CPUs take turns, one primitive at a time: round robin (rr, default) or random.");
    static readonly Option<string?> seed = Text("--seed", "S", "Seed of the random interleaving (default 1).");
    static readonly Option<string?> mutant = Text("--mutant", "NAME", "Run with a compiled-in mutant (see the mutant catalog), e.g. exit-skips-edi-store.");
    static readonly Option<string?> fullEvery = Text("--full-check-every", "N", "Full relation check every N exits (default 250 per CPU: 1000 for 4 CPUs); the incremental check runs after every step.");
    static readonly Option<string?> guestBudget = Text("--guest-budget", "N", "Guest instructions allowed between two exits before the guest counts as stuck (a guest fault). Default 10,000,000.");
    static readonly Option<string?> guestMemory = Text("--guest-memory", "SIZE", "Memory of each guest in bytes, or with a K or M suffix (KiB, MiB), 4K..1024M; the stack starts at its top. Default 64K.");
    static readonly Option<string[]> impl = new("--impl")
    {
        Description = "Three layers: each CPU's host runs the machine code of its primitive calls (`code`: the built-in impl/vmx.o; or ELF32 objects, impl/vmx.o giving the primitives they leave out; repeatable) " +
            "in lockstep under VMCSInit and PVMXIntro, code ⊑ VMCSInit's relation checked after every call beside the layer pair's.",
        HelpName = "code|FILE.o", Arity = ArgumentArity.OneOrMore,
    };
    static readonly Option<bool> json = new("--json") { Description = "Print the report as one JSON document." };
    static readonly Option<string?> report = ReportFile.Option();
    static readonly Option<string?> reportDate = ReportFile.DateOption();

    static Option<string?> Text(string name, string helpName, string description) =>
        new(name) { Description = description, HelpName = helpName, Arity = ArgumentArity.ZeroOrOne };

    const string Name = "simulate";

    public static Command Create()
    {
        var command = new Command(Name,
            "Run IA-32 guests on several CPUs through VM exits, the host using only PVMXIntro primitives, both layers in lockstep; " +
            "the relation is checked after every primitive. Exit 0 iff related throughout and every guest with an expected output printed it; " +
            "1 on an unrelated step or a wrong output; 2 on bad options or an unloadable guest; 4 when a guest faulted (an instruction outside the set, " +
            "a memory access outside guest memory, a divide error, the budget exhausted); 130 on Ctrl-C (what ran is summarised).")
        {
            cpus, guests, exits, interleave, seed, mutant, fullEvery, guestBudget, guestMemory, impl, json, report, reportDate,
        };
        command.SetAction(Run);
        return command;
    }

    static int Run(ParseResult result)
    {
        if (Parse(result, out var error) is not { } parsed) return Bad(error!);
        SimulationReport report;
        var timeline = new SimulationTimeline();
        parsed = parsed with { Options = parsed.Options with { ProgressInterval = SimulationTimeline.Interval } };
        try
        {
            report = parsed.Json || Console.IsOutputRedirected || Console.IsErrorRedirected ? RunPlain(parsed, timeline) : RunWithProgressBar(parsed.Options, timeline);
        }
        catch (GuestLoadException e) { return Bad($"--guest {e.Message}"); }
        var doc = parsed.Json || parsed.Report is not null ? Document(report, timeline) : null;
        if (parsed.Json) Console.WriteLine(JsonReport.Text(doc!));
        else PrintSummary(report);
        if (parsed.Report is { } file && ReportFile.Write(file, doc!, parsed.ReportDate) is { } reportError) Errors.Line(Name, reportError);
        if (report.Failure?.Kind == FailureKind.GuestFault)
        {
            Console.Error.WriteLine($"simulate: guest fault on {report.Failure.Where}: {report.Failure.Clause}");
            return ExitCodes.GuestFault;
        }
        return report.Interrupted ? ExitCodes.Interrupted : report.Passed ? ExitCodes.Ok : ExitCodes.Failed;
    }

    static int Bad(string message) => Errors.Bad(Name, message);

    static Parsed? Parse(ParseResult r, out string? error)
    {
        error = null;
        var o = new SimulateOptions { Cancel = Interrupts.Token };
        if (Value(r, cpus) is { } c) { if (!Int(c, 1, 1024, out int n)) { error = $"--cpus: expected an integer in 1..1024, got '{c}'"; return null; } o = o with { Cpus = n }; }
        if (Value(r, exits) is { } k)
        {
            if (!System.Numerics.BigInteger.TryParse(k, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var big) || big < 1) { error = $"--exits: expected a positive integer, got '{k}'"; return null; }
            if (big > long.MaxValue) { error = $"--exits: {k} is too large (at most {long.MaxValue})"; return null; }
            o = o with { MaxExits = (long)big };
        }
        if (Value(r, interleave) is { } i)
        {
            if (i is not ("rr" or "random")) { error = $"--interleave: expected rr or random, got '{i}'"; return null; }
            o = o with { Interleave = i == "rr" ? Interleave.RoundRobin : Interleave.Random };
        }
        if (Value(r, seed) is { } s) { if (!Int(s, int.MinValue, int.MaxValue, out int n)) { error = $"--seed: expected a 32-bit integer, got '{s}'"; return null; } o = o with { Seed = n }; }
        if (Value(r, guestBudget) is { } b) { if (!long.TryParse(b, NumberStyles.None, CultureInfo.InvariantCulture, out long n) || n < 1) { error = $"--guest-budget: expected a positive integer, got '{b}'"; return null; } o = o with { GuestBudget = n }; }
        if (Value(r, guestMemory) is { } gm) { if (MemorySize(gm) is not { } n) { error = $"--guest-memory: expected a size of 4K..1024M (bytes, or with a K or M suffix), got '{gm}'"; return null; } o = o with { GuestMemory = n }; }
        if (Value(r, fullEvery) is { } f) { if (!Int(f, 1, int.MaxValue, out int n)) { error = $"--full-check-every: expected a positive integer, got '{f}'"; return null; } o = o with { FullCheckEvery = n }; }
        if (Value(r, mutant) is { } m)
        {
            if (!MutantCatalog.TryParse(m, out var mu)) { error = $"--mutant: unknown mutant '{m}' (known: {string.Join(", ", MutantCatalog.All.Select(x => x.Name))})"; return null; }
            o = o with { Refinement = mu.On(o.Refinement), MutantName = mu.Name };
        }
        if (r.GetResult(impl) is not null && Code(r.GetValue(impl) ?? [], o.Refinement, out error) is { } code) o = o with { Code = code };
        else if (error is not null) return null;
        var g = r.GetValue(guests) ?? [];
        if (r.GetResult(guests) is not null && g.Length == 0) { error = "--guest: expected a guest name or a .bin file"; return null; }
        foreach (var name in g)
        {
            if (Directory.Exists(name)) { error = $"--guest {name}: is a directory"; return null; }
            if (!GuestLibrary.Contains(name) && !File.Exists(name)) { error = $"--guest: '{name}' is neither a shipped guest ({string.Join(", ", GuestLibrary.Names)}) nor an existing file"; return null; }
        }
        // Guests go to CPUs round robin: more guests than CPUs would silently leave some unrun.
        if (g.Length > o.Cpus) { error = $"--guest: {g.Length} guests for {o.Cpus} CPU(s); each CPU runs one guest (raise --cpus, or give fewer guests)"; return null; }
        o = o with { Guests = g };
        if (ReportFile.Check(r.GetValue(report), r.GetValue(reportDate), out var date) is { } badReport) { error = badReport; return null; }
        return new Parsed(o, r.GetValue(json), r.GetValue(report), date);
    }

    /// <summary>The code refinement of --impl (`code` alone: impl/vmx.o), checked to compose over the layers run; null and the error line otherwise.</summary>
    static RefinementDef? Code(string[] files, RefinementDef layers, out string? error)
    {
        error = null;
        RefinementDef code;
        if (files is ["code"]) code = CodeLayer.Default;
        else if (files.Contains("code")) { error = "--impl: `code` (the built-in impl/vmx.o) cannot be combined with object files"; return null; }
        else
        {
            try { code = CodeTrace.FromFiles(files); }
            catch (ObjectFileError e) { error = $"--impl: {e.Message}"; return null; }
        }
        try { _ = new ComposedRefinement(code, layers); }
        catch (ArgumentException e) { error = $"--impl: the code runs under VMCSInit's specs, which this mutant changes ({e.Message})"; return null; }
        return code;
    }

    /// <summary>"65536", "64K", "64KiB", "16M", "16MiB" → bytes within 4 KiB..1 GiB, else null.</summary>
    public static int? MemorySize(string s)
    {
        string t = s.Trim();
        long unit = 1;
        foreach (var (suffix, u) in new[] { ("KiB", 1L << 10), ("MiB", 1L << 20), ("K", 1L << 10), ("M", 1L << 20) })
            if (t.EndsWith(suffix, StringComparison.OrdinalIgnoreCase)) { t = t[..^suffix.Length]; unit = u; break; }
        if (!long.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out long n) || n > GuestCpu.MaxMemorySize) return null;
        long bytes = n * unit;
        return bytes is >= 4096 and <= GuestCpu.MaxMemorySize ? (int)bytes : null;
    }

    /// <summary>The option's text; an option given without a value yields "" so it is reported as bad.</summary>
    static string? Value(ParseResult r, Option<string?> option) => r.GetResult(option) is null ? null : r.GetValue(option) ?? "";

    static bool Int(string s, int min, int max, out int n) =>
        int.TryParse(s, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out n) && n >= min && n <= max;

    static SimulationReport RunPlain(Parsed p, SimulationTimeline timeline)
    {
        long nextLine = 1000;
        return CoSimulation.Run(p.Options, progress =>
        {
            timeline.Add(progress);
            if (progress.Elapsed.TotalMilliseconds < nextLine) return;
            nextLine = (long)progress.Elapsed.TotalMilliseconds + 1000;
            Console.Error.WriteLine($"vmxlayers simulate: {progress.Exits:N0}{(progress.MaxExits is { } k ? $"/{k:N0}" : "")} exits, {progress.PrimitiveCalls:N0} checked calls, {progress.Elapsed.TotalSeconds:F1} s");
        });
    }

    static SimulationReport RunWithProgressBar(SimulateOptions options, SimulationTimeline timeline)
    {
        SimulationReport? report = null;
        AnsiConsole.Progress().AutoClear(true).Start(ctx =>
        {
            var task = ctx.AddTask("exits", maxValue: options.MaxExits ?? 1);
            if (options.MaxExits is null) task.IsIndeterminate = true;
            report = CoSimulation.Run(options, p =>
            {
                timeline.Add(p);
                task.Description = $"{p.Exits:N0} exits, {p.PrimitiveCalls:N0} checked calls";
                if (p.MaxExits is not null) task.Value = p.Exits;
            });
            task.StopTask();
        });
        return report!;
    }

    static void PrintSummary(SimulationReport r)
    {
        var o = r.Options;
        var w = Console.Out;
        w.WriteLine($"simulate: {o.Cpus} CPU(s), interleave {(o.Interleave == Interleave.RoundRobin ? "rr" : $"random (seed {o.Seed})")}, mutant {o.MutantName ?? "none"}" +
            (o.MaxExits is { } k ? $", exit cap {k:N0} (ended guests restart)" : ", every guest runs once"));
        w.WriteLine($"exits: {r.Exits:N0} ({string.Join(", ", r.ExitsByReason.Select(kv => $"{kv.Key} {kv.Value:N0}"))})");
        if (o.Code is { } code) w.WriteLine($"layers: {o.Refinement.Upper.Name} over {o.Refinement.Lower.Name} over {code.Lower.Name}; {r.CodeCalls:N0} calls of the machine code, each checked by {code.Name}'s relation");
        w.WriteLine($"primitives: {r.PrimitiveCalls:N0} checked calls on {(o.Code is null ? "both" : "all three")} layers ({string.Join(", ", r.PrimitiveCallsByName.Select(kv => $"{kv.Key} {kv.Value:N0}"))}); vmcs_readz passthrough {r.PassthroughCalls:N0}; guest steps {r.GuestSteps:N0}");
        w.WriteLine($"guests: {r.GuestInstructions:N0} instructions, {r.GuestMips:N1} MIPS while interpreting ({r.GuestTime.TotalSeconds:F2} s); " +
            $"budget {o.GuestBudget:N0} instructions between exits, {o.GuestMemory / 1024:N0} KiB of memory each");
        w.WriteLine($"relation checks: {r.Checks.Incremental:N0} incremental (after every step: {r.Checks.Slots:N0} slots, {r.Checks.VmcsFields:N0} VMCS fields), {r.Checks.Full:N0} full");
        w.WriteLine($"throughput: {r.CallsPerSecond:N0} checked primitive calls/s, {r.ExitsPerSecond:N0} exits/s ({r.Elapsed.TotalSeconds:F2} s wall); " +
            $"per CPU-second: {r.CallsPerCpuSecond:N0} calls/s, {r.ExitsPerCpuSecond:N0} exits/s ({r.CpuTime.TotalSeconds:F2} s CPU); " +
            $"allocated {r.AllocatedPerCall:N0} B per call");
        w.WriteLine($"memory: managed heap {Mb(r.ManagedBytes)} at the end, peak working set {Mb(r.PeakWorkingSet)}" +
            (r.Heap.Count > 0 ? $"; heap every {r.Heap.Interval:N0} exits ({r.Heap.Count} samples): first {Mb(r.Heap.First)}, min {Mb(r.Heap.Min)}, max {Mb(r.Heap.Max)}, last {Mb(r.Heap.Last)}" : ""));
        foreach (var c in r.Cpus)
        {
            string verdict = Verdict(r, c);
            w.WriteLine($"CPU {c.Cpu} ({c.Guest}): {c.CompletedRuns:N0} completed run(s), {c.Exits:N0} exits, {verdict}");
            var lines = c.Output.TrimEnd('\n').Split('\n');
            foreach (var line in lines.Take(MaxLines)) w.WriteLine($"  | {line}");
            if (lines.Length > MaxLines) w.WriteLine($"  | ... ({lines.Length - MaxLines} more lines; --json prints all)");
        }
        if (r.Failure is { } f)
        {
            w.WriteLine($"FAILED ({f.Kind}): {f.Where}, step {f.Step}");
            w.WriteLine($"  clause: {f.Clause}");
            if (f.High is not null) w.WriteLine($"  high:   {f.High}");
            if (f.Low is not null) w.WriteLine($"  low:    {f.Low}");
        }
        else if (r.Interrupted) w.WriteLine($"INTERRUPTED (Ctrl-C) after {r.Exits:N0} exits: related after every step so far");
        else w.WriteLine(OkLine(r));
    }

    /// <summary>Only what was checked: a guest without an expected output, or one still running at the exit cap, is not said to have printed its output.</summary>
    static string OkLine(SimulationReport r)
    {
        int n = r.Cpus.Count, matched = r.Cpus.Count(c => c.ExpectedOutput is not null && c.CompletedRuns > 0);
        int none = r.Cpus.Count(c => c.ExpectedOutput is null), running = n - matched - none;
        if (matched == n) return "OK: related after every step, every guest printed its expected output";
        return $"OK: related after every step; {matched} of {n} guest(s) printed their expected output" +
            (none > 0 ? $", {none} without an expected output (not checked)" : "") +
            (running > 0 ? $", {running} still running at the exit cap (correct so far)" : "");
    }

    /// <summary>What one CPU's guest got to: a guest that ended is never "in progress".</summary>
    static string Verdict(SimulationReport r, CpuReport c)
    {
        if (r.Failure is { } f && f.Cpu == c.Cpu) return "stopped by the failure below";
        if (c.ExpectedOutput is null) return c.CompletedRuns > 0 ? "ended (no expected output to check)" : "no expected output (run in progress)";
        if (c.CompletedRuns > 0) return "output as expected";
        return r.Failure is not null || r.Interrupted ? "stopped in its first run (output correct so far)" : "run in progress at the exit cap (output correct so far)";
    }

    static string Mb(long bytes) => $"{bytes / 1048576.0:F1} MB";

    /// <summary>The --json document (what --report shows): the run's figures, its options, its progress over time, the command line.</summary>
    static System.Text.Json.Nodes.JsonObject Document(SimulationReport r, SimulationTimeline timeline)
    {
        var doc = System.Text.Json.Nodes.JsonNode.Parse(ReportJson(r))!.AsObject();
        doc["interleave"] = r.Options.Interleave == Interleave.RoundRobin ? "rr" : "random";
        doc["seed"] = r.Options.Interleave == Interleave.Random ? r.Options.Seed : null;
        doc["maxExits"] = r.Options.MaxExits;
        doc["timeline"] = timeline.Json();
        return RunInfo.AddTo(doc);
    }

    static string ReportJson(SimulationReport r) => JsonSerializer.Serialize(new Dictionary<string, object?>
    {
        ["tool"] = new Dictionary<string, string> { ["name"] = "vmxlayers", ["version"] = ToolInfo.Version, ["commit"] = ToolInfo.Commit },
        ["command"] = Name,
        ["passed"] = r.Passed,
        ["interrupted"] = r.Interrupted,
        ["exitCode"] = r.Interrupted ? ExitCodes.Interrupted : r.Passed ? ExitCodes.Ok : ExitCodes.Failed,
        ["related"] = r.Related,
        ["failure"] = r.Failure is { } f ? new Dictionary<string, object?> { ["kind"] = f.Kind.ToString(), ["cpu"] = f.Cpu, ["step"] = f.Step, ["clause"] = f.Clause, ["high"] = f.High, ["low"] = f.Low } : null,
        ["cpus"] = r.Options.Cpus,
        ["mutant"] = r.Options.MutantName,
        ["code"] = r.Options.Code is { } code ? new Dictionary<string, object?> { ["layer"] = code.Lower.Name, ["refinement"] = code.Name, ["calls"] = r.CodeCalls } : null,
        ["exits"] = r.Exits,
        ["exitsByReason"] = r.ExitsByReason,
        ["primitiveCalls"] = r.PrimitiveCalls,
        ["primitiveCallsByName"] = r.PrimitiveCallsByName,
        ["passthroughCalls"] = r.PassthroughCalls,
        ["guestSteps"] = r.GuestSteps,
        ["guestInstructions"] = r.GuestInstructions,
        ["guestSeconds"] = r.GuestTime.TotalSeconds,
        ["guestMips"] = r.GuestMips,
        ["relationChecks"] = new Dictionary<string, long> { ["incremental"] = r.Checks.Incremental, ["slots"] = r.Checks.Slots, ["vmcsFields"] = r.Checks.VmcsFields, ["full"] = r.Checks.Full },
        ["elapsedSeconds"] = r.Elapsed.TotalSeconds,
        ["callsPerSecond"] = r.CallsPerSecond,
        ["exitsPerSecond"] = r.ExitsPerSecond,
        ["cpuSeconds"] = r.CpuTime.TotalSeconds,
        ["callsPerCpuSecond"] = r.CallsPerCpuSecond,
        ["exitsPerCpuSecond"] = r.ExitsPerCpuSecond,
        ["allocatedBytesPerCall"] = Math.Round(r.AllocatedPerCall, 1),
        ["managedBytes"] = r.ManagedBytes,
        ["peakWorkingSet"] = r.PeakWorkingSet,
        ["heapSamples"] = new Dictionary<string, long> { ["interval"] = r.Heap.Interval, ["count"] = r.Heap.Count, ["first"] = r.Heap.First, ["min"] = r.Heap.Min, ["max"] = r.Heap.Max, ["last"] = r.Heap.Last },
        ["guests"] = r.Cpus.Select(c => new Dictionary<string, object?> { ["cpu"] = c.Cpu, ["guest"] = c.Guest, ["completedRuns"] = c.CompletedRuns, ["exits"] = c.Exits, ["guestInstructions"] = c.GuestInstructions, ["output"] = c.Output }).ToArray(),
    });
}
