using System.Text.Json;
using System.Text.Json.Nodes;
using VmxLayers.Constants;
using VmxLayers.Machine;
using VmxLayers.Semantics;
using VmxLayers.Spec.Concrete;

namespace VmxLayers.Scenarios;

/// <summary>
/// The `replay --json` document of SPEC §6: {"steps": […], "final": {"high": {"cpus": […]}, "low": {…}}, "related": b}.
/// "ret" only for C calls that succeeded, "regs" (all registers, in Preg order) only for asm calls that succeeded,
/// "why" only on failed sides.
/// </summary>
public static class ReplayJson
{
    public static string Write(ReplayResult r) => JsonPretty.Write(Document(r));

    public static JsonObject Document(ReplayResult r) => new()
    {
        ["steps"] = new JsonArray([.. r.Steps.Select(Step)]),
        ["final"] = new JsonObject { ["high"] = State(r.Final, high: true), ["low"] = State(r.Final, high: false) },
        ["related"] = r.Related,
    };

    static JsonNode Step(StepResult s) => new JsonObject
    {
        ["index"] = s.Index,
        ["cpu"] = s.Step.Cpu,
        ["call"] = s.Step.Name,
        ["high"] = Side(s.Step, s.High),
        ["low"] = Side(s.Step, s.Low),
        ["related"] = s.Related,
    };

    static JsonObject Side(ScenarioStep step, SideOutcome o)
    {
        var j = new JsonObject { ["ok"] = o.Ok };
        if (!o.Ok) j["why"] = o.Why ?? "no behaviour";
        else if (step is CallStep { Prim: var p }) j[p.IsAsm ? "regs" : "ret"] = p.IsAsm ? Regs(o.Regs) : ScenarioValues.Write(o.Ret);
        return j;
    }

    /// <summary>Every register, in Preg order.</summary>
    public static JsonObject Regs(RegSet rs)
    {
        var j = new JsonObject();
        foreach (var r in PregInfo.All) j[r.ToString()] = ScenarioValues.Write(rs[r]);
        return j;
    }

    /// <summary>One layer's state: per CPU its flags, 38 VMX slots (abstract on high, loaded from VMX_LOC on low) and VMCS fields.</summary>
    public static JsonObject State(World w, bool high)
    {
        var m = high ? w.High : w.Low;
        var cpus = new JsonArray();
        for (int c = 0; c < m.TotalCpu; c++)
            cpus.Add(new JsonObject
            {
                ["cpu"] = c,
                ["flags"] = Flags(m.Flags[c]),
                ["vmx"] = new JsonArray([.. Enumerable.Range(0, VmxSlots.Size).Select(i => ScenarioValues.Write(Slot(m, high, c, i)))]),
                ["vmcs"] = Vmcs(m.Vmcs[c]),
            });
        return new JsonObject { ["cpus"] = cpus };
    }

    public static JsonObject Flags(CpuFlags f) => new() { ["ikern"] = f.Ikern, ["ihost"] = f.Ihost, ["pg"] = f.Pg, ["init"] = f.Init };

    static Val Slot(LayerMachine m, bool high, int c, int i) =>
        high ? m.Vmx.Get(c, i) : m.Mem.Load(Chunk.Mint32, Genv.VmxLocBlock, VmxSlots.Offset(c, i)) ?? Val.Vundef;

    /// <summary>Every valid field (sorted by encoding), then any field written at an invalid encoding.</summary>
    static JsonObject Vmcs(VmcsData d)
    {
        var j = new JsonObject();
        foreach (var (enc, _) in VmcsFields.All) j[ScenarioValues.FieldKey(enc)] = ScenarioValues.Write(d.Get(enc));
        foreach (var (enc, v) in d.Extra.OrderBy(e => e.Key)) j[ScenarioValues.FieldKey((int)enc)] = ScenarioValues.Write(v);
        return j;
    }
}
