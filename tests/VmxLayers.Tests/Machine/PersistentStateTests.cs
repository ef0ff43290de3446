using VmxLayers.Constants;
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
            AssertReadsAs(expected, box);
        }
        Assert.Equal(Val.Vint(9), box[Preg.EDI]);   // the last of two updates in one step wins
    }

    /// <summary>The box reads as `expected` whole, register by register, and copied out.</summary>
    static void AssertReadsAs(RegSet expected, RegBox box)
    {
        Assert.Equal(expected, box.Regs);
        foreach (var r in PregInfo.All) Assert.Equal(expected[r], box[r]);
        var copied = new Val[PregInfo.Count];
        box.CopyTo(copied);
        foreach (var r in PregInfo.All) Assert.Equal(expected[r], copied[(int)r]);
    }

    [Fact]
    public void UndefinedLayersMixWithUpdatesAndFlattenAsTheRegisterSetDoes()
    {
        var gen = new Random(7);
        for (int run = 0; run < 200; run++)
        {
            var expected = RegSet.Init(Val.Vint(1));
            var box = new RegBox(expected);
            for (int step = 0; step < 9; step++)   // past the flattening depth
            {
                var regs = PregInfo.All.Where(_ => gen.Next(3) == 0).ToArray();
                if (gen.Next(2) == 0)
                {
                    box = box.WithUndefined(regs);
                    expected = expected.UndefRegs(regs);
                }
                else
                {
                    var updates = regs.Select(r => (r, Val.Vint((uint)gen.Next(100)))).ToArray();
                    box = box.With(updates);
                    foreach (var (r, v) in updates) expected = expected.Set(r, v);
                }
                AssertReadsAs(expected, box);
            }
        }
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

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void SaveAreaWriteChainsReadAndDiffLikeAPlainMap(int seed)
    {
        // two histories from one start, long enough to fold write chains several times
        var rng = new Random(seed);
        const int cpus = 12;
        var start = VmxArea.Init(cpus);
        var histories = new List<(VmxArea Area, Dictionary<(int, int), Val> Plain)>[2];
        for (int h = 0; h < 2; h++)
        {
            var area = start;
            var plain = new Dictionary<(int, int), Val>();
            histories[h] = [(area, new(plain))];
            for (int k = 0; k < 150; k++)
            {
                int c = rng.Next(cpus), i = rng.Next(VmxSlots.Size);
                var v = Val.Vint((uint)rng.Next(3));   // small values: many writes rewrite what the slot holds
                area = area.Set(c, i, v);
                plain[(c, i)] = v;
                histories[h].Add((area, new(plain)));
            }
        }
        var all = histories[0].Concat(histories[1]).ToList();
        foreach (var (area, plain) in all)
            for (int c = 0; c < cpus; c++)
                for (int i = 0; i < VmxSlots.Size; i++)
                    Assert.Equal(plain.GetValueOrDefault((c, i)), area.Get(c, i));
        for (int k = 0; k < 400; k++)
        {
            var (a, pa) = all[rng.Next(all.Count)];
            var (b, pb) = all[rng.Next(all.Count)];
            var expected = pa.Keys.Union(pb.Keys).Where(key => pa.GetValueOrDefault(key) != pb.GetValueOrDefault(key)).Order().ToList();
            var changed = new List<(int, int)>();
            VmxArea.ChangedSlots(a, b, changed, []);
            Assert.Equal(expected, changed);
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void ValueArrayWriteChainsReadAndDiffLikeAPlainArray(int seed)
    {
        var rng = new Random(seed);
        const int length = 45;   // not a multiple of the chunk size
        var start = ValChunks.From(new Val[length]);
        var all = new List<(ValChunks Array, Val[] Plain)>();
        for (int h = 0; h < 2; h++)
        {
            var array = start;
            var plain = new Val[length];
            all.Add((array, (Val[])plain.Clone()));
            for (int k = 0; k < 120; k++)
            {
                if (rng.Next(4) == 0)
                {
                    var updates = Enumerable.Range(0, rng.Next(1, 6)).Select(_ => (rng.Next(length), Val.Vint((uint)rng.Next(3)))).ToArray();
                    array = array.SetMany(updates);
                    foreach (var (i, v) in updates) plain[i] = v;
                }
                else
                {
                    int i = rng.Next(length);
                    var v = Val.Vint((uint)rng.Next(3));
                    array = array.Set(i, v);
                    plain[i] = v;
                }
                all.Add((array, (Val[])plain.Clone()));
            }
        }
        foreach (var (array, plain) in all)
            for (int i = 0; i < length; i++) Assert.Equal(plain[i], array[i]);
        for (int k = 0; k < 400; k++)
        {
            var (a, pa) = all[rng.Next(all.Count)];
            var (b, pb) = all[rng.Next(all.Count)];
            var changed = new List<int>();
            ValChunks.Changed(a, b, changed);
            Assert.Equal(Enumerable.Range(0, length).Where(i => pa[i] != pb[i]), changed);
        }
    }

    [Fact]
    public void ConcreteTermsAre16BytesAndKeepTheirSort()
    {
        Assert.Equal(16, System.Runtime.CompilerServices.Unsafe.SizeOf<CTerm>());
        foreach (long z in (long[])[0, 1, -1, 152, long.MaxValue, long.MinValue])
        {
            var t = new CTerm(z);
            Assert.Equal(z, t.Z);
            Assert.True(t.IsZ(z));
            Assert.Null(t.O);
        }
        foreach (var v in (Val[])[Val.Vundef, Val.Vint(7), Val.Vint(uint.MaxValue), Val.Vptr(3, 8u), Val.Vptr(int.MaxValue, uint.MaxValue),
                     Val.Vlong(new VmxLayers.Semantics.Int64(ulong.MaxValue)), Val.Vfloat(1.5), Val.Vfloat(double.NaN)])
        {
            Assert.Equal(v, new CTerm(v).V);
            Assert.Null(new CTerm(v).O);
        }
        Assert.False(new CTerm(Val.Vint(1)).IsZ(1));
        Assert.Same(VmcsData.Zeroed().GetType(), new CTerm(VmcsData.Zeroed()).O!.GetType());
        Assert.Equal(Val.Vundef, default(CTerm).V);
        Assert.False(new CTerm(Val.Vptr(2, 0u)).IsZ(0));
    }

    [Fact]
    public void CachedViewsFollowTheMachineTheyAreTakenFrom()
    {
        var w = World.Initial(2);
        var before = w.High.View(1);
        var vmcs = w.High.Vmcs.Set(1, w.High.Vmcs[1].Set(VmcsFields.GUEST_RIP, Val.Vint(9)));
        var changed = w.High with { Vmcs = vmcs };
        Assert.Same(vmcs, changed.View(1).Vmcs.Raw.O);
        Assert.Same(w.High.Vmcs, w.High.View(1).Vmcs.Raw.O);
        Assert.Equal(before, w.High.View(1));   // rebuilt or cached: the same value
        Assert.Equal(w.High, w.High with { });
    }
}
