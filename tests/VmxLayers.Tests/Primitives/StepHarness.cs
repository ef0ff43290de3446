using VmxLayers.Cases;
using VmxLayers.Constants;
using VmxLayers.Layers;
using VmxLayers.Machine;
using VmxLayers.Refinement;
using VmxLayers.Semantics;
using VmxLayers.Spec;
using VmxLayers.Spec.Concrete;

namespace VmxLayers.Tests.Primitives;

/// <summary>Runs one side of a primitive on a case built with <see cref="CaseBuilder"/>.</summary>
public static class StepHarness
{
    public sealed record Result(bool Ok, string? Why, AbsData<CTerm> Data, Mem Mem, Val Ret, RegSet Regs)
    {
        long Cpu => Data.CpuId.Raw.Z;
        public Val Slot(int i) => Data.Vmx.Raw.As<VmxArea>().Get(Cpu, i);
        public Val LowSlot(int i) => Mem.Load(Chunk.Mint32, Genv.VmxLocBlock, VmxSlots.Offset(Cpu, i))!.Value;
        public Val Vmcs(int enc) => Data.Vmcs.Raw.As<VmcsArea>()[Cpu].Get(enc);
    }

    public static CaseBuilder Case(PrimitiveDef p, int totalCpu = 2, int cpu = 1) => new(p, totalCpu, cpu, BlockLayout.Shifted);

    /// <summary>Runs the high (PVMXIntro) or low (VMCSInit) spec of the case's primitive.</summary>
    public static Result Run(CaseBuilder b, bool high)
    {
        var c = b.Build();
        var w = c.ToWorld();
        var d = w.Domain();
        var input = c.ToInput(w);
        var pair = input.Pre;
        var s = VmxLayerPair.Refinement.Statement(c.Prim);
        var r = Simulation.Step(ref d, high ? s.Upper : s.Lower,
            high ? pair.High : pair.Low, high ? pair.MemHigh : pair.MemLow,
            high ? input.ArgsHigh : input.ArgsLow, high ? input.RegsHigh : input.RegsLow);
        return new Result(r.Ok, w.Context.Why, r.Data, r.Mem.Raw.As<Mem>(), r.Ret.Raw.V, r.Regs.Raw.O is RegBox rb ? rb.Regs : RegSet.Undef);
    }

    public static CpuFlags Without(string flag) => flag switch
    {
        "ikern" => CpuFlags.AllTrue with { Ikern = false },
        "ihost" => CpuFlags.AllTrue with { Ihost = false },
        "pg" => CpuFlags.AllTrue with { Pg = false },
        "init" => CpuFlags.AllTrue with { Init = false },
        _ => throw new ArgumentException($"unknown flag {flag}"),
    };
}
