using VmxLayers.Machine;
using VmxLayers.Refinement;
using VmxLayers.Semantics;
using VmxLayers.Spec;
using VmxLayers.Spec.Concrete;

namespace VmxLayers.Tests.Refinement;

public class SimulationRoundTripTests
{
    static SimInput<CTerm> Input(World w, Prim p, int cpu, params uint[] args)
    {
        var a = args.Select(x => new CTerm(Val.Vint(x))).ToArray();
        var rs = RegSet.Undef
            .Set(Preg.PC, Val.Vptr(p == Prim.vmx_exit ? Genv.VmxExitBlock : Genv.VmxEnterBlock, 0u))
            .Set(Preg.ECX, Val.Vint((uint)(152 * cpu)))
            .Set(Preg.ESP, Val.Vint(0x1000)).Set(Preg.EAX, Val.Vint(7)).Set(Preg.RA, Val.Vptr(Genv.VmxEnterBlock, 0u));
        var regs = new CTerm(new RegBox(rs));
        return new SimInput<CTerm>(w.Pair(cpu), a, a, regs, regs);
    }

    [Theory]
    [InlineData(Prim.vmx_readz, new uint[] { 5 })]
    [InlineData(Prim.vmx_writez, new uint[] { 5, 99 })]
    [InlineData(Prim.vmx_enter_pre, new uint[0])]
    [InlineData(Prim.vmx_exit_post, new uint[0])]
    [InlineData(Prim.vmx_exit, new uint[0])]
    [InlineData(Prim.vmx_enter, new uint[0])]
    public void EveryPrimitiveSimulatesFromTheInitialWorld(Prim p, uint[] args)
    {
        var w = World.Initial(2);
        var d = w.Domain();
        var run = Simulation.Run<CTerm, ConcreteDomain>(ref d, p, Input(w, p, 1, args));
        Assert.True(run.Hypothesis.B, string.Join("; ", w.Context.Witness));
        Assert.True(run.HighOk, w.Context.Why);
        Assert.True(run.LowOk, w.Context.Why);
        foreach (var g in run.Goals) Assert.True(g.Formula.B, $"{g.Clause}: {string.Join("; ", w.Context.Witness)}");
    }

    [Fact]
    public void ExitStoresEbxIntoSlot4MutantBreaksMatch()
    {
        var w = World.Initial(2, MutantId.ExitStoresEbxIntoSlot4);
        var d = w.Domain();
        var input = Input(w, Prim.vmx_exit, 0);
        var run = Simulation.Run<CTerm, ConcreteDomain>(ref d, Prim.vmx_exit, input with
        {
            RegsHigh = new CTerm(new RegBox(input.RegsHigh.As<RegBox>().Regs.Set(Preg.EBX, Val.Vint(42)))),
            RegsLow = new CTerm(new RegBox(input.RegsLow.As<RegBox>().Regs.Set(Preg.EBX, Val.Vint(42)))),
        });
        Assert.True(run.LowOk);
        var failed = run.Goals.Where(g => !g.Formula.B).Select(g => g.Clause).ToList();
        Assert.Contains(Relation.MatchAll, failed);
        Assert.Contains("CPU 0, slot 2 (G_RBX)", w.Context.Witness[Relation.MatchAll]);
    }
}

public class PrimNameTests
{
    [Theory]
    [InlineData("vmx_readz", true)]
    [InlineData("vmx_enter", true)]
    [InlineData("3", false)]
    [InlineData("vmx_readz,vmx_writez", false)]
    [InlineData("VMX_READZ", false)]
    [InlineData("", false)]
    public void OnlyExactPrimitiveNamesParse(string name, bool ok) => Assert.Equal(ok, PrimInfo.TryParse(name, out _));
}
