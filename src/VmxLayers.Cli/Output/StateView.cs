using System.Text.Json.Nodes;
using VmxLayers.Checking;
using VmxLayers.Constants;
using VmxLayers.Machine;
using VmxLayers.Semantics;
using VmxLayers.Spec.Concrete;

namespace VmxLayers.Cli.Output;

/// <summary>One entry of a state table: its group and name, the values on both layers (before and after a call, or just one state), and the relation clauses failing there.</summary>
public sealed record StateRow(string Group, string Name, string? HighBefore, string? LowBefore, string? High, string? Low)
{
    public List<string> Failing { get; } = [];

    public JsonObject Json() => new()
    {
        ["group"] = Group, ["name"] = Name, ["highBefore"] = HighBefore, ["lowBefore"] = LowBefore, ["high"] = High, ["low"] = Low,
        ["failing"] = new JsonArray([.. Failing.Select(c => (JsonNode)JsonValue.Create(c))]),
    };
}

/// <summary>
/// Both layers' states of one CPU as rows a report shows side by side: the CPU's flags, its 38 VMX slots (abstract on
/// the high layer, loaded from VMX_LOC on the low one) and the VMCS fields that are not 0 somewhere. Which entries
/// fail is not decided here: the callers mark the coordinates the relation's own clauses reported.
/// </summary>
public static class StateView
{
    public const string Flags = "flags", Slots = "vmx", Vmcs = "vmcs", Registers = "registers", Arguments = "arguments", Result = "result";

    /// <summary>A note the report prints under the table: what the VMCS rows leave out.</summary>
    public const string VmcsNote = "VMCS fields not listed are 0 on both layers";

    /// <summary>The rows of CPU <paramref name="cpu"/>: its state in <paramref name="after"/>, and in <paramref name="before"/> too when given.</summary>
    public static List<StateRow> Cpu(World? before, World after, int cpu, IEnumerable<long> failingFields)
    {
        var rows = new List<StateRow>();
        string[] flagNames = ["ikern", "ihost", "pg", "init"];
        for (int k = 0; k < flagNames.Length; k++)
            rows.Add(new(Flags, flagNames[k], Flag(before?.High, cpu, k), Flag(before?.Low, cpu, k), Flag(after.High, cpu, k), Flag(after.Low, cpu, k)));
        for (int i = 0; i < VmxSlots.Size; i++)
            rows.Add(new(Slots, $"{i} {VmxSlots.Name(i)}", Slot(before, high: true, cpu, i), Slot(before, high: false, cpu, i), Slot(after, high: true, cpu, i), Slot(after, high: false, cpu, i)));
        var shown = failingFields.ToHashSet();
        var ids = new[] { ("revid", (Func<VmcsData, Val>)(d => d.Revid)), ("abrtid", d => d.Abrtid) };
        foreach (var (name, get) in ids)
            if (States(before, after, cpu).Any(d => get(d) != Val.Vzero))
                rows.Add(new(Vmcs, name, Text(before, cpu, true, get), Text(before, cpu, false, get), Text(after, cpu, true, get), Text(after, cpu, false, get)));
        var encodings = VmcsFields.All.Select(f => (long)f.Encoding)
            .Concat(States(before, after, cpu).SelectMany(d => d.Extra.Keys)).Distinct().Order()
            .Where(e => shown.Contains(e) || States(before, after, cpu).Any(d => d.Get(e) != Val.Vzero));
        foreach (long e in encodings)
            rows.Add(new(Vmcs, VmcsFields.Describe(e), Field(before, cpu, true, e), Field(before, cpu, false, e), Field(after, cpu, true, e), Field(after, cpu, false, e)));
        return rows;
    }

    /// <summary>Marks the rows of a failing instance reported with coordinates (a slot or a VMCS encoding of this CPU).</summary>
    public static void Mark(List<StateRow> rows, ClauseWitness f)
    {
        string? name = f.Kind switch
        {
            WitnessKind.Slot => $"{f.Index} {VmxSlots.Name(f.Index)}",
            WitnessKind.VmcsField => VmcsFields.Describe(f.Index),
            WitnessKind.Whole => null,
            _ => throw new ArgumentOutOfRangeException(nameof(f), f.Kind, "unknown witness kind"),
        };
        string group = f.Kind == WitnessKind.Slot ? Slots : Vmcs;
        foreach (var r in rows.Where(r => name is not null && r.Group == group && r.Name == name && !r.Failing.Contains(f.Clause))) r.Failing.Add(f.Clause);
    }

    /// <summary>
    /// Marks a failing flags clause (relate's flags: equal flags on both layers): the flag rows that differ after the
    /// call, or all of them when the failure is elsewhere in the clause (the CPU id).
    /// </summary>
    public static void MarkFlags(List<StateRow> rows, string clause)
    {
        var flags = rows.Where(r => r.Group == Flags).ToList();
        var differing = flags.Where(r => r.High != r.Low).ToList();
        foreach (var r in differing.Count > 0 ? differing : flags) r.Failing.Add(clause);
    }

    /// <summary>One CPU's table: its number, whether it is the CPU of the call, its rows.</summary>
    public static JsonObject Json(int cpu, bool current, IEnumerable<StateRow> rows) => new()
    {
        ["cpu"] = cpu, ["current"] = current, ["vmcsNote"] = VmcsNote,
        ["rows"] = new JsonArray([.. rows.Select(r => (JsonNode)r.Json())]),
    };

    static IEnumerable<VmcsData> States(World? before, World after, int cpu)
    {
        if (before is not null) { yield return before.High.Vmcs[cpu]; yield return before.Low.Vmcs[cpu]; }
        yield return after.High.Vmcs[cpu];
        yield return after.Low.Vmcs[cpu];
    }

    static string? Flag(LayerMachine? m, int cpu, int k)
    {
        if (m is null) return null;
        var f = m.Flags[cpu];
        bool b = k switch { 0 => f.Ikern, 1 => f.Ihost, 2 => f.Pg, 3 => f.Init, _ => throw new ArgumentOutOfRangeException(nameof(k)) };
        return b ? "1" : "0";
    }

    static string? Slot(World? w, bool high, int cpu, int slot)
    {
        if (w is null) return null;
        if (high) return ValueText.Of(w.High.Vmx.Get(cpu, slot));
        return w.Low.Mem.Load(Chunk.Mint32, Genv.VmxLocBlock, VmxSlots.Offset(cpu, slot)) is { } v ? ValueText.Of(v) : "(load fails)";
    }

    static string? Text(World? w, int cpu, bool high, Func<VmcsData, Val> get) => w is null ? null : ValueText.Of(get((high ? w.High : w.Low).Vmcs[cpu]));

    static string? Field(World? w, int cpu, bool high, long enc) => Text(w, cpu, high, d => d.Get(enc));
}
