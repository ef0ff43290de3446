using System.Collections.Immutable;
using VmxLayers.Cases;
using VmxLayers.Constants;
using VmxLayers.Machine;
using VmxLayers.Semantics;
using VmxLayers.Spec.Concrete;

namespace VmxLayers.Scenarios;

/// <summary>
/// Builds the initial <see cref="World"/> of a scenario, the same way <see cref="ConcreteCase.ToWorld"/> does:
/// globals, then the extra 64-byte Freeable blocks, the VMX slots (abstract high, Mint32 stores into VMX_LOC low),
/// the VMCS fields, and the injection flat on the globals plus the declared pairs (delta 0).
/// </summary>
public static class ScenarioWorld
{
    public static World Build(Scenario s)
    {
        var genv = new Genv(s.TotalCpu);
        bool readOnly = !s.LowReadOnly.IsDefaultOrEmpty;
        Mem high = genv.InitialMemory(high: true), low = genv.InitialMemory(high: false, lowFreeable: readOnly);
        for (int k = 0; k < s.Blocks.High; k++) high = high.Alloc(0, ConcreteCase.BlockSize).Mem;
        for (int k = 0; k < s.Blocks.Low; k++) low = low.Alloc(0, ConcreteCase.BlockSize).Mem;
        var vmx = VmxArea.Init(s.TotalCpu);
        for (int c = 0; c < s.TotalCpu; c++)
            for (int i = 0; i < VmxSlots.Size; i++)
            {
                vmx = vmx.Set(c, i, s.High.Slot(c, i));
                low = low.Store(Chunk.Mint32, Genv.VmxLocBlock, VmxSlots.Offset(c, i), s.Low.Slot(c, i))
                    ?? throw new InvalidOperationException("VMX_LOC is writable on the low layer");
            }
        if (readOnly) low = DropPermissions(low, genv, s.LowReadOnly);
        foreach (var o in s.HighOverflow) vmx = vmx.Set(o.Cpu, o.Slot, o.Value);
        var f = MemInj.Flat(Genv.Next);
        foreach (var (from, to) in s.Blocks.Inject) f = f.With(from, to, 0);
        var ctx = new ConcreteContext(genv, f);
        return new World(ctx,
            new LayerMachine(s.High.Flags, Vmcs(s.High, s.TotalCpu), vmx, high),
            new LayerMachine(s.Low.Flags, Vmcs(s.Low, s.TotalCpu), VmxArea.Init(s.TotalCpu), low));
    }

    /// <summary>VMX_LOC (still Freeable) becomes Writable word by word, the listed words only Readable (as ConcreteCase does).</summary>
    static Mem DropPermissions(Mem low, Genv genv, ImmutableArray<(int Cpu, int Slot)> readOnly)
    {
        var words = readOnly.Select(w => VmxSlots.Offset(w.Cpu, w.Slot)).ToHashSet();
        for (long ofs = 0; ofs < genv.VmxLocSize; ofs += 4)
            low = low.DropPerm(Genv.VmxLocBlock, ofs, ofs + 4, words.Contains(ofs) ? Permission.Readable : Permission.Writable)
                ?? throw new InvalidOperationException("VMX_LOC is Freeable before its permissions are dropped");
        return low;
    }

    static VmcsArea Vmcs(LayerInit init, int n)
    {
        var area = VmcsArea.Init(n, _ => VmcsData.Zeroed());
        for (int c = 0; c < n; c++)
        {
            var data = area[c];
            foreach (var (enc, v) in init.Vmcs[c]) data = data.Set(enc, v);
            area = area.Set(c, data);
        }
        return area;
    }

    /// <summary>The scenario-level view of a world, for comparisons: flags, VMX (high abstract, low loaded), VMCS, blocks, injection.</summary>
    public static string Fingerprint(World w) =>
        ReplayJson.State(w, high: true).ToJsonString() + ReplayJson.State(w, high: false).ToJsonString()
        + $"|next {w.High.Mem.NextBlock}/{w.Low.Mem.NextBlock}|f {w.Context.Inject}"
        + $"|overflow {string.Join(",", w.High.Vmx.OverflowKeys.OrderBy(k => k).Select(k => $"{k}={w.High.Vmx.Get(k.Cpu, k.Slot)}"))}"
        + $"|readonly {string.Join(",", ReadOnlyWords(w))}"
        + $"|extra {string.Join(",", Enumerable.Range(0, w.TotalCpu).SelectMany(c => Extras(w, c)))}";

    /// <summary>The low VMX_LOC words that are not Writable (and whether they are still Readable).</summary>
    static IEnumerable<string> ReadOnlyWords(World w)
    {
        for (long ofs = 0; ofs < (long)VmxSlots.Stride * w.TotalCpu; ofs += 4)
            if (!w.Low.Mem.Perm(Genv.VmxLocBlock, ofs, PermKind.Cur, Permission.Writable))
                yield return $"{ofs}:{w.Low.Mem.Perm(Genv.VmxLocBlock, ofs, PermKind.Cur, Permission.Readable)}";
    }

    static IEnumerable<string> Extras(World w, int c) =>
        w.High.Vmcs[c].Extra.Select(e => $"H{c}:{e.Key}={e.Value}")
            .Concat(w.Low.Vmcs[c].Extra.Select(e => $"L{c}:{e.Key}={e.Value}")).Order(StringComparer.Ordinal);
}
