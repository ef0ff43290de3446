using System.Collections.Immutable;
using System.Globalization;
using System.Text.Json;
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
public static class ScenarioParser
{
    static readonly JsonDocumentOptions options = new() { AllowTrailingCommas = false, CommentHandling = JsonCommentHandling.Disallow };

    /// <summary>Parses a scenario; throws <see cref="ScenarioError"/> on bad input.</summary>
    public static Scenario Parse(string json)
    {
        JsonDocument doc;
        try { doc = JsonDocument.Parse(json, options); }
        catch (JsonException e)
        {
            throw new ScenarioError("$", $"malformed JSON at line {(e.LineNumber ?? 0) + 1}, byte {(e.BytePositionInLine ?? 0) + 1}: {FirstLine(e.Message)}");
        }
        using (doc) return Document(new JsonIn(doc.RootElement, "$"));
    }

    /// <summary>Reads and parses a scenario file; an unreadable file is a <see cref="ScenarioError"/> at "$".</summary>
    public static Scenario ParseFile(string path)
    {
        string text;
        try { text = File.ReadAllText(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new ScenarioError("$", $"cannot read the file: {FirstLine(e.Message)}");
        }
        return Parse(text);
    }

    static string FirstLine(string s)
    {
        var line = s.Split('\n')[0].Trim();
        int cut = line.IndexOf(" LineNumber:", StringComparison.Ordinal);
        return cut > 0 ? line[..cut] : line;
    }

    static Scenario Document(JsonIn root)
    {
        var top = root.Object("a scenario object {\"cpus\": N, \"init\": {…}, \"steps\": […]}", "cpus", "init", "steps", "blocks", "mutant", "description");
        int n = (int)Required(root, top, "cpus").Integer(1, Scenario.MaxCpus, $"a number of CPUs in [1, {Scenario.MaxCpus}]");
        var blocks = top.TryGetValue("blocks", out var b) ? Blocks(b) : ScenarioBlocks.Default;
        var mutant = top.TryGetValue("mutant", out var m) ? Mutant(m) : MutantId.None;
        string? description = top.TryGetValue("description", out var d) ? d.String("a string") : null;
        LayerBuilder high = new(n), low = new(n);
        var overflow = ImmutableArray<OverflowSlot>.Empty;
        var readOnly = ImmutableArray<(int, int)>.Empty;
        if (top.TryGetValue("init", out var init)) (overflow, readOnly) = Init(init, high, low);
        var steps = Required(root, top, "steps").Array("an array of steps").Select(s => Step(s, n)).ToImmutableArray();
        return new Scenario(n, high.Build(), low.Build(), overflow, blocks, mutant, steps, description, readOnly);
    }

    static JsonIn Required(JsonIn parent, Dictionary<string, JsonIn> obj, string key, string? hint = null) =>
        obj.TryGetValue(key, out var v) ? v : throw new ScenarioError(parent.Path, $"missing key \"{key}\"{hint}");

    static MutantId Mutant(JsonIn j)
    {
        var name = j.String("a mutant name");
        return MutantCatalog.TryParse(name, out var mutant) ? mutant.Id
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
        var o = j.Object("an init object", "cpus", "flags", "vmx", "vmcs", "high", "low", "overflow");
        Section(j, o, high, low);
        if (o.TryGetValue("high", out var h)) Section(h, h.Object("a per-layer init object", "cpus", "flags", "vmx", "vmcs"), high);
        var readOnly = ImmutableArray<(int, int)>.Empty;
        if (o.TryGetValue("low", out var l))
        {
            var lo = l.Object("a per-layer init object", "cpus", "flags", "vmx", "vmcs", "readonly");
            Section(l, lo, low);
            if (lo.TryGetValue("readonly", out var ro)) readOnly = ReadOnlyWords(ro, low.TotalCpu);
        }
        var overflow = o.TryGetValue("overflow", out var ov) ? [.. ov.Array("an array of {\"cpu\", \"slot\", \"value\"}").Select(Overflow)] : ImmutableArray<OverflowSlot>.Empty;
        return (overflow, readOnly);
    }

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

    static void Section(JsonIn j, Dictionary<string, JsonIn> o, params LayerBuilder[] layers)
    {
        int n = layers[0].TotalCpu;
        if (o.TryGetValue("cpus", out var cpus))
            foreach (var entry in cpus.Array("an array of per-CPU objects"))
            {
                var e = entry.Object("a per-CPU object {\"cpu\": c, \"flags\", \"vmx\", \"vmcs\"}", "cpu", "flags", "vmx", "vmcs");
                int c = Cpu(Required(entry, e, "cpu"), n);
                if (e.TryGetValue("flags", out var f)) foreach (var l in layers) l.Flags[c] = Flags(f, l.Flags[c]);
                if (e.TryGetValue("vmx", out var v)) Vmx(v, c, layers);
                if (e.TryGetValue("vmcs", out var vm)) Vmcs(vm, c, layers);
            }
        foreach (var (key, v) in Keyed(o, "flags", n)) foreach (var l in layers) l.Flags[key] = Flags(v, l.Flags[key]);
        foreach (var (key, v) in Keyed(o, "vmx", n)) Vmx(v, key, layers);
        foreach (var (key, v) in Keyed(o, "vmcs", n)) Vmcs(v, key, layers);
    }

    /// <summary>The CPU-keyed form {"0": …, "1": …} of a section entry.</summary>
    static IEnumerable<(int Cpu, JsonIn Value)> Keyed(Dictionary<string, JsonIn> o, string key, int n)
    {
        if (!o.TryGetValue(key, out var j)) yield break;
        foreach (var (k, v) in j.Members($"an object keyed by CPU number, e.g. {{\"0\": …}}"))
        {
            if (!int.TryParse(k, NumberStyles.None, CultureInfo.InvariantCulture, out var c) || c >= n)
                throw new ScenarioError(v.Path, $"expected a CPU number in [0, {n - 1}] as key, got \"{k}\"");
            yield return (c, v);
        }
    }

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
        foreach (var (k, v) in j.Members($"the VMX slots: an array of {VmxSlots.Size} values or an object {{slot index or name: value}}"))
            Set(layers, cpu, ScenarioValues.ParseSlot(k, v.Path), ScenarioValues.Parse(v));
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

    static IEnumerable<(int Encoding, Val Value)> Fields(JsonIn j) =>
        j.Members("an object {VMCS field name or encoding: value}")
            .Select(m => (ScenarioValues.ParseField(m.Key, m.Value.Path), ScenarioValues.Parse(m.Value)))
            .ToList();

    static OverflowSlot Overflow(JsonIn j)
    {
        var o = j.Object("an overflow slot {\"cpu\": c, \"slot\": i, \"value\": v}", "cpu", "slot", "value");
        long c = Required(j, o, "cpu").Integer(int.MinValue, int.MaxValue, "a 32-bit CPU number");
        long i = Required(j, o, "slot").Integer(int.MinValue, int.MaxValue, "a 32-bit slot number");
        return new OverflowSlot(c, i, ScenarioValues.Parse(Required(j, o, "value")));
    }

    // ---- steps ----

    static ScenarioStep Step(JsonIn j, int n)
    {
        var o = j.Object("a step object {\"cpu\": c, \"call\": name, …} or {\"cpu\": c, \"guest\": {…}}", "cpu", "call", "args", "regs", "guest", "high", "low");
        int cpu = Cpu(Required(j, o, "cpu"), n);
        string? call = o.TryGetValue("call", out var c) ? c.String("a primitive name or \"guest\"") : null;
        if (o.ContainsKey("guest") || call == "guest") return Guest(j, o, cpu);
        if (call is null) throw new ScenarioError(j.Path, "missing key \"call\" (or \"guest\" for a guest step)");
        if (!PrimInfo.TryParse(call, out var p))
            throw new ScenarioError(c.Path, $"unknown primitive \"{call}\" (expected one of: {string.Join(", ", PrimInfo.All)}, guest)");
        return p.IsAsm() ? AsmCall(o, cpu, p) : CCall(j, o, cpu, p);
    }

    static GuestStep Guest(JsonIn j, Dictionary<string, JsonIn> o, int cpu)
    {
        foreach (var key in new[] { "args", "regs", "high", "low" })
            if (o.TryGetValue(key, out var bad)) throw new ScenarioError(bad.Path, "a guest step takes only \"cpu\" and \"guest\"");
        if (!o.TryGetValue("guest", out var g)) return new GuestStep(cpu, []);
        var go = g.Object("a guest object {\"vmcs\": {field: value}}", "vmcs");
        return new GuestStep(cpu, go.TryGetValue("vmcs", out var v) ? [.. Fields(v)] : []);
    }

    static CallStep CCall(JsonIn j, Dictionary<string, JsonIn> o, int cpu, Prim p)
    {
        if (o.TryGetValue("regs", out var r)) throw new ScenarioError(r.Path, $"{p} is a C primitive: it takes \"args\", not \"regs\"");
        var args = o.TryGetValue("args", out var a) ? Args(a, p) : p.Arity() == 0 ? [] : throw new ScenarioError(j.Path, $"missing key \"args\" ({p} takes {p.Arity()} argument(s))");
        ImmutableArray<Val> high = args, low = args;
        if (o.TryGetValue("high", out var h)) high = SideArgs(h, p, args);
        if (o.TryGetValue("low", out var l)) low = SideArgs(l, p, args);
        return new CallStep(cpu, p, high, low, RegSet.Undef, RegSet.Undef);
    }

    static ImmutableArray<Val> SideArgs(JsonIn j, Prim p, ImmutableArray<Val> common)
    {
        var o = j.Object("a per-layer override {\"args\": […]}", "args");
        return o.TryGetValue("args", out var a) ? Args(a, p) : common;
    }

    static ImmutableArray<Val> Args(JsonIn j, Prim p)
    {
        var xs = j.Array("an array of arguments");
        if (xs.Count != p.Arity()) throw new ScenarioError(j.Path, $"expected {p.Arity()} argument(s) for {p}, got {xs.Count}");
        return [.. xs.Select(ScenarioValues.Parse)];
    }

    static CallStep AsmCall(Dictionary<string, JsonIn> o, int cpu, Prim p)
    {
        if (o.TryGetValue("args", out var a) && a.Array("an empty array").Count != 0)
            throw new ScenarioError(a.Path, $"{p} is an asm primitive: it takes \"regs\", not \"args\"");
        var common = Scenario.DefaultRegs(p, cpu);
        if (o.TryGetValue("regs", out var r)) common = Regs(r, common);
        RegSet high = common, low = common;
        if (o.TryGetValue("high", out var h)) high = SideRegs(h, common);
        if (o.TryGetValue("low", out var l)) low = SideRegs(l, common);
        return new CallStep(cpu, p, [], [], high, low);
    }

    static RegSet SideRegs(JsonIn j, RegSet common)
    {
        var o = j.Object("a per-layer override {\"regs\": {…}}", "regs");
        return o.TryGetValue("regs", out var r) ? Regs(r, common) : common;
    }

    static RegSet Regs(JsonIn j, RegSet rs)
    {
        foreach (var (k, v) in j.Members("an object {register: value}"))
            rs = rs.Set(ScenarioValues.ParseReg(k, v.Path), ScenarioValues.Parse(v));
        return rs;
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
