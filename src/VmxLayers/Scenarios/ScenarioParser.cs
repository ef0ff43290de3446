using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;
using VmxLayers.Constants;
using VmxLayers.Layers;
using VmxLayers.Machine;
using VmxLayers.Mutants;
using VmxLayers.Refinement;
using VmxLayers.Semantics;
using VmxLayers.Spec;
using VmxLayers.Spec.Concrete;

namespace VmxLayers.Scenarios;

/// <summary>
/// Reads a scenario document (SPEC §6 and the extensions of docs/scenarios.md). Strict: unknown keys, unknown
/// names, out-of-range numbers and wrong arities are <see cref="ScenarioError"/>s naming the JSON path.
/// </summary>
public static partial class ScenarioParser
{
    static readonly JsonDocumentOptions options = new() { AllowTrailingCommas = false, CommentHandling = JsonCommentHandling.Disallow };

    /// <summary>Parses a scenario of the layer pair's refinement (or of the given one: its primitives are the names a step may call); throws <see cref="ScenarioError"/> on bad input.</summary>
    public static Scenario Parse(string json, RefinementDef? refinement = null)
    {
        JsonDocument doc;
        try { doc = JsonDocument.Parse(json, options); }
        catch (JsonException e)
        {
            throw new ScenarioError("$", $"malformed JSON at line {(e.LineNumber ?? 0) + 1}, byte {(e.BytePositionInLine ?? 0) + 1}: {FirstLine(e.Message)}");
        }
        using (doc) return Document(new JsonIn(doc.RootElement, "$"), refinement ?? VmxLayerPair.Refinement);
    }

    /// <summary>The largest scenario file read (docs/scenarios.md): about 100 000 steps; a larger file, or a device such as /dev/zero, is refused unread.</summary>
    public const long MaxFileBytes = 16 << 20;

    /// <summary>Reads (at most <see cref="MaxFileBytes"/>, strict UTF-8) and parses a scenario file; an unreadable file is a <see cref="ScenarioError"/> at "$".</summary>
    public static Scenario ParseFile(string path, RefinementDef? refinement = null)
    {
        string text;
        try { text = Io.InputFile.ReadText(path, MaxFileBytes, "a scenario"); }
        catch (Io.InputFileException e) { throw new ScenarioError("$", $"cannot read the file: {e.Reason}"); }
        return Parse(text, refinement);
    }

    static string FirstLine(string s)
    {
        var line = s.Split('\n')[0].Trim();
        int cut = line.IndexOf(" LineNumber:", StringComparison.Ordinal);
        return cut > 0 ? line[..cut] : line;
    }

    static Scenario Document(JsonIn root, RefinementDef refinement)
    {
        var top = root.Object("a scenario object {\"cpus\": N, \"init\": {…}, \"steps\": […]}", "cpus", "init", "steps", "blocks", "mutant", "description", "impl");
        int n = (int)Required(root, top, "cpus").Integer(1, Scenario.MaxCpus, $"a number of CPUs in [1, {Scenario.MaxCpus}]");
        var blocks = top.TryGetValue("blocks", out var b) ? Blocks(b) : ScenarioBlocks.Default;
        string? mutant = top.TryGetValue("mutant", out var m) ? Mutant(m) : null;
        string? description = top.TryGetValue("description", out var d) ? d.String("a string") : null;
        ImmutableArray<string> impl = top.TryGetValue("impl", out var im)
            ? [.. im.Array("an array of object files (\"my_exit.o\", relative to the scenario)").Select(f => f.String("an object file's path"))] : [];
        LayerBuilder high = new(n), low = new(n);
        var overflow = ImmutableArray<OverflowSlot>.Empty;
        var readOnly = ImmutableArray<(int, int)>.Empty;
        if (top.TryGetValue("init", out var init)) (overflow, readOnly) = Init(init, high, low);
        var steps = Required(root, top, "steps").Array("an array of steps").Select(s => Step(s, n, refinement)).ToImmutableArray();
        return new Scenario(n, high.Build(), low.Build(), overflow, blocks, mutant, steps, description, readOnly) { Impl = impl };
    }

    static JsonIn Required(JsonIn parent, Dictionary<string, JsonIn> obj, string key, string? hint = null) =>
        obj.TryGetValue(key, out var v) ? v : throw new ScenarioError(parent.Path, $"missing key \"{key}\"{hint}");

    static string Mutant(JsonIn j)
    {
        var name = j.String("a mutant name");
        return MutantCatalog.TryParse(name, out var mutant) ? mutant.Name
            : throw new ScenarioError(j.Path, $"unknown mutant \"{name}\" (see `vmxlayers mutants` or docs/mutants.md for the names)");
    }

    static ScenarioBlocks Blocks(JsonIn j)
    {
        var o = j.Object("{\"high\": n, \"low\": m, \"inject\": [[from, to], …]}", "high", "low", "inject");
        int nh = o.TryGetValue("high", out var h) ? (int)h.Integer(0, Scenario.MaxBlocks, $"a block count in [0, {Scenario.MaxBlocks}]") : 0;
        int nl = o.TryGetValue("low", out var l) ? (int)l.Integer(0, Scenario.MaxBlocks, $"a block count in [0, {Scenario.MaxBlocks}]") : 0;
        var inject = ImmutableArray.CreateBuilder<(int, int)>();
        var from = new HashSet<int>();
        if (o.TryGetValue("inject", out var inj))
            foreach (var pair in inj.Array("an array of [from, to] block pairs"))
            {
                var xs = pair.Array("a [from, to] block pair");
                if (xs.Count != 2) throw pair.Error("a [from, to] block pair");
                int f = (int)xs[0].Integer(Genv.Next, Genv.Next + nh - 1, $"an extra high block in [{Genv.Next}, {Genv.Next + nh - 1}]");
                int t = (int)xs[1].Integer(1, Genv.Next + nl - 1, $"a low block in [1, {Genv.Next + nl - 1}]");
                if (!from.Add(f)) throw new ScenarioError(xs[0].Path, $"block {f} is mapped twice");
                inject.Add((f, t));
            }
        return new ScenarioBlocks(nh, nl, inject.ToImmutable());
    }

    // ---- init ----

    static (ImmutableArray<OverflowSlot>, ImmutableArray<(int, int)>) Init(JsonIn j, LayerBuilder high, LayerBuilder low)
    {
        int n = high.TotalCpu;
        var (o, cpus) = SectionObject(j, n, "cpus", "flags", "vmx", "vmcs", "high", "low", "overflow");
        Section(o, cpus, high, low);
        if (o.TryGetValue("high", out var h))
        {
            var (ho, hc) = SectionObject(h, n, "cpus", "flags", "vmx", "vmcs");
            Section(ho, hc, high);
        }
        var readOnly = ImmutableArray<(int, int)>.Empty;
        if (o.TryGetValue("low", out var l))
        {
            var (lo, lc) = SectionObject(l, n, "cpus", "flags", "vmx", "vmcs", "readonly");
            Section(lo, lc, low);
            if (lo.TryGetValue("readonly", out var ro)) readOnly = ReadOnlyWords(ro, n);
        }
        var overflow = o.TryGetValue("overflow", out var ov) ? OverflowSlots(ov) : ImmutableArray<OverflowSlot>.Empty;
        return (overflow, readOnly);
    }

    /// <summary>An init section: its named keys, and any keys that are CPU numbers ({"0": {"flags", "vmx", "vmcs"}}).</summary>
    static (Dictionary<string, JsonIn> Named, List<(int Cpu, JsonIn Entry)> Cpus) SectionObject(JsonIn j, int n, params string[] allowed)
    {
        var named = new Dictionary<string, JsonIn>();
        var cpus = new List<(int, JsonIn)>();
        var seen = new Seen<int>("CPU");
        foreach (var (key, v) in j.Members("an init object"))
        {
            if (key.Length > 0 && key.All(char.IsAsciiDigit)) cpus.Add((seen.Add(CpuKey(key, v, n), key, v), v));
            else if (allowed.Contains(key)) named[key] = v;
            else throw new ScenarioError(v.Path, $"unknown key \"{key}\"{Misplaced(key)} (expected a CPU number or one of: {string.Join(", ", allowed)})");
        }
        return (named, cpus);
    }

    /// <summary>A slot, field or flag name where a section was expected: say where it belongs.</summary>
    static string Misplaced(string key) =>
        VmxSlots.TryParse(key, out _) ? $": {key} is a VMX slot, which goes under \"vmx\" ({{\"vmx\": {{\"{key}\": …}}}})"
        : VmcsFields.TryParse(key, out _) ? $": {key} is a VMCS field, which goes under \"vmcs\" ({{\"vmcs\": {{\"{key}\": …}}}})"
        : key is "ikern" or "ihost" or "pg" or "init" ? $": {key} is a flag, which goes under \"flags\" ({{\"flags\": {{\"{key}\": …}}}})"
        : "";

    static int CpuKey(string key, JsonIn at, int n) =>
        int.TryParse(key, NumberStyles.None, CultureInfo.InvariantCulture, out var c) && c < n
            ? c : throw new ScenarioError(at.Path, $"expected a CPU number in [0, {n - 1}] as key, got \"{key}\"");

    /// <summary>Low VMX_LOC words left only Readable: [[cpu, slot], …], the slot by index or name.</summary>
    static ImmutableArray<(int, int)> ReadOnlyWords(JsonIn j, int n)
    {
        var words = ImmutableArray.CreateBuilder<(int, int)>();
        foreach (var w in j.Array("an array of [cpu, slot] pairs"))
        {
            var xs = w.Array("a [cpu, slot] pair");
            if (xs.Count != 2) throw w.Error("a [cpu, slot] pair");
            int slot = xs[1].E.ValueKind == JsonValueKind.String
                ? ScenarioValues.ParseSlot(xs[1].E.GetString()!, xs[1].Path)
                : (int)xs[1].Integer(0, VmxSlots.Size - 1, $"a slot index in [0, {VmxSlots.Size - 1}] or a slot name");
            words.Add((Cpu(xs[0], n), slot));
        }
        return words.ToImmutable();
    }

    static void Section(Dictionary<string, JsonIn> o, List<(int Cpu, JsonIn Entry)> direct, params LayerBuilder[] layers)
    {
        int n = layers[0].TotalCpu;
        if (o.TryGetValue("cpus", out var cpus))
        {
            var seen = new Seen<int>("CPU");
            if (cpus.E.ValueKind == JsonValueKind.Object)
                foreach (var (key, v) in cpus.Members("per-CPU objects keyed by CPU number")) CpuEntry(v, seen.Add(CpuKey(key, v, n), key, v), layers);
            else
                foreach (var entry in cpus.Array("an array of per-CPU objects"))
                {
                    var at = Required(entry, entry.Object("a per-CPU object {\"cpu\": c, \"flags\", \"vmx\", \"vmcs\"}", "cpu", "flags", "vmx", "vmcs"), "cpu");
                    CpuEntry(entry, seen.Add(Cpu(at, n), at.E.GetRawText(), at), layers);
                }
        }
        foreach (var (key, v) in Keyed(o, "flags", n)) foreach (var l in layers) l.Flags[key] = Flags(v, l.Flags[key]);
        foreach (var (key, v) in Keyed(o, "vmx", n)) Vmx(v, key, layers);
        foreach (var (key, v) in Keyed(o, "vmcs", n)) Vmcs(v, key, layers);
        foreach (var (c, v) in direct) CpuEntry(v, c, layers);
    }

    /// <summary>One CPU's init: {"cpu"?, "flags", "vmx", "vmcs"}; a "cpu" key, if present, must be that CPU.</summary>
    static void CpuEntry(JsonIn entry, int c, LayerBuilder[] layers)
    {
        var e = entry.Object("a per-CPU object {\"flags\", \"vmx\", \"vmcs\"}", "cpu", "flags", "vmx", "vmcs");
        if (e.TryGetValue("cpu", out var given) && given.Integer(c, c, $"CPU {c} (the entry's key)") != c) throw given.Error($"CPU {c}");
        if (e.TryGetValue("flags", out var f)) foreach (var l in layers) l.Flags[c] = Flags(f, l.Flags[c]);
        if (e.TryGetValue("vmx", out var v)) Vmx(v, c, layers);
        if (e.TryGetValue("vmcs", out var vm)) Vmcs(vm, c, layers);
    }

    /// <summary>
    /// The CPU-keyed form {"0": …, "1": …} of a section entry. An entry that is an array, or an object none of
    /// whose keys is a decimal number ({"ikern": false}, {"G_RIP": 5}, {"0x681E": 1}), applies to every CPU.
    /// </summary>
    static IEnumerable<(int Cpu, JsonIn Value)> Keyed(Dictionary<string, JsonIn> o, string key, int n)
    {
        if (!o.TryGetValue(key, out var j)) yield break;
        if (ForEveryCpu(j))
        {
            for (int c = 0; c < n; c++) yield return (c, j);
            yield break;
        }
        var seen = new Seen<int>("CPU");
        foreach (var (k, v) in j.Members($"an object keyed by CPU number, e.g. {{\"0\": …}}"))
        {
            yield return (seen.Add(CpuKey(k, v, n), k, v), v);
        }
    }

    static bool ForEveryCpu(JsonIn j) =>
        j.E.ValueKind == JsonValueKind.Array
        || (j.E.ValueKind == JsonValueKind.Object && j.E.EnumerateObject().Any()
            && j.E.EnumerateObject().All(p => !p.Name.All(char.IsAsciiDigit)));

    static int Cpu(JsonIn j, int n) => (int)j.Integer(0, n - 1, $"a CPU number in [0, {n - 1}]");

    static CpuFlags Flags(JsonIn j, CpuFlags f)
    {
        foreach (var (k, v) in j.Members("a flags object {\"ikern\", \"ihost\", \"pg\", \"init\"}", "ikern", "ihost", "pg", "init"))
            f = k switch
            {
                "ikern" => f with { Ikern = v.Bool() },
                "ihost" => f with { Ihost = v.Bool() },
                "pg" => f with { Pg = v.Bool() },
                _ => f with { Init = v.Bool() },
            };
        return f;
    }

    static void Vmx(JsonIn j, int cpu, LayerBuilder[] layers)
    {
        if (j.E.ValueKind == JsonValueKind.Array)
        {
            var xs = j.Array("");
            if (xs.Count != VmxSlots.Size) throw new ScenarioError(j.Path, $"expected an array of {VmxSlots.Size} slot values, got {xs.Count}");
            for (int i = 0; i < xs.Count; i++) Set(layers, cpu, i, ScenarioValues.Parse(xs[i]));
            return;
        }
        var seen = new Seen<int>("VMX slot", i => $"{i} ({VmxSlots.Name(i)})");
        foreach (var (k, v) in j.Members($"the VMX slots: an array of {VmxSlots.Size} values or an object {{slot index or name: value}}"))
            Set(layers, cpu, seen.Add(ScenarioValues.ParseSlot(k, v.Path), k, v), ScenarioValues.Parse(v));
    }

    static void Set(LayerBuilder[] layers, int cpu, int slot, Val v)
    {
        foreach (var l in layers) l.Slots[cpu * VmxSlots.Size + slot] = v;
    }

    static void Vmcs(JsonIn j, int cpu, LayerBuilder[] layers)
    {
        foreach (var (enc, v) in Fields(j))
            foreach (var l in layers) l.Vmcs[cpu][enc] = v;
    }

    static IEnumerable<(int Encoding, Val Value)> Fields(JsonIn j)
    {
        var seen = new Seen<int>("VMCS field", e => $"0x{e:X4} ({VmcsFields.Name(e)})");
        return j.Members("an object {VMCS field name or encoding: value}")
            .Select(m => (seen.Add(ScenarioValues.ParseField(m.Key, m.Value.Path), m.Key, m.Value), ScenarioValues.Parse(m.Value)))
            .ToList();
    }

    static ImmutableArray<OverflowSlot> OverflowSlots(JsonIn j)
    {
        var seen = new Seen<(long, long)>("overflow slot", k => $"(cpu {k.Item1}, slot {k.Item2})");
        return [.. j.Array("an array of {\"cpu\", \"slot\", \"value\"}").Select(e =>
        {
            var slot = Overflow(e);
            seen.Add((slot.Cpu, slot.Slot), $"{slot.Cpu}/{slot.Slot}", e);
            return slot;
        })];
    }

    static OverflowSlot Overflow(JsonIn j)
    {
        var o = j.Object("an overflow slot {\"cpu\": c, \"slot\": i, \"value\": v}", "cpu", "slot", "value");
        long c = Required(j, o, "cpu").Integer(int.MinValue, uint.MaxValue, "a CPU number in [-2^31, 2^32)");
        long i = Required(j, o, "slot").Integer(int.MinValue, uint.MaxValue, "a slot number in [-2^31, 2^32)");
        return new OverflowSlot(c, i, ScenarioValues.Parse(Required(j, o, "value")));
    }

    /// <summary>
    /// The keys of one object, by what they denote: the same slot, field or CPU under two spellings (G_RIP and "14",
    /// GUEST_RIP and "0x681E", "0" and "00") is a duplicate, not "the last one wins".
    /// </summary>
    sealed class Seen<T>(string what, Func<T, string>? show = null) where T : notnull
    {
        readonly Dictionary<T, string> first = [];

        public T Add(T key, string spelling, JsonIn at)
        {
            if (first.TryGetValue(key, out var before))
                throw new ScenarioError(at.Path, $"duplicate {what} {show?.Invoke(key) ?? key.ToString()}: already given as \"{before}\"");
            first[key] = spelling;
            return key;
        }
    }

    /// <summary>A mutable layer init while sections are applied.</summary>
    sealed class LayerBuilder(int n)
    {
        public int TotalCpu => n;
        public readonly CpuFlags[] Flags = [.. Enumerable.Repeat(CpuFlags.AllTrue, n)];
        public readonly Val[] Slots = [.. Enumerable.Repeat(Val.Vzero, n * VmxSlots.Size)];
        public readonly SortedDictionary<int, Val>[] Vmcs = [.. Enumerable.Range(0, n).Select(_ => new SortedDictionary<int, Val>())];

        public LayerInit Build() => new([.. Flags], [.. Slots], [.. Vmcs.Select(d => d.ToImmutableSortedDictionary())]);
    }
}
