using System.Collections.Immutable;
using VmxLayers.Constants;
using VmxLayers.Machine;
using VmxLayers.Refinement;
using VmxLayers.Semantics;
using VmxLayers.Spec;
using VmxLayers.Spec.Concrete;

namespace VmxLayers.Cases;

/// <summary>A VMCS field value on both layers (relate needs the high one to inject into the low one).</summary>
public readonly record struct VmcsOverride(int Cpu, int Encoding, Val High, Val Low);

/// <summary>Which states a case's world puts side by side.</summary>
public enum CaseSides
{
    /// <summary>PVMXIntro's state over VMCSInit's, related as the case says (the default).</summary>
    HighOverLow,
    /// <summary>The case's VMCSInit state on both sides, with its arguments and registers (code ⊑ VMCSInit: two views of one layer's data).</summary>
    LowOnBoth,
    /// <summary>
    /// Two VMCSInit states (code ⊑ VMCSInit off the diagonal, as a proof's counterexample may need): the case's high
    /// slots, flags, VMCS, blocks, arguments and registers are the spec's state, the low ones the code's.
    /// </summary>
    TwoLowStates,
}

/// <summary>A high VMX slot outside the dense area (out-of-range slot or CPU): abstract state only.</summary>
public readonly record struct SlotOverflow(long Cpu, long Slot, Val Value);

/// <summary>
/// One fully explicit simulation case: everything needed to rebuild both layers' states and the call.
/// Generators, the SMT decoder and scenario files all meet here. Defaults: VMCS fields Vint 0 on both
/// sides (revid/abrtid Vint 0); globals mapped to themselves; extra blocks are 64 bytes, Freeable. The current
/// CPU's flags are given per layer (relate requires them equal: a case where they differ is one only a relation
/// that forgets a flag accepts); the other CPUs' flags are all true.
/// <see cref="LowReadOnly"/> lists low VMX_LOC words whose permission is dropped to Readable (violates
/// match's writable clause; lets the checkers exercise a relation that forgets it).
/// </summary>
public sealed record ConcreteCase(
    Primitive Prim,
    int TotalCpu,
    int Cpu,
    CpuFlags FlagsHigh,
    CpuFlags FlagsLow,
    ImmutableArray<Val> HighSlots,
    ImmutableArray<Val> LowSlots,
    ImmutableArray<VmcsOverride> Vmcs,
    ImmutableArray<SlotOverflow> HighOverflow,
    int HighBlocks,
    int LowBlocks,
    ImmutableArray<(int From, int To)> Inject,
    ImmutableArray<Val> ArgsHigh,
    ImmutableArray<Val> ArgsLow,
    RegSet RegsHigh,
    RegSet RegsLow,
    ImmutableArray<(int Cpu, int Slot)> LowReadOnly = default,
    CaseSides Sides = CaseSides.HighOverLow)
{
    public const int BlockSize = 64;

    public Val HighSlot(int cpu, int slot) => HighSlots[cpu * VmxSlots.Size + slot];
    public Val LowSlot(int cpu, int slot) => LowSlots[cpu * VmxSlots.Size + slot];

    /// <summary>Rebuilds both layers. Throws <see cref="ArgumentException"/> if a block or mapping is out of range.</summary>
    public World ToWorld()
    {
        var genv = new Genv(TotalCpu);
        bool readOnly = !LowReadOnly.IsDefaultOrEmpty;
        bool twoLow = Sides == CaseSides.TwoLowStates;
        Mem high = genv.InitialMemory(high: !twoLow), low = genv.InitialMemory(high: false, lowFreeable: readOnly);
        for (int k = 0; k < HighBlocks; k++) high = high.Alloc(0, BlockSize).Mem;
        for (int k = 0; k < LowBlocks; k++) low = low.Alloc(0, BlockSize).Mem;
        var vmx = VmxArea.Init(TotalCpu);
        for (int c = 0; c < TotalCpu; c++)
            for (int i = 0; i < VmxSlots.Size; i++)
            {
                vmx = vmx.Set(c, i, HighSlot(c, i));
                low = low.Store(Chunk.Mint32, Genv.VmxLocBlock, VmxSlots.Offset(c, i), LowSlot(c, i))!;
                if (twoLow) high = high.Store(Chunk.Mint32, Genv.VmxLocBlock, VmxSlots.Offset(c, i), HighSlot(c, i))!;
            }
        if (readOnly) low = DropLowPermissions(low, genv);
        foreach (var o in HighOverflow) vmx = vmx.Set(o.Cpu, o.Slot, o.Value);
        VmcsArea vmcsH = VmcsArea.Init(TotalCpu, _ => VmcsData.Zeroed()), vmcsL = vmcsH;
        foreach (var o in Vmcs)
        {
            vmcsH = vmcsH.Set(o.Cpu, vmcsH[o.Cpu].Set(o.Encoding, o.High));
            vmcsL = vmcsL.Set(o.Cpu, vmcsL[o.Cpu].Set(o.Encoding, o.Low));
        }
        var f = MemInj.Flat(Genv.Next);
        foreach (var (from, to) in Inject) f = f.With(from, to, 0);
        var others = Enumerable.Repeat(CpuFlags.AllTrue, TotalCpu).ToImmutableArray();
        if (Sides == CaseSides.LowOnBoth)
        {
            var lowOnly = new LayerMachine(others.SetItem(Cpu, FlagsLow), vmcsL, VmxArea.Init(TotalCpu), low);
            return new World(new ConcreteContext(genv, MemInj.Flat(low.NextBlock)), lowOnly, lowOnly);
        }
        if (twoLow)
            return new World(new ConcreteContext(genv, MemInj.Flat(high.NextBlock)),
                new LayerMachine(others.SetItem(Cpu, FlagsHigh), vmcsH, VmxArea.Init(TotalCpu), high),
                new LayerMachine(others.SetItem(Cpu, FlagsLow), vmcsL, VmxArea.Init(TotalCpu), low));
        var ctx = new ConcreteContext(genv, f);
        return new World(ctx, new LayerMachine(others.SetItem(Cpu, FlagsHigh), vmcsH, vmx, high),
            new LayerMachine(others.SetItem(Cpu, FlagsLow), vmcsL, VmxArea.Init(TotalCpu), low));
    }

    /// <summary>VMX_LOC (still Freeable and filled) becomes Writable, except the <see cref="LowReadOnly"/> words: Readable.</summary>
    Mem DropLowPermissions(Mem low, Genv genv)
    {
        var words = LowReadOnly.Select(w => VmxSlots.Offset(w.Cpu, w.Slot)).ToHashSet();
        for (long ofs = 0; ofs < genv.VmxLocSize; ofs += 4)
            low = low.DropPerm(Genv.VmxLocBlock, ofs, ofs + 4, words.Contains(ofs) ? Permission.Readable : Permission.Writable)!;
        return low;
    }

    /// <summary>The simulation input of this case in a world built by <see cref="ToWorld"/>.</summary>
    public SimInput<CTerm> ToInput(World w)
    {
        bool low = Sides == CaseSides.LowOnBoth;
        return new(
            w.Pair(Cpu),
            [.. (low ? ArgsLow : ArgsHigh).Select(v => new Val<CTerm>(new CTerm(v)))],
            [.. ArgsLow.Select(v => new Val<CTerm>(new CTerm(v)))],
            new(new CTerm(new RegBox(low ? RegsLow : RegsHigh))),
            new(new CTerm(new RegBox(RegsLow))));
    }

    /// <summary>Runs the simulation statement s (of this case's primitive) on this case with the concrete domain.</summary>
    public (World World, SimRun<CTerm> Run) Evaluate(SimStatement s)
    {
        if (s.Primitive != Prim) throw new ArgumentException($"the case calls {Prim}, the statement is about {s.Primitive}");
        var w = ToWorld();
        var d = w.Domain();
        return (w, Simulation.Run(ref d, s, ToInput(w)));
    }
}
