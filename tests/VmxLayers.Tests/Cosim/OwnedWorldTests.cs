using VmxLayers.Cosim;
using VmxLayers.Constants;
using VmxLayers.Layers;
using VmxLayers.Machine;
using VmxLayers.Mutants;
using VmxLayers.Semantics;
using VmxLayers.Spec.Concrete;

namespace VmxLayers.Tests.Cosim;

/// <summary>The co-simulation runs on a world updated in place (<see cref="World.Owned"/>); it must do exactly what the persistent world does.</summary>
public class OwnedWorldTests
{
    public static TheoryData<int, Interleave, long?> Runs => new()
    {
        { 1, Interleave.RoundRobin, null }, { 2, Interleave.Random, null }, { 4, Interleave.RoundRobin, 3000 }, { 8, Interleave.Random, 2000 },
    };

    [Theory, MemberData(nameof(Runs))]
    public void AnOwnedRunEqualsAPersistentRunStepForStepInEffect(int cpus, Interleave interleave, long? exits)
    {
        var options = new SimulateOptions { Cpus = cpus, Interleave = interleave, Seed = 21, MaxExits = exits, Guests = [.. GuestNames(cpus)] };
        var owned = CoSimulation.Run(options);
        var persistent = CoSimulation.Run(options with { Persistent = true });
        Assert.True(owned.Passed, owned.Failure?.ToString());
        AssertSameRun(persistent, owned);
        AssertSameWorld(persistent.FinalWorld!, owned.FinalWorld!);
    }

    public static TheoryData<string> SpecMutants => [.. MutantCatalog.All.Where(m => m.Target != MutantTarget.Relation).Select(m => m.Name)];

    [Theory, MemberData(nameof(SpecMutants))]
    public void EveryMutantFailsTheSameWayOnBothWorlds(string name)
    {
        Assert.True(MutantCatalog.TryParse(name, out var mutant));
        var options = new SimulateOptions { Cpus = 3, Guests = ["regs", "hello", "fib"], Refinement = mutant.On(Prims.Real), MutantName = mutant.Name, MaxExits = 400, Interleave = Interleave.Random, Seed = 4 };
        AssertSameRun(CoSimulation.Run(options with { Persistent = true }), CoSimulation.Run(options));
    }

    [Fact]
    public void TheOwnedWorldSharesNoStorageWithTheWorldItCameFrom()
    {
        var w = World.Initial(2, stackBlocks: 2);
        var owned = w.Owned();
        var vmx = owned.High.Vmx.Set(1, VmxSlots.G_RBX, Val.Vint(5));
        var vmcs = owned.Low.Vmcs.Set(0, owned.Low.Vmcs[0].Set(VmcsFields.GUEST_RIP, Val.Vint(6)));
        var mem = owned.Low.Mem.Store(Chunk.Mint32, Genv.VmxLocBlock, VmxSlots.Offset(1, VmxSlots.G_RBX), Val.Vint(7));
        Assert.Same(owned.High.Vmx, vmx);   // written in place
        Assert.Same(owned.Low.Vmcs, vmcs);
        Assert.Same(owned.Low.Mem, mem);
        Assert.Equal(Val.Vint(5), owned.High.Vmx.Get(1, VmxSlots.G_RBX));
        Assert.Equal(Val.Vint(7), owned.Low.Mem.Load(Chunk.Mint32, Genv.VmxLocBlock, VmxSlots.Offset(1, VmxSlots.G_RBX)));
        Assert.Equal(Val.Vint(6), owned.Low.Vmcs[0].Get(VmcsFields.GUEST_RIP));
        Assert.Equal(Val.Vzero, owned.High.Vmcs[0].Get(VmcsFields.GUEST_RIP));   // the layers shared a VMCS area; not any more
        Assert.Equal(Val.Vzero, w.High.Vmx.Get(1, VmxSlots.G_RBX));   // the original is untouched
        Assert.Equal(Val.Vzero, w.Low.Vmcs[0].Get(VmcsFields.GUEST_RIP));
        Assert.Equal(Val.Vzero, w.Low.Mem.Load(Chunk.Mint32, Genv.VmxLocBlock, VmxSlots.Offset(1, VmxSlots.G_RBX)));
        Assert.Null(WorldRelation.Check(w, Prims.Relation));
    }

    [Fact]
    public void AnOwnedMemoryOnlyStores()
    {
        var owned = World.Initial(1).Low.Mem.Owned();
        var e = Assert.Throws<InvalidOperationException>(() => owned.Alloc(0, 8));
        Assert.Contains("owned memory", e.Message);
        Assert.Throws<InvalidOperationException>(() => owned.Free(Genv.VmxLocBlock, 0, 4));
    }

    static IEnumerable<string> GuestNames(int cpus) => Enumerable.Range(0, cpus).Select(c => SimulateOptions.DefaultGuests[c % SimulateOptions.DefaultGuests.Count]);

    static void AssertSameRun(SimulationReport expected, SimulationReport actual)
    {
        Assert.Equal(expected.Failure, actual.Failure);
        Assert.Equal(expected.Exits, actual.Exits);
        Assert.Equal(expected.ExitsByReason, actual.ExitsByReason);
        Assert.Equal(expected.PrimitiveCallsByName, actual.PrimitiveCallsByName);
        Assert.Equal(expected.PassthroughCalls, actual.PassthroughCalls);
        Assert.Equal(expected.GuestSteps, actual.GuestSteps);
        Assert.Equal(expected.Checks, actual.Checks);
        Assert.Equal(expected.Cpus, actual.Cpus);
    }

    /// <summary>Every value either layer holds: flags, every save-area slot and VMCS field of every CPU, every memory cell and permission.</summary>
    static void AssertSameWorld(World expected, World actual)
    {
        foreach (var (e, a) in new[] { (expected.High, actual.High), (expected.Low, actual.Low) })
        {
            Assert.Equal(e.Flags.AsEnumerable(), a.Flags.AsEnumerable());
            for (int c = 0; c < e.TotalCpu; c++)
            {
                for (int i = 0; i < VmxSlots.Size; i++) Assert.Equal(e.Vmx.Get(c, i), a.Vmx.Get(c, i));
                Assert.Equal(e.Vmcs[c].Revid, a.Vmcs[c].Revid);
                Assert.Equal(e.Vmcs[c].Abrtid, a.Vmcs[c].Abrtid);
                foreach (var (enc, _) in VmcsFields.All) Assert.Equal(e.Vmcs[c].Get(enc), a.Vmcs[c].Get(enc));
            }
            Assert.Equal(e.Mem.NextBlock, a.Mem.NextBlock);
            for (int b = 1; b < e.Mem.NextBlock; b++)
            {
                Assert.Equal(e.Mem.Bounds(b), a.Mem.Bounds(b));
                Assert.Equal(e.Mem.PermissionRuns(b), a.Mem.PermissionRuns(b));
                var (lo, hi) = e.Mem.Bounds(b)!.Value;
                for (long ofs = lo; ofs < hi; ofs++) Assert.Equal(e.Mem.Cell(b, ofs), a.Mem.Cell(b, ofs));
            }
        }
    }
}
