using VmxLayers.Cases;
using VmxLayers.Constants;
using VmxLayers.Machine;
using VmxLayers.Refinement;
using VmxLayers.Semantics;
using VmxLayers.Spec;
using VmxLayers.Spec.Concrete;

namespace VmxLayers.Tests.Refinement;

public class SimulationRoundTripTests
{
    static SimInput<CTerm> Input(World w, PrimitiveDef p, int cpu, params uint[] args)
    {
        var a = args.Select(x => new Val<CTerm>(new CTerm(Val.Vint(x)))).ToArray();
        var rs = RegSet.Undef
            .Set(Preg.PC, p.Primitive.IsAsm ? CaseBuilder.Entry(p) : Val.Vundef)
            .Set(Preg.ECX, Val.Vint((uint)(152 * cpu)))
            .Set(Preg.ESP, Val.Vint(0x1000)).Set(Preg.EAX, Val.Vint(7)).Set(Preg.RA, Val.Vptr(Genv.VmxEnterBlock, 0u));
        var regs = new Regs<CTerm>(new CTerm(new RegBox(rs)));
        return new SimInput<CTerm>(w.Pair(cpu), a, a, regs, regs);
    }

    [Theory]
    [InlineData("vmx_readz", new uint[] { 5 })]
    [InlineData("vmx_writez", new uint[] { 5, 99 })]
    [InlineData("vmx_enter_pre", new uint[0])]
    [InlineData("vmx_exit_post", new uint[0])]
    [InlineData("vmx_exit", new uint[0])]
    [InlineData("vmx_enter", new uint[0])]
    public void EveryPrimitiveSimulatesFromTheInitialWorld(string name, uint[] args)
    {
        var p = Prims.Real.Find(name)!;
        var w = World.Initial(2);
        var d = w.Domain();
        var run = Simulation.Run(ref d, Prims.Statement(p), Input(w, p, 1, args));
        Assert.True(run.Hypothesis.Raw.B, string.Join("; ", w.Context.Witness));
        Assert.True(run.HighOk, w.Context.Why);
        Assert.True(run.LowOk, w.Context.Why);
        foreach (var g in run.Goals) Assert.True(g.Formula.Raw.B, $"{g.Clause}: {string.Join("; ", w.Context.Witness)}");
    }

    [Fact]
    public void ExitStoresEbxIntoSlot4MutantBreaksMatch()
    {
        var w = World.Initial(2);
        var d = w.Domain();
        var input = Input(w, Prims.vmx_exit, 0);
        var regs = new Regs<CTerm>(new CTerm(new RegBox(input.RegsHigh.Raw.As<RegBox>().Regs.Set(Preg.EBX, Val.Vint(42)))));
        var run = Simulation.Run(ref d, Prims.Statement(Prims.vmx_exit, "exit-stores-ebx-into-slot4"), input with { RegsHigh = regs, RegsLow = regs });
        Assert.True(run.LowOk);
        var failed = run.Goals.Where(g => !g.Formula.Raw.B).Select(g => g.Clause).ToList();
        Assert.Contains(VmxRelation.Match, failed);
        Assert.Equal("slot 2 (G_RBX)", w.Context.Witness[VmxRelation.Match]);
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
    public void OnlyExactPrimitiveNamesAreFound(string name, bool ok) => Assert.Equal(ok, Prims.Real.Find(name) is not null);
}
