using VmxLayers.Layers;
using VmxLayers.Machine;
using VmxLayers.Semantics;
using VmxLayers.Spec.Concrete;

namespace VmxLayers.Tests.Machine;

/// <summary>The co-simulation's persistent representations behave like the plain values they replace.</summary>
public class PersistentStateTests
{
    [Fact]
    public void RegisterBoxChainsEqualRepeatedSets()
    {
        var start = RegSet.Undef.Set(Preg.EAX, Val.Vint(1)).Set(Preg.EDI, Val.Vint(2)).Set(Preg.PC, Val.Vint(3));
        var expected = start;
        var box = new RegBox(start);
        (Preg, Val)[][] steps =
        [
            [(Preg.EAX, Val.Vundef), (Preg.ECX, Val.Vundef)],
            [(Preg.EDI, Val.Vint(7)), (Preg.EAX, Val.Vint(8)), (Preg.EDI, Val.Vint(9))],
            [(Preg.PC, Val.Vptr(1, 0u))], [(Preg.EBX, Val.Vint(4))], [(Preg.ESP, Val.Vint(5))], [(Preg.EBX, Val.Vundef)],
        ];
        foreach (var step in steps)
        {
            box = box.With(step);
            foreach (var (r, v) in step) expected = expected.Set(r, v);
            Assert.Equal(expected, box.Regs);
            foreach (var r in PregInfo.All) Assert.Equal(expected[r], box[r]);
        }
        Assert.Equal(Val.Vint(9), box[Preg.EDI]);   // the last of two updates in one step wins
    }

    [Fact]
    public void VmcsFieldWritesShareUntouchedChunksAndReportExactlyTheChangedFields()
    {
        var a = VmcsData.Zeroed();
        var b = a.Set(VmcsFields.GUEST_RIP, Val.Vint(5)).SetMany([(VmcsFields.EXIT_REASON, Val.Vint(10)), (VmcsFields.GUEST_RIP, Val.Vint(6))]);
        Assert.Equal(Val.Vzero, a.Get(VmcsFields.GUEST_RIP));
        Assert.Equal(Val.Vint(6), b.Get(VmcsFields.GUEST_RIP));
        Assert.Equal(Val.Vint(10), b.Get(VmcsFields.EXIT_REASON));
        var changed = new List<int>();
        VmcsData.ChangedFields(a, b, changed);
        Assert.Equal(new[] { VmcsFields.Ordinal(VmcsFields.GUEST_RIP), VmcsFields.Ordinal(VmcsFields.EXIT_REASON) }.Order(), changed.Order());
        Assert.Same(b, b.Set(VmcsFields.GUEST_RIP, Val.Vint(6)));   // writing the value it holds changes nothing
    }

    [Fact]
    public void SaveAreaDiffFindsExactlyTheWrittenSlots()
    {
        var a = VmxArea.Init(20);
        var b = a.Set(3, 7, Val.Vint(1)).Set(17, 37, Val.Vint(2)).Set(3, 7, Val.Vint(1));
        Assert.Equal(Val.Vundef, a.Get(3, 7));
        Assert.Equal(Val.Vint(2), b.Get(17, 37));
        var changed = new List<(int, int)>();
        VmxArea.ChangedSlots(a, b, changed, []);
        Assert.Equal([(3, 7), (17, 37)], changed);
    }

    [Fact]
    public void CachedViewsFollowTheMachineTheyAreTakenFrom()
    {
        var w = World.Initial(2);
        var before = w.High.View(1);
        var vmcs = w.High.Vmcs.Set(1, w.High.Vmcs[1].Set(VmcsFields.GUEST_RIP, Val.Vint(9)));
        var changed = w.High with { Vmcs = vmcs };
        Assert.Same(vmcs, changed.View(1).Vmcs.O);
        Assert.Same(w.High.Vmcs, w.High.View(1).Vmcs.O);
        Assert.Equal(before, w.High.View(1));   // rebuilt or cached: the same value
        Assert.Equal(w.High, w.High with { });
    }
}
