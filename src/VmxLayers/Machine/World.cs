using System.Collections.Immutable;
using VmxLayers.Constants;
using VmxLayers.Refinement;
using VmxLayers.Semantics;
using VmxLayers.Spec;
using VmxLayers.Spec.Concrete;

namespace VmxLayers.Machine;

/// <summary>Both layers side by side with the injection between their memories.</summary>
public sealed record World(ConcreteContext Context, LayerMachine High, LayerMachine Low)
{
    public int TotalCpu => High.TotalCpu;

    /// <summary>
    /// The default start: every flag true, every VMX slot Vint 0, every valid VMCS field Vint 0, and
    /// `stackBlocks` extra 64-byte blocks allocated on both sides and mapped to themselves.
    /// </summary>
    public static World Initial(int totalCpu, int stackBlocks = 0)
    {
        var genv = new Genv(totalCpu);
        Mem high = genv.InitialMemory(high: true), low = genv.InitialMemory(high: false);
        for (int k = 0; k < stackBlocks; k++) { high = high.Alloc(0, 64).Mem; low = low.Alloc(0, 64).Mem; }
        var flags = Enumerable.Repeat(CpuFlags.AllTrue, totalCpu).ToImmutableArray();
        var vmcs = VmcsArea.Init(totalCpu, _ => VmcsData.Zeroed());
        var vmx = VmxArea.Init(totalCpu);
        for (int c = 0; c < totalCpu; c++)
            for (int i = 0; i < VmxSlots.Size; i++)
            {
                vmx = vmx.Set(c, i, Val.Vzero);
                low = low.Store(Chunk.Mint32, Genv.VmxLocBlock, VmxSlots.Offset(c, i), Val.Vzero)!;
            }
        var ctx = new ConcreteContext(genv, MemInj.Flat(high.NextBlock));
        return new World(ctx, new LayerMachine(flags, vmcs, vmx, high), new LayerMachine(flags, vmcs, VmxArea.Init(totalCpu), low));
    }

    /// <summary>
    /// This world with every part a step can change in storage of its own that is updated in place (<see cref="VmxArea.Owned"/>,
    /// <see cref="VmcsArea.Owned"/>, <see cref="Mem.Owned"/>): for one owner that only ever moves forward and never looks at
    /// an older world again (the co-simulation). The layers get separate copies even where they shared storage.
    /// </summary>
    public World Owned() => this with
    {
        High = High with { Vmcs = High.Vmcs.Owned(), Vmx = High.Vmx.Owned(), Mem = High.Mem.Owned() },
        Low = Low with { Vmcs = Low.Vmcs.Owned(), Vmx = Low.Vmx.Owned(), Mem = Low.Mem.Owned() },
    };

    /// <summary>The pair of states CPU `cpu` sees.</summary>
    public LayerPair<CTerm> Pair(int cpu) =>
        new(High.View(cpu), new(new CTerm(High.Mem)), Low.View(cpu), new(new CTerm(Low.Mem)));

    public ConcreteDomain Domain() => new(Context);
}
