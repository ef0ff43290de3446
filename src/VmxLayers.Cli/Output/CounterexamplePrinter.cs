using Spectre.Console;
using VmxLayers.Cases;
using VmxLayers.Checking;
using VmxLayers.Constants;
using VmxLayers.Machine;
using VmxLayers.Semantics;
using VmxLayers.Spec;

namespace VmxLayers.Cli.Output;

/// <summary>Prints a counterexample as a readable diff: the call, the failed guard, the violated clauses, high vs low place by place.</summary>
public static class CounterexamplePrinter
{
    /// <param name="options">Options the reproducing command line needs besides the seed (e.g. "--impl my.o").</param>
    public static void Print(IAnsiConsole console, Counterexample cx, string? mutant = null, string? options = null)
    {
        var c = cx.Case;
        var o = cx.Outcome;
        console.MarkupLine($"[red bold]counterexample[/] for [bold]{c.Prim}[/] ({cx.Backend.ToString().ToLowerInvariant()}{(cx.Seed is { } s ? $", {Markup.Escape(Reproduce(cx, s, mutant, options))}" : "")})");
        if (mutant is not null) console.MarkupLine($"  mutant: {mutant}");
        console.WriteLine($"  case: TOTAL_CPU = {c.TotalCpu}, cpu = {c.Cpu}, flags {Flags(c)}, {Layout(c)}");
        foreach (var line in CallLines(c)) console.WriteLine($"  {line}");
        if (o.Error is { } err) console.WriteLine($"  evaluation failed: {err}");
        console.WriteLine($"  high: succeeds");
        console.WriteLine(o.Run is { LowOk: true } ? "  low:  succeeds" : $"  low:  fails: {o.LowWhy}");
        console.WriteLine($"  violated: {string.Join("; ", cx.Clauses)}");
        foreach (var (clause, where) in cx.Witnesses) console.WriteLine($"  witness ({clause}): {where}");
        var diff = cx.Diff;
        if (diff.Count == 0) return;
        var table = new Table().Border(TableBorder.Simple).AddColumns("where", "high", "low", "why");
        foreach (var d in diff) table.AddRow(Markup.Escape(d.Where), Markup.Escape(d.High), Markup.Escape(d.Low), Markup.Escape(d.Why));
        console.Write(table);
    }

    /// <summary>The command line that reproduces a counterexample.</summary>
    public static string Reproduce(Counterexample cx, string seed, string? mutant = null, string? options = null) => cx.Backend == Backend.Random
        ? $"reproduce: check {(options is null ? "" : options + " ")}--primitive {cx.Case.Prim} --backend random --seed {seed}{(mutant is null ? "" : $" --mutant {mutant}")}"
        : seed;

    /// <summary>The current CPU's flags; both layers' when they differ.</summary>
    static string Flags(ConcreteCase c) => c.FlagsHigh == c.FlagsLow ? FlagsText(c.FlagsHigh) : $"high {FlagsText(c.FlagsHigh)}, low {FlagsText(c.FlagsLow)}";

    static string FlagsText(CpuFlags f) => $"ikern={B(f.Ikern)} ihost={B(f.Ihost)} pg={B(f.Pg)} init={B(f.Init)}";
    static string B(bool b) => b ? "1" : "0";

    static string Layout(ConcreteCase c) =>
        c.HighBlocks == 0 && c.LowBlocks == 0 ? "globals only" :
        $"{c.HighBlocks} high / {c.LowBlocks} low stack blocks, f = {string.Join(", ", c.Inject.Select(m => $"b{m.From}↦b{m.To}"))}"
        + (c.LowReadOnly.IsDefaultOrEmpty ? "" : $", {c.LowReadOnly.Length} low VMX_LOC words read-only");

    /// <summary>The arguments or the registers (non-Vundef, with the low value where it differs), and the slots/fields read.</summary>
    static IEnumerable<string> CallLines(ConcreteCase c)
    {
        if (!c.Prim.IsAsm)
        {
            yield return $"call: {c.Prim}({string.Join(", ", c.ArgsHigh.Zip(c.ArgsLow).Select(a => Pair(a.First, a.Second)))})";
        }
        else
        {
            var regs = PregInfo.All.Where(r => !c.RegsHigh[r].IsUndef || !c.RegsLow[r].IsUndef)
                .Select(r => $"{r}={Pair(c.RegsHigh[r], c.RegsLow[r])}");
            yield return $"call: {c.Prim} with {string.Join(", ", regs)}";
        }
        var slots = Enumerable.Range(0, VmxSlots.Size)
            .Where(i => c.HighSlot(c.Cpu, i) != CaseBuilder.Background(c.Cpu, i).High || c.LowSlot(c.Cpu, i) != CaseBuilder.Background(c.Cpu, i).Low)
            .Select(i => $"{VmxSlots.Name(i)}={Pair(c.HighSlot(c.Cpu, i), c.LowSlot(c.Cpu, i))}").ToList();
        if (slots.Count > 0) yield return $"CPU {c.Cpu} slots (others Vint(256·cpu+slot)): {string.Join(", ", slots.Take(16))}{(slots.Count > 16 ? ", …" : "")}";
        var vmcs = c.Vmcs.Where(v => v.Cpu == c.Cpu).GroupBy(v => v.Encoding).Select(g => g.Last())
            .Select(v => $"{VmcsFields.Name(v.Encoding)}={Pair(v.High, v.Low)}").ToList();
        if (vmcs.Count > 0) yield return $"CPU {c.Cpu} VMCS: {string.Join(", ", vmcs)}";
        foreach (var ov in c.HighOverflow) yield return $"high abstract slot {ov.Slot} of CPU {ov.Cpu} = {ValueText.Of(ov.Value)}";
    }

    static string Pair(Val high, Val low) => high == low ? ValueText.Of(high) : $"{ValueText.Of(high)}↦{ValueText.Of(low)}";
}
