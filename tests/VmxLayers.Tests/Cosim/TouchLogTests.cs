using VmxLayers.Cosim;
using VmxLayers.Constants;
using VmxLayers.Layers;
using VmxLayers.Machine;
using VmxLayers.Mutants;
using VmxLayers.Refinement;
using VmxLayers.Semantics;
using VmxLayers.Spec;
using VmxLayers.Spec.Concrete;

namespace VmxLayers.Tests.Cosim;

/// <summary>The incremental check reads where a step wrote from the domain's touch log; these tests show the log is complete.</summary>
public class TouchLogTests
{
    public static TheoryData<int, Interleave> Configurations => new() { { 1, Interleave.RoundRobin }, { 3, Interleave.Random }, { 8, Interleave.Random } };

    [Theory, MemberData(nameof(Configurations))]
    public void EveryChangeOfEveryStepOfEveryGuestIsLogged(int cpus, Interleave interleave)
    {
        // with VerifyTouchLog every step also diffs the persistent structures and fails on a change the log missed
        var report = CoSimulation.Run(new SimulateOptions { Cpus = cpus, Guests = [.. SimulateOptions.DefaultGuests], Interleave = interleave, Seed = 9, VerifyTouchLog = true });
        Assert.True(report.Passed, report.Failure?.ToString());
    }

    public static TheoryData<string> SpecMutants => [.. MutantCatalog.All.Where(m => m.Target != MutantTarget.Relation).Select(m => m.Name)];

    [Theory, MemberData(nameof(SpecMutants))]
    public void TheWritesOfEveryMutantAreLoggedToo(string name)
    {
        Assert.True(MutantCatalog.TryParse(name, out var mutant));
        var report = CoSimulation.Run(new SimulateOptions { Cpus = 3, Guests = ["regs", "hello"], Refinement = mutant.On(Prims.Real), MutantName = mutant.Name, MaxExits = 300, VerifyTouchLog = true });
        Assert.DoesNotContain("touch log", report.Failure?.Clause ?? "");
    }

    /// <summary>A world whose high save area (and optionally low VMX_LOC) has `value` at CPU 1, slot 3: written directly, not through the domain.</summary>
    static (World Before, World After) WriteBehindTheLogsBack(bool alsoLow)
    {
        var before = World.Initial(2);
        var value = Val.Vint(5);
        var high = before.High with { Vmx = before.High.Vmx.Set(1, VmxSlots.G_RBX, value) };
        var low = alsoLow ? before.Low with { Mem = before.Low.Mem.Store(Chunk.Mint32, Genv.VmxLocBlock, VmxSlots.Offset(1, VmxSlots.G_RBX), value)! } : before.Low;
        return (before, before with { High = high, Low = low });
    }

    /// <summary>An encoding outside the valid set changed behind the log's back: the whole CPU's VMCS is checked (SPEC §4: every encoding present on either side).</summary>
    [Fact]
    public void AnInvalidEncodingChangedWithNothingLoggedIsCheckedWithTheWholeCpu()
    {
        var before = World.Initial(2);
        World With(long highValue, long lowValue) => before with
        {
            High = before.High with { Vmcs = before.High.Vmcs.Set(1, before.High.Vmcs[1].Set(0x9999, Val.Vint((uint)highValue))) },
            Low = before.Low with { Vmcs = before.Low.Vmcs.Set(1, before.Low.Vmcs[1].Set(0x9999, Val.Vint((uint)lowValue))) },
        };
        Assert.Null(new IncrementalRelation(Prims.Relation).Check(before, With(1, 1), new TouchLog()));
        string? why = new IncrementalRelation(Prims.Relation).Check(before, With(1, 2), new TouchLog());
        Assert.StartsWith(VmxRelation.RelateVmcs, why);
        Assert.Contains("0x9999", why);
    }

    [Fact]
    public void VerificationReportsAWriteTheLogMissed()
    {
        var (before, after) = WriteBehindTheLogsBack(alsoLow: true);
        string? why = new IncrementalRelation(Prims.Relation, verifyLog: true).Check(before, after, new TouchLog());
        Assert.Equal("touch log: the high save area changed at CPU 1, " + VmxSlots.Describe(VmxSlots.G_RBX) + " with no logged write", why);
    }

    [Fact]
    public void AStructureThatChangedWithNothingLoggedIsDiffedInstead()
    {
        var (before, related) = WriteBehindTheLogsBack(alsoLow: true);
        Assert.Null(new IncrementalRelation(Prims.Relation).Check(before, related, new TouchLog()));
        var (_, unrelated) = WriteBehindTheLogsBack(alsoLow: false);
        Assert.Contains(VmxSlots.Describe(VmxSlots.G_RBX), new IncrementalRelation(Prims.Relation).Check(before, unrelated, new TouchLog()));
    }

    [Fact]
    public void TheDomainLogsTheSlotsStoresAndFieldsItWrites()
    {
        var w = World.Initial(2);
        var log = new TouchLog();
        w.Context.Touched = log;
        var d = w.Domain();
        d.SetSlot(new(new CTerm(w.High.Vmx)), d.Z(1), d.Z(VmxSlots.G_RIP), new(new CTerm(Val.Vint(7))));
        d.StoreVmxLoc(new(new CTerm(w.Low.Mem)), d.Z(VmxSlots.Offset(1, VmxSlots.G_RIP)), new(new CTerm(Val.Vint(7))), out var ok);
        d.StoreVmxLoc(new(new CTerm(w.Low.Mem)), d.Z(-4), new(new CTerm(Val.Vint(7))), out var failed);
        d.SetVmcsField(new(new CTerm(w.High.Vmcs)), d.Z(0), d.Z(VmcsFields.GUEST_RIP), new(new CTerm(Val.Vint(7))));
        Assert.True(ok.Raw.B);
        Assert.False(failed.Raw.B);
        Assert.Equal([(1L, (long)VmxSlots.G_RIP)], log.Slots);
        Assert.Equal([VmxSlots.Offset(1, VmxSlots.G_RIP)], log.VmxLocStores);   // the failed store changed nothing
        Assert.Equal([(0L, (long)VmcsFields.GUEST_RIP)], log.VmcsFields);
    }
}
