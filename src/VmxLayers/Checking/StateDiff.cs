using VmxLayers.Constants;
using VmxLayers.Refinement;
using VmxLayers.Semantics;
using VmxLayers.Spec.Concrete;

namespace VmxLayers.Checking;

/// <summary>One place where the high and low sides do not correspond.</summary>
public readonly record struct DiffLine(string Where, string High, string Low, string Why);

/// <summary>
/// Where a violated case's results and post-states fail to correspond, place by place: the failing goals and the
/// failing instances the relation's own clauses reported (<see cref="CaseOutcome.Failures"/>), with the values
/// found there on each side. Nothing here decides whether something is related.
/// </summary>
public static class StateDiff
{
    public static IReadOnlyList<DiffLine> Of(CaseOutcome o)
    {
        var lines = new List<DiffLine>();
        if (o.Run is not { } run) return lines;
        if (run is { HighOk: true, LowOk: false })
        {
            lines.Add(new("low step", "succeeds", "fails", o.Why ?? "?"));
            return lines;
        }
        if (run.Post is not { } post) return lines;
        foreach (var g in run.Goals.Where(g => !g.Formula.Raw.B))
        {
            if (g.Clause == VmxRelationCode<CTerm, ConcreteDomain>.Result)
                lines.Add(new("result", ValueText.Of(run.RetHigh.Raw.V), ValueText.Of(run.RetLow.Raw.V), "val_inject fails"));
            else if (Registers.TryGetValue(g.Clause, out var r))
                lines.Add(new(g.Clause, ValueText.Of(run.RegsHigh.Raw.As<RegBox>()[r]), ValueText.Of(run.RegsLow.Raw.As<RegBox>()[r]), "val_inject fails"));
            else if (g.Clause == VmxRelation.RelateFlags)
                lines.Add(new($"CPU {o.Case.Cpu} flags and CPU id", Flags(post.High), Flags(post.Low), g.Clause));
        }
        foreach (var f in o.Failures) lines.Add(Line(f, post, o.Case.Cpu));
        return lines;
    }

    static string Flags(Spec.AbsData<CTerm> a) =>
        $"ikern={Bit(a.Ikern)} ihost={Bit(a.Ihost)} pg={Bit(a.Pg)} init={Bit(a.Init)} cpu={a.CpuId.Raw.Z}";

    static int Bit(Spec.Bool<CTerm> b) => b.Raw.B ? 1 : 0;

    static readonly Dictionary<string, Preg> Registers = PregInfo.All.ToDictionary(VmxRelationCode<CTerm, ConcreteDomain>.RegisterClause);

    /// <summary>A failing instance with the values at its place.</summary>
    static DiffLine Line(ClauseWitness f, LayerPair<CTerm> post, int currentCpu)
    {
        long cpu = f.Cpu < 0 ? currentCpu : f.Cpu;
        switch (f.Kind)
        {
            case WitnessKind.Slot:
                var high = post.High.Vmx.Raw.As<VmxArea>().Get(cpu, f.Index);
                var low = post.MemLow.Raw.As<Mem>().Load(Chunk.Mint32, Genv.VmxLocBlock, VmxSlots.Offset(cpu, f.Index));
                return new($"CPU {cpu} {VmxSlots.Describe(f.Index)}", ValueText.Of(high), low is { } v ? ValueText.Of(v) : "(load fails)", f.Clause);
            case WitnessKind.VmcsField:
                var h = post.High.Vmcs.Raw.As<VmcsArea>()[cpu];
                var l = post.Low.Vmcs.Raw.As<VmcsArea>()[cpu];
                bool ids = h.Revid != l.Revid || h.Abrtid != l.Abrtid;
                return ids
                    ? new($"CPU {cpu} VMCS revid/abrtid", $"{ValueText.Of(h.Revid)}/{ValueText.Of(h.Abrtid)}", $"{ValueText.Of(l.Revid)}/{ValueText.Of(l.Abrtid)}", f.Clause)
                    : new($"CPU {cpu} VMCS {VmcsFields.Describe(f.Index)}", ValueText.Of(h.Get(f.Index)), ValueText.Of(l.Get(f.Index)), f.Clause);
            case WitnessKind.Whole:
                return new(f.Clause, "", "", f.Where);
            default:
                throw new ArgumentOutOfRangeException(nameof(f), f.Kind, "unknown witness kind");
        }
    }
}
