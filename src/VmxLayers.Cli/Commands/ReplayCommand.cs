using System.CommandLine;
using VmxLayers.Cli.Output;
using VmxLayers.Code.Elf;
using VmxLayers.Code.Layering;
using VmxLayers.Layers;
using VmxLayers.Constants;
using VmxLayers.Machine;
using VmxLayers.Mutants;
using VmxLayers.Scenarios;
using VmxLayers.Semantics;
using VmxLayers.Spec.Concrete;

namespace VmxLayers.Cli.Commands;

/// <summary>`vmxlayers replay FILE [--json]`: run a scenario on both layers in lockstep (SPEC §6, docs/scenarios.md).</summary>
public static class ReplayCommand
{
    static readonly Argument<string?> file = new("FILE")
    {
        Description = "The scenario: {\"cpus\": N, \"init\": {…}, \"steps\": […]} (the format: docs/scenarios.md; at most 16 MiB of UTF-8).",
        Arity = ArgumentArity.ZeroOrOne,
    };
    static readonly Option<bool> json = new("--json") { Description = "Print the JSON document of docs/scenarios.md (steps, final states of both layers, related, tool) instead of text." };
    static readonly Option<string?> mutant = new("--mutant")
    {
        Description = "Replay with a compiled-in mutant (overrides the scenario's \"mutant\"), e.g. exit-skips-edi-store.",
        HelpName = "NAME",
        Arity = ArgumentArity.ZeroOrOne,
    };
    static readonly Option<string[]> impl = new("--impl")
    {
        Description = "Run these ELF32 objects' machine code as the low layer (impl/vmx.o gives the primitives they leave out): PVMXIntro over the code, through VMCSInit's relation; repeatable; overrides the file's \"impl\".",
        HelpName = "FILE.o",
        Arity = ArgumentArity.ZeroOrMore,
    };
    static readonly Option<string?> report = ReportFile.Option();
    static readonly Option<string?> reportDate = ReportFile.DateOption();

    const string Name = "replay";

    public static Command Create()
    {
        var command = new Command(Name,
            "Replay a scenario on the high (PVMXIntro) and low (VMX over VMCSInit) layers in lockstep, checking the relation " +
            "initially and after every step. Exit 0 iff related throughout, 1 if not, 2 on bad input (one line: file, JSON path, what was expected), " +
            "130 on Ctrl-C (the steps that ran are printed).")
        {
            file, json, mutant, report, reportDate, impl,
        };
        command.SetAction(Run);
        return command;
    }

    static int Run(ParseResult r)
    {
        if (r.GetValue(file) is not { } path) return Errors.Bad(Name, "missing FILE (a scenario JSON file; see replay --help)");
        if (r.GetResult(mutant) is not null && string.IsNullOrEmpty(r.GetValue(mutant))) return Errors.Bad(Name, "--mutant: expected a mutant name (see `vmxlayers mutants --list`)");
        if (ReportFile.Check(r.GetValue(report), r.GetValue(reportDate), out var date) is { } badReport) return Errors.Bad(Name, badReport);
        Scenario s;
        try { s = ScenarioParser.ParseFile(path); }
        catch (ScenarioError e) { return Errors.Bad(Name, e.Format(path)); }
        if (r.GetValue(mutant) is { } name)
        {
            if (!MutantCatalog.TryParse(name, out var m)) return Errors.Bad(Name, $"--mutant: unknown mutant '{name}' (known: {string.Join(", ", MutantCatalog.All.Select(x => x.Name))})");
            s = s with { Mutant = m.Name };
        }
        RefinementDef? basis = null;
        // --impl overrides the file's "impl", whose paths are relative to the scenario
        string[] files = r.GetValue(impl) is { Length: > 0 } given ? given
            : [.. s.Impl.Select(f => Path.Combine(Path.GetDirectoryName(Path.GetFullPath(path)) ?? "", f))];
        if (files.Length > 0)
        {
            try { basis = CodeLayer.OverPVMXIntro(CodeTrace.FromFiles(files)); }
            catch (ObjectFileError e) { return Errors.Bad(Name, $"--impl: {e.Message}"); }
        }
        var result = ProgressLine.Run(Name, report => ScenarioReplay.Run(s, basis, cancel: Interrupts.Token, progress: k => { if ((k & 255) == 0) report($"step {k:N0}/{s.Steps.Length:N0}"); }));
        var doc = r.GetValue(json) || r.GetValue(report) is not null ? Json(path, s, result) : null;
        if (r.GetValue(json)) Console.WriteLine(JsonPretty.Write(doc!));
        else PrintText(path, s, result);
        if (r.GetValue(report) is { } reportFile && ReportFile.Write(reportFile, doc!, date) is { } reportError) Errors.Line(Name, reportError);
        return result.Interrupted ? ExitCodes.Interrupted : result.Related ? ExitCodes.Ok : ExitCodes.Failed;
    }

    /// <summary>The document of docs/scenarios.md, with what a report shows besides: each step as text and why it is unrelated, and the view where the relation first fails.</summary>
    static System.Text.Json.Nodes.JsonObject Json(string path, Scenario s, ReplayResult result)
    {
        var doc = ReplayJson.Document(result);
        if (result.Interrupted) doc["interrupted"] = true;
        doc["tool"] = ToolInfo.Json();
        doc["command"] = Name;
        doc["scenario"] = path;
        doc["description"] = s.Description;
        doc["mutant"] = s.Mutant;
        // SPEC §6 fixes the steps' members: the report's text of each step and why it is unrelated go alongside.
        doc["stepDetails"] = new System.Text.Json.Nodes.JsonArray([.. result.Steps.Select(x => (System.Text.Json.Nodes.JsonNode)new System.Text.Json.Nodes.JsonObject
        {
            ["text"] = Call(x.Step), ["unrelated"] = x.Unrelated,
        })]);
        doc["view"] = ReplayView.Of(s, result);
        return RunInfo.AddTo(doc);
    }

    static void PrintText(string path, Scenario s, ReplayResult r)
    {
        var o = Console.Out;
        o.WriteLine($"scenario {path}: {s.TotalCpu} CPU(s), {s.Steps.Length} step(s){(s.Mutant is null ? "" : $", mutant {s.Mutant}")}");
        if (s.Description is { } d) o.WriteLine($"  {d}");
        o.WriteLine(r.InitialUnrelated is null ? "initial state: related" : $"initial state: NOT related: {r.InitialUnrelated}");
        foreach (var step in r.Steps)
        {
            o.WriteLine($"[{step.Index}] cpu {step.Step.Cpu}: {Call(step.Step)}");
            o.WriteLine($"    high: {Side(step, step.High, high: true)}");
            o.WriteLine($"    low:  {Side(step, step.Low, high: false)}");
            o.WriteLine(step.Related ? "    related" : $"    NOT related: {step.Unrelated}");
        }
        o.WriteLine(r.Related ? $"verdict: RELATED throughout ({r.Steps.Length} step(s))"
            : r.InitialUnrelated is not null || r.Steps.Any(x => !x.Related)
                ? $"verdict: NOT RELATED ({(r.InitialUnrelated is not null ? "initial state" : $"first at step {r.Steps.First(x => !x.Related).Index}")})"
                : $"verdict: INTERRUPTED (Ctrl-C) after {r.Steps.Length} of {s.Steps.Length} step(s), related so far");
    }

    static string Call(ScenarioStep step) => step switch
    {
        CallStep { Prim.IsAsm: true } c => $"{c.Prim} with {Defined(c.RegsHigh)}"
            + (c.RegsHigh.Equals(c.RegsLow) ? "" : $" [low gets: {Changed(c.RegsHigh, c.RegsLow)}]"),
        CallStep c => $"{c.Prim}({string.Join(", ", c.ArgsHigh.Select(Text))})"
            + (c.ArgsLow.SequenceEqual(c.ArgsHigh) ? "" : $" [low: ({string.Join(", ", c.ArgsLow.Select(Text))})]"),
        GuestStep g => $"guest exits{(g.Vmcs.IsEmpty ? "" : ": " + string.Join(", ", g.Vmcs.Select(f => $"{VmcsFields.Name(f.Encoding)} = {Text(f.Value)}")))}",
        _ => step.Name,
    };

    /// <summary>The defined registers of an input register set, in Preg order.</summary>
    static string Defined(RegSet rs) => string.Join(", ", PregInfo.All.Where(r => !rs[r].IsUndef).Select(r => $"{r} = {Text(rs[r])}"));

    static string Side(StepResult step, SideOutcome o, bool high)
    {
        if (!o.Ok) return $"no behaviour: {o.Why}";
        var what = step.Step switch
        {
            CallStep { Prim.IsAsm: true } => $"ok, registers changed: {Changed(step.InputRegs(high), o.Regs)}",
            CallStep { Prim.Arity: > 0 } when !o.Ret.IsUndef => $"ok, returns {Text(o.Ret)}",
            CallStep => "ok",
            _ => "ok (hostin, VMCS fields written)",
        };
        // SPEC §6: when the high step fails, the low one is evaluated and reported but not committed.
        return !high && !step.High.Ok ? what + " (not committed: the high step has no behaviour)" : what;
    }

    static string Changed(RegSet before, RegSet after)
    {
        var changed = PregInfo.All.Where(r => before[r] != after[r]).Select(r => $"{r} := {Text(after[r])}").ToList();
        return changed.Count == 0 ? "none" : string.Join(", ", changed);
    }

    /// <summary>A value for humans: 4096, undef, &amp;VMX_LOC+152, ptr(4, 32).</summary>
    public static string Text(Val v) => v.Tag switch
    {
        ValTag.Vundef => "undef",
        ValTag.Vint => v.IntValue.Bits.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ValTag.Vptr => Genv.GlobalOf(v.Block) is { } g ? $"&{g}+{v.Ofs.Bits}" : $"ptr({v.Block}, {v.Ofs.Bits})",
        _ => v.ToString(),
    };
}
