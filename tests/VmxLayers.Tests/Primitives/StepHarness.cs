using VmxLayers.Checking;
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
        public Val Slot(int i) => Data.Vmx.As<VmxArea>().Get(Data.CpuId.Z, i);
        public Val LowSlot(int i) => Mem.Load(Chunk.Mint32, Genv.VmxLocBlock, VmxSlots.Offset(Data.CpuId.Z, i))!.Value;
        public Val Vmcs(int enc) => Data.Vmcs.As<VmcsArea>()[Data.CpuId.Z].Get(enc);
    }

    public static CaseBuilder Case(Prim p, int totalCpu = 2, int cpu = 1) => new(p, totalCpu, cpu, BlockLayout.Shifted);

    public static Result Run(CaseBuilder b, bool high)
    {
        var c = b.Build();
        var w = c.ToWorld();
        var d = w.Domain();
        var input = c.ToInput(w);
        var pair = input.Pre;
        var (ok, data, mem, ret, regs) = Simulation.Step<CTerm, ConcreteDomain>(ref d, c.Prim, high,
            high ? pair.High : pair.Low, high ? pair.MemHigh : pair.MemLow,
            high ? input.ArgsHigh : input.ArgsLow, high ? input.RegsHigh : input.RegsLow);
        return new Result(ok, w.Context.Why, data, mem.As<Mem>(), ret.V, regs.O is RegBox rb ? rb.Regs : RegSet.Undef);
    }

    public static CpuFlags Without(string flag) => flag switch
    {
        "ikern" => CpuFlags.AllTrue with { Ikern = false },
        "ihost" => CpuFlags.AllTrue with { Ihost = false },
        "pg" => CpuFlags.AllTrue with { Pg = false },
        _ => CpuFlags.AllTrue with { Init = false },
    };
}
