using VmxLayers.Layers;
using VmxLayers.Machine;
using VmxLayers.Refinement;
using VmxLayers.Semantics;
using VmxLayers.Spec;
using VmxLayers.Spec.Concrete;

namespace VmxLayers.Checking;

/// <summary>One place where the high and low sides do not correspond.</summary>
public readonly record struct DiffLine(string Where, string High, string Low, string Why);

/// <summary>Where the post-states (or results) of a violated case fail to correspond, place by place.</summary>
public static class StateDiff
{
    public static IReadOnlyList<DiffLine> Of(CaseOutcome o)
    {
        var lines = new List<DiffLine>();
        if (o.Run is not { } run) return lines;
        var f = o.World.Context.Inject;
        if (run is { HighOk: true, LowOk: false })
        {
            lines.Add(new("low step", "succeeds", "fails", o.Why ?? "?"));
            return lines;
        }
        if (run.Post is not { } post) return lines;
        if (o.Case.Prim.IsAsm())
        {
            RegSet h = run.RegsHigh.As<RegBox>().Regs, l = run.RegsLow.As<RegBox>().Regs;
            foreach (var r in PregInfo.All)
                if (!Inject.Val(f, h[r], l[r])) lines.Add(new($"register {r}", ValueText.Of(h[r]), ValueText.Of(l[r]), "val_inject fails"));
        }
        else if (!Inject.Val(f, run.RetHigh.V, run.RetLow.V))
            lines.Add(new("result", ValueText.Of(run.RetHigh.V), ValueText.Of(run.RetLow.V), "val_inject fails"));
        Flags(post, lines);
        Vmcs(f, post, o.Case.TotalCpu, lines);
        Vmx(f, post, o.Case.TotalCpu, lines);
        if (o.Violated.Contains(Relation.Memory) && o.Witness.TryGetValue(Relation.Memory, out var mem))
            lines.Add(new("memory", "", "", mem));
        return lines;
    }

    static void Flags(LayerPair<CTerm> p, List<DiffLine> lines)
    {
        (string, CTerm, CTerm)[] flags = [("ikern", p.High.Ikern, p.Low.Ikern), ("ihost", p.High.Ihost, p.Low.Ihost),
            ("pg", p.High.Pg, p.Low.Pg), ("init", p.High.Init, p.Low.Init)];
        foreach (var (name, h, l) in flags)
            if (h.B != l.B) lines.Add(new($"flag {name}", h.B.ToString().ToLowerInvariant(), l.B.ToString().ToLowerInvariant(), "relate: flags differ"));
        if (p.High.CpuId.Z != p.Low.CpuId.Z) lines.Add(new("CpuId", p.High.CpuId.Z.ToString(), p.Low.CpuId.Z.ToString(), "relate: CPU ids differ"));
    }

    static void Vmcs(MemInj f, LayerPair<CTerm> p, int totalCpu, List<DiffLine> lines)
    {
        VmcsArea h = p.High.Vmcs.As<VmcsArea>(), l = p.Low.Vmcs.As<VmcsArea>();
        for (int c = 0; c < totalCpu; c++)
        {
            if (h[c].Revid != l[c].Revid) lines.Add(new($"CPU {c} VMCS revid", ValueText.Of(h[c].Revid), ValueText.Of(l[c].Revid), "relate: revids differ"));
            if (h[c].Abrtid != l[c].Abrtid) lines.Add(new($"CPU {c} VMCS abrtid", ValueText.Of(h[c].Abrtid), ValueText.Of(l[c].Abrtid), "relate: abrtids differ"));
            foreach (var (enc, _) in VmcsFields.All)
                if (!Inject.Val(f, h[c].Get(enc), l[c].Get(enc)))
                    lines.Add(new($"CPU {c} VMCS {VmcsFields.Describe(enc)}", ValueText.Of(h[c].Get(enc)), ValueText.Of(l[c].Get(enc)), "relate: val_inject fails"));
        }
    }

    static void Vmx(MemInj f, LayerPair<CTerm> p, int totalCpu, List<DiffLine> lines)
    {
        var vmx = p.High.Vmx.As<VmxArea>();
        var mem = p.MemLow.As<Mem>();
        for (int c = 0; c < totalCpu; c++)
            for (int i = 0; i < VmxSlots.Size; i++)
            {
                long ofs = VmxSlots.Offset(c, i);
                Val high = ValOps.LoadResult(Chunk.Mint32, vmx.Get(c, i));
                Val? low = mem.Load(Chunk.Mint32, Genv.VmxLocBlock, ofs);
                string where = $"CPU {c} {VmxSlots.Describe(i)}";
                if (low is not { } v) lines.Add(new(where, ValueText.Of(high), "(load fails)", "match: Mint32 load of VMX_LOC fails"));
                else if (!mem.ValidAccess(Chunk.Mint32, Genv.VmxLocBlock, ofs, Permission.Writable))
                    lines.Add(new(where, ValueText.Of(high), ValueText.Of(v), "match: VMX_LOC word not writable"));
                else if (!Inject.Val(f, high, v)) lines.Add(new(where, ValueText.Of(high), ValueText.Of(v), "match: val_inject fails"));
            }
    }
}
