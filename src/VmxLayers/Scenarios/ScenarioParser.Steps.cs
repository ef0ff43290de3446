using System.Collections.Immutable;
using VmxLayers.Cases;
using VmxLayers.Layers;
using VmxLayers.Semantics;

namespace VmxLayers.Scenarios;

/// <summary>The steps of a scenario: primitive calls (C args, asm regs with defaults, per-layer overrides) and guest steps.</summary>
public static partial class ScenarioParser
{
    static ScenarioStep Step(JsonIn j, int n, RefinementDef refinement)
    {
        var o = j.Object("a step object {\"cpu\": c, \"call\": name, …} or {\"cpu\": c, \"guest\": {…}}", "cpu", "call", "args", "regs", "guest", "high", "low");
        int cpu = Cpu(Required(j, o, "cpu"), n);
        string? call = o.TryGetValue("call", out var c) ? c.String("a primitive name or \"guest\"") : null;
        bool guest = o.TryGetValue("guest", out var g);
        if (guest && call is not null && call != "guest")
            throw new ScenarioError(g.Path, $"a step is a primitive call or a guest step, not both (it has \"call\": \"{call}\")");
        if (guest || call == "guest") return Guest(j, o, cpu);
        if (call is null) throw new ScenarioError(j.Path, "missing key \"call\" (or \"guest\" for a guest step)");
        if (refinement.Find(call) is not { } p)
            throw new ScenarioError(c.Path, $"unknown primitive \"{call}\" (expected one of: {string.Join(", ", refinement.Names)}, guest)");
        return p.Primitive.IsAsm ? AsmCall(o, cpu, p) : CCall(j, o, cpu, p);
    }

    static GuestStep Guest(JsonIn j, Dictionary<string, JsonIn> o, int cpu)
    {
        foreach (var key in new[] { "args", "regs", "high", "low" })
            if (o.TryGetValue(key, out var bad)) throw new ScenarioError(bad.Path, "a guest step takes only \"cpu\" and \"guest\"");
        if (!o.TryGetValue("guest", out var g)) return new GuestStep(cpu, []);
        var go = g.Object("a guest object {\"vmcs\": {field: value}}", "vmcs");
        return new GuestStep(cpu, go.TryGetValue("vmcs", out var v) ? [.. Fields(v)] : []);
    }

    static CallStep CCall(JsonIn j, Dictionary<string, JsonIn> o, int cpu, PrimitiveDef p)
    {
        if (o.TryGetValue("regs", out var r)) throw new ScenarioError(r.Path, $"{p} is a C primitive: it takes \"args\", not \"regs\"");
        var args = o.TryGetValue("args", out var a) ? Args(a, p) : p.Primitive.Arity == 0 ? [] : throw new ScenarioError(j.Path, $"missing key \"args\" ({p} takes {p.Primitive.Arity} argument(s))");
        ImmutableArray<Val> high = args, low = args;
        if (o.TryGetValue("high", out var h)) high = SideArgs(h, p, args);
        if (o.TryGetValue("low", out var l)) low = SideArgs(l, p, args);
        return new CallStep(cpu, p, high, low, RegSet.Undef, RegSet.Undef);
    }

    static ImmutableArray<Val> SideArgs(JsonIn j, PrimitiveDef p, ImmutableArray<Val> common)
    {
        var o = j.Object("a per-layer override {\"args\": […]}", "args");
        return o.TryGetValue("args", out var a) ? Args(a, p) : common;
    }

    static ImmutableArray<Val> Args(JsonIn j, PrimitiveDef p)
    {
        var xs = j.Array("an array of arguments");
        if (xs.Count != p.Primitive.Arity) throw new ScenarioError(j.Path, $"expected {p.Primitive.Arity} argument(s) for {p}, got {xs.Count}");
        return [.. xs.Select(ScenarioValues.Parse)];
    }

    static CallStep AsmCall(Dictionary<string, JsonIn> o, int cpu, PrimitiveDef p)
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
}
