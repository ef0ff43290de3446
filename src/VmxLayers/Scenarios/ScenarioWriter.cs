using System.Collections.Immutable;
using System.Text.Json;
using System.Text.Json.Nodes;
using VmxLayers.Cases;
using VmxLayers.Constants;
using VmxLayers.Layers;
using VmxLayers.Machine;
using VmxLayers.Mutants;
using VmxLayers.Refinement;
using VmxLayers.Semantics;
using VmxLayers.Spec;

namespace VmxLayers.Scenarios;

/// <summary>
/// Writes scenarios: any <see cref="Scenario"/> (only what differs from the defaults; the low layer as
/// differences from the high one), and a <see cref="ConcreteCase"/> as a one-step scenario that rebuilds
/// exactly its world and call. Parsing the output gives back an equal scenario.
/// </summary>
public static class ScenarioWriter
{
    /// <summary>A replayable scenario for a case (the way `check --save-counterexample` saves one).</summary>
    public static string FromCase(ConcreteCase c, string? description = null, string? mutant = null, RefinementDef? refinement = null)
    {
        var json = Write(ToScenario(c, description, mutant, refinement));
        try { ScenarioParser.Parse(json, refinement); }
        catch (ScenarioError e) { throw new ArgumentException($"the case cannot be written as a scenario: {e.Message}", nameof(c)); }
        return json;
    }

    /// <summary>The one-step scenario of a case: its world as init, its call as the only step.</summary>
    public static Scenario ToScenario(ConcreteCase c, string? description = null, string? mutant = null, RefinementDef? refinement = null)
    {
        int n = c.TotalCpu, size = n * VmxSlots.Size;
        if (c.HighSlots.Length != size || c.LowSlots.Length != size)
            throw new ArgumentException($"a case with {n} CPUs needs {size} slots per layer", nameof(c));
        if (c.Cpu < 0 || c.Cpu >= n) throw new ArgumentException($"CPU {c.Cpu} is outside [0, {n})", nameof(c));
        var others = Enumerable.Repeat(CpuFlags.AllTrue, n).ToImmutableArray();
        var vmcsH = Enumerable.Range(0, n).Select(_ => ImmutableSortedDictionary<int, Val>.Empty).ToArray();
        var vmcsL = (ImmutableSortedDictionary<int, Val>[])vmcsH.Clone();
        foreach (var o in c.Vmcs)
        {
            if (o.Cpu < 0 || o.Cpu >= n) throw new ArgumentException($"a VMCS override names CPU {o.Cpu}, outside [0, {n})", nameof(c));
            vmcsH[o.Cpu] = vmcsH[o.Cpu].SetItem(o.Encoding, o.High);
            vmcsL[o.Cpu] = vmcsL[o.Cpu].SetItem(o.Encoding, o.Low);
        }
        int arity = c.Prim.Arity;
        if (c.ArgsHigh.Length < arity || c.ArgsLow.Length < arity) throw new ArgumentException($"{c.Prim} needs {arity} argument(s)", nameof(c));
        bool asm = c.Prim.IsAsm;
        var r = refinement ?? VmxLayerPair.Refinement;
        var def = r.Primitives.FirstOrDefault(d => d.Primitive == c.Prim) ?? throw new ArgumentException($"{c.Prim} is not a primitive of {r.Name}", nameof(c));
        var step = new CallStep(c.Cpu, def, [.. c.ArgsHigh.Take(arity)], [.. c.ArgsLow.Take(arity)],
            asm ? c.RegsHigh : RegSet.Undef, asm ? c.RegsLow : RegSet.Undef);
        return new Scenario(n,
            new LayerInit(others.SetItem(c.Cpu, c.FlagsHigh), c.HighSlots, [.. vmcsH]),
            new LayerInit(others.SetItem(c.Cpu, c.FlagsLow), c.LowSlots, [.. vmcsL]),
            [.. c.HighOverflow.Select(o => new OverflowSlot(o.Cpu, o.Slot, o.Value))],
            new ScenarioBlocks(c.HighBlocks, c.LowBlocks, c.Inject),
            mutant, [step], description, c.LowReadOnly.IsDefault ? [] : c.LowReadOnly);
    }

    public static string Write(Scenario s) => JsonPretty.Write(ToJson(s));

    public static JsonObject ToJson(Scenario s)
    {
        var j = new JsonObject();
        if (s.Description is not null) j["description"] = s.Description;
        j["cpus"] = s.TotalCpu;
        if (s.Mutant is not null) j["mutant"] = s.Mutant;
        if (!s.Impl.IsDefaultOrEmpty) j["impl"] = new JsonArray([.. s.Impl.Select(f => (JsonNode)f)]);
        if (!IsDefault(s.Blocks))
            j["blocks"] = new JsonObject
            {
                ["high"] = s.Blocks.High,
                ["low"] = s.Blocks.Low,
                ["inject"] = new JsonArray([.. s.Blocks.Inject.Select(p => (JsonNode)new JsonArray(p.From, p.To))]),
            };
        j["init"] = Init(s);
        j["steps"] = new JsonArray([.. s.Steps.Select(Step)]);
        return j;
    }

    static bool IsDefault(ScenarioBlocks b) =>
        b.High == ScenarioBlocks.Default.High && b.Low == ScenarioBlocks.Default.Low && b.Inject.SequenceEqual(ScenarioBlocks.Default.Inject);

    // ---- init ----

    static JsonObject Init(Scenario s)
    {
        var init = new JsonObject();
        var highDefault = LayerInit.Default(s.TotalCpu);
        if (Cpus(s.High, highDefault) is { Count: > 0 } high) init["cpus"] = high;
        var lowInit = new JsonObject();
        if (Cpus(s.Low, s.High) is { Count: > 0 } low) lowInit["cpus"] = low;
        if (!s.LowReadOnly.IsDefaultOrEmpty)
            lowInit["readonly"] = new JsonArray([.. s.LowReadOnly.Select(w => (JsonNode)new JsonArray(w.Cpu, VmxSlots.Name(w.Slot)))]);
        if (lowInit.Count > 0) init["low"] = lowInit;
        if (s.HighOverflow.Length > 0)
            init["overflow"] = new JsonArray([.. s.HighOverflow.Select(o => (JsonNode)new JsonObject
            {
                ["cpu"] = o.Cpu, ["slot"] = o.Slot, ["value"] = ScenarioValues.Write(o.Value),
            })]);
        return init;
    }

    /// <summary>The per-CPU entries of `layer` that differ from `basis` (which the parser applies first).</summary>
    static JsonArray Cpus(LayerInit layer, LayerInit basis)
    {
        var cpus = new JsonArray();
        for (int c = 0; c < layer.Flags.Length; c++)
        {
            var e = new JsonObject { ["cpu"] = c };
            if (layer.Flags[c] != basis.Flags[c]) e["flags"] = ReplayJson.Flags(layer.Flags[c]);
            var vmx = new JsonObject();
            for (int i = 0; i < VmxSlots.Size; i++)
                if (layer.Slot(c, i) != basis.Slot(c, i)) vmx[VmxSlots.Name(i)] = ScenarioValues.Write(layer.Slot(c, i));
            if (vmx.Count > 0) e["vmx"] = vmx;
            var vmcs = new JsonObject();
            foreach (var enc in layer.Vmcs[c].Keys.Union(basis.Vmcs[c].Keys).Order())
            {
                var v = Field(layer, c, enc);
                if (v != Field(basis, c, enc)) vmcs[FieldKey(enc)] = ScenarioValues.Write(v);
            }
            if (vmcs.Count > 0) e["vmcs"] = vmcs;
            if (e.Count > 1) cpus.Add(e);
        }
        return cpus;
    }

    /// <summary>A field's initial value: the override, or Vint 0 for a valid encoding (Vundef otherwise).</summary>
    static Val Field(LayerInit l, int c, int enc) =>
        l.Vmcs[c].TryGetValue(enc, out var v) ? v : VmcsFields.IsValid(enc) ? Val.Vzero : Val.Vundef;

    static string FieldKey(int enc) => VmcsFields.IsValid(enc) ? VmcsFields.Name(enc) : ScenarioValues.FieldKey(enc);

    // ---- steps ----

    static JsonObject Step(ScenarioStep step) => step switch
    {
        CallStep c => Call(c),
        GuestStep g => new JsonObject
        {
            ["cpu"] = g.Cpu,
            // Later writes win in the replay; a JSON object keeps one value per key, so keep the last.
            ["guest"] = new JsonObject { ["vmcs"] = Fields(g.Vmcs.GroupBy(f => f.Encoding).Select(grp => grp.Last())) },
        },
        _ => throw new ArgumentException($"unknown step {step}", nameof(step)),
    };

    static JsonObject Fields(IEnumerable<(int Encoding, Val Value)> fields)
    {
        var j = new JsonObject();
        foreach (var (enc, v) in fields) j[FieldKey(enc)] = ScenarioValues.Write(v);
        return j;
    }

    static JsonObject Call(CallStep c)
    {
        var j = new JsonObject { ["cpu"] = c.Cpu, ["call"] = c.Prim.Name };
        if (!c.Prim.IsAsm)
        {
            j["args"] = Args(c.ArgsHigh);
            if (!c.ArgsLow.SequenceEqual(c.ArgsHigh)) j["low"] = new JsonObject { ["args"] = Args(c.ArgsLow) };
            return j;
        }
        j["regs"] = RegDiff(c.RegsHigh, Scenario.DefaultRegs(c.Def, c.Cpu));
        if (!c.RegsLow.Equals(c.RegsHigh)) j["low"] = new JsonObject { ["regs"] = RegDiff(c.RegsLow, c.RegsHigh) };
        return j;
    }

    static JsonArray Args(ImmutableArray<Val> args) => new([.. args.Select(ScenarioValues.Write)]);

    static JsonObject RegDiff(RegSet rs, RegSet basis)
    {
        var j = new JsonObject();
        foreach (var r in PregInfo.All)
            if (rs[r] != basis[r]) j[r.ToString()] = ScenarioValues.Write(rs[r]);
        return j;
    }
}
