using System.Collections.Immutable;
using VmxLayers.Machine;
using VmxLayers.Cases;
using VmxLayers.Constants;
using VmxLayers.Layers;
using VmxLayers.Mutants;
using VmxLayers.Semantics;
using VmxLayers.Spec;
using VmxLayers.Spec.Concrete;

namespace VmxLayers.Scenarios;

/// <summary>
/// One layer's initial state, fully resolved: flags per CPU, the 38 VMX slots per CPU (abstract on the high
/// layer, stored in VMX_LOC on the low one) and, per CPU, the VMCS fields that differ from the default Vint 0.
/// </summary>
public sealed record LayerInit(ImmutableArray<CpuFlags> Flags, ImmutableArray<Val> Slots, ImmutableArray<ImmutableSortedDictionary<int, Val>> Vmcs)
{
    /// <summary>Every flag true, every slot Vint 0, every VMCS field Vint 0 (SPEC §6 defaults).</summary>
    public static LayerInit Default(int totalCpu) => new(
        [.. Enumerable.Repeat(CpuFlags.AllTrue, totalCpu)],
        [.. Enumerable.Repeat(Val.Vzero, totalCpu * VmxSlots.Size)],
        [.. Enumerable.Repeat(ImmutableSortedDictionary<int, Val>.Empty, totalCpu)]);

    public Val Slot(int cpu, int slot) => Slots[cpu * VmxSlots.Size + slot];
}

/// <summary>Extra (stack) blocks after the globals on each layer, and how high blocks map to low ones (delta 0).</summary>
public sealed record ScenarioBlocks(int High, int Low, ImmutableArray<(int From, int To)> Inject)
{
    /// <summary>Without a "blocks" section: one 64-byte stack block (block 4) on each layer, mapped to itself.</summary>
    public static readonly ScenarioBlocks Default = new(1, 1, [(Genv.Next, Genv.Next)]);
}

/// <summary>A step of a scenario: a primitive call or a guest run, on one CPU.</summary>
public abstract record ScenarioStep(int Cpu)
{
    /// <summary>The name the replay reports: the primitive, or "guest".</summary>
    public abstract string Name { get; }
}

/// <summary>A primitive call with each layer's arguments (C) and registers (asm), defaults already applied.</summary>
public sealed record CallStep(int Cpu, PrimitiveDef Def, ImmutableArray<Val> ArgsHigh, ImmutableArray<Val> ArgsLow, RegSet RegsHigh, RegSet RegsLow)
    : ScenarioStep(Cpu)
{
    public Primitive Prim => Def.Primitive;
    public override string Name => Prim.Name;
}

/// <summary>A guest run until a VM exit: hostin, then the hardware writes these VMCS fields, on both layers.</summary>
public sealed record GuestStep(int Cpu, ImmutableArray<(int Encoding, Val Value)> Vmcs) : ScenarioStep(Cpu)
{
    public override string Name => "guest";
}

/// <summary>A high VMX slot outside the dense [0, TOTAL_CPU) × [0, 38) area (abstract state of the high layer only).</summary>
public readonly record struct OverflowSlot(long Cpu, long Slot, Val Value);

/// <summary>
/// A parsed scenario (SPEC §6 plus the documented extensions), fully resolved. <see cref="LowReadOnly"/> lists
/// low VMX_LOC words (CPU, slot) whose permission is only Readable (as <see cref="ConcreteCase.LowReadOnly"/>).
/// </summary>
public sealed record Scenario(
    int TotalCpu,
    LayerInit High,
    LayerInit Low,
    ImmutableArray<OverflowSlot> HighOverflow,
    ScenarioBlocks Blocks,
    string? Mutant,
    ImmutableArray<ScenarioStep> Steps,
    string? Description = null,
    ImmutableArray<(int Cpu, int Slot)> LowReadOnly = default)
{
    /// <summary>Largest TOTAL_CPU a scenario may declare (keeps VMX_LOC and the world small).</summary>
    public const int MaxCpus = 1024;
    /// <summary>Largest number of extra blocks per layer.</summary>
    public const int MaxBlocks = 1024;
    /// <summary>Largest block number a pointer may name (memory cells pack blocks in 22 bits).</summary>
    public const int MaxBlock = (1 << 22) - 1;
    /// <summary>The default stack pointer: the middle of the first extra block.</summary>
    public const uint StackOffset = 32;

    /// <summary>The default stack pointer of a call: the middle of the first extra block.</summary>
    public static readonly Val DefaultEsp = Val.Vptr(Genv.Next, StackOffset);

    /// <summary>Default registers of a call on cpu (asm: PC = &amp;symbol, RA = &amp;vmx_enter, ESP = stack, ECX = 152·cpu for vmx_exit).</summary>
    public static RegSet DefaultRegs(PrimitiveDef def, int cpu) => def.DefaultRegs(cpu, DefaultEsp);

    /// <summary>ELF32 objects whose machine code replays as the low layer (paths relative to the scenario file; none: the specs).</summary>
    public ImmutableArray<string> Impl { get; init; } = [];

    /// <summary>The refinement this scenario replays: the layer pair's, or its mutant's.</summary>
    public RefinementDef Refinement(RefinementDef basis) => Mutant is null ? basis : MutantCatalog.Get(Mutant).On(basis);
}
