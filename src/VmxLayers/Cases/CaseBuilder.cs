using System.Collections.Immutable;
using VmxLayers.Constants;
using VmxLayers.Machine;
using VmxLayers.Refinement;
using VmxLayers.Semantics;
using VmxLayers.Spec;
using VmxLayers.Spec.Concrete;

namespace VmxLayers.Cases;

/// <summary>
/// A deliberate break of one clause of the relation. The hypothesis is then false (the case is vacuous)
/// unless a relation mutant forgot exactly that clause: these cases are how the concrete backends can
/// tell a weakened relation from the real one.
/// </summary>
public enum Perturbation
{
    None,
    /// <summary>The current CPU's VMCS GUEST_RIP, EXIT_REASON, EXIT_QUALIFICATION are Vint 0x11 high, Vint 0x22 low.</summary>
    VmcsUnrelated,
    /// <summary>Every slot of another CPU is Vint 0x11 high, Vint 0x22 low.</summary>
    OtherCpuSlotUnrelated,
    /// <summary>The current CPU's low save area is Readable, not Writable.</summary>
    ReadOnlyArea,
    /// <summary>The current CPU's ikern differs on the low layer (one per flag: relate compares each).</summary>
    LowIkernDiffers,
    /// <summary>The current CPU's ihost differs on the low layer.</summary>
    LowIhostDiffers,
    /// <summary>The current CPU's pg differs on the low layer.</summary>
    LowPgDiffers,
    /// <summary>The current CPU's init differs on the low layer.</summary>
    LowInitDiffers,
}

/// <summary>
/// Assembles a <see cref="ConcreteCase"/> from related pairs. Starts from a "background" that already
/// satisfies the hypothesis: every flag true, slot i of CPU c holds Vint(256·c + i) on both sides (distinct
/// values, so a wrong slot shows), VMCS fields Vint 0, the asm registers a well-formed call.
/// </summary>
public sealed class CaseBuilder
{
    readonly ValuePair[] slots;
    readonly List<VmcsOverride> vmcs = [];
    readonly List<SlotOverflow> overflow = [];
    readonly List<(int Cpu, int Slot)> readOnly = [];
    ValuePair[] args;
    RegSet regsHigh, regsLow;

    public PrimitiveDef Def { get; }
    public Primitive Prim => Def.Primitive;
    public int TotalCpu { get; }
    public int Cpu { get; }
    public BlockLayout Layout { get; }
    /// <summary>The current CPU's flags on both layers (unless <see cref="LowFlags"/> gives the low layer others).</summary>
    public CpuFlags Flags { get; set; } = CpuFlags.AllTrue;
    /// <summary>The current CPU's flags on the low layer when they differ from the high one's (relate then fails).</summary>
    public CpuFlags? LowFlags { get; set; }
    /// <summary>A perturbation applied by <see cref="Build"/>, after every other setting.</summary>
    public Perturbation Pending { get; set; }

    public CaseBuilder(PrimitiveDef def, int totalCpu, int cpu, BlockLayout layout)
    {
        if (cpu < 0 || cpu >= totalCpu) throw new ArgumentOutOfRangeException(nameof(cpu), cpu, "cpu must be in [0, TOTAL_CPU)");
        (Def, TotalCpu, Cpu, Layout) = (def, totalCpu, cpu, layout);
        slots = new ValuePair[totalCpu * VmxSlots.Size];
        for (int c = 0; c < totalCpu; c++)
            for (int i = 0; i < VmxSlots.Size; i++) slots[c * VmxSlots.Size + i] = Background(c, i);
        args = [.. Enumerable.Repeat(ValuePair.Int(0), def.Primitive.Arity)];
        var esp = layout.HighBlocks > 0 ? layout.StackPointer(0, 32) : ValuePair.Int(0x1000);
        (regsHigh, regsLow) = (def.DefaultRegs(cpu, esp.High), def.DefaultRegs(cpu, esp.Low));
    }

    /// <summary>The background value of slot i of CPU c.</summary>
    public static ValuePair Background(int cpu, int slot) => ValuePair.Int((uint)(256 * cpu + slot));

    /// <summary>Vptr(&amp;symbol, 0): what PC holds when an asm primitive is called at its entry.</summary>
    public static Val Entry(PrimitiveDef def) => Entry(def.Primitive);

    /// <summary>Vptr(&amp;symbol, 0) of a primitive's entry.</summary>
    public static Val Entry(Primitive p) => Val.Vptr(Genv.BlockOf(p.Entry ?? throw new ArgumentException($"{p} has no entry symbol")), 0u);

    /// <summary>ECX = Vint(152·cpu), what vmx_exit requires.</summary>
    public static Val RightEcx(int cpu) => Val.Vint((uint)(VmxSlots.Stride * cpu));

    public CaseBuilder Slot(int cpu, int slot, ValuePair v) { slots[cpu * VmxSlots.Size + slot] = v; return this; }

    /// <summary>Sets a slot of the current CPU.</summary>
    public CaseBuilder Slot(int slot, ValuePair v) => Slot(Cpu, slot, v);

    public ValuePair GetSlot(int cpu, int slot) => slots[cpu * VmxSlots.Size + slot];

    /// <summary>A VMCS field of the given CPU (default: the current one).</summary>
    public CaseBuilder Vmcs(int encoding, ValuePair v, int? cpu = null) { vmcs.Add(new(cpu ?? Cpu, encoding, v.High, v.Low)); return this; }

    /// <summary>A high-only abstract slot outside [0, 38) of the current CPU (what an out-of-range index reads).</summary>
    public CaseBuilder Overflow(long slot, Val v) { overflow.Add(new(Cpu, slot, v)); return this; }

    /// <summary>Drops the low permission of a CPU's whole save area to Readable (breaks match's writable clause).</summary>
    public CaseBuilder ReadOnlyArea(int cpu) { readOnly.AddRange(Enumerable.Range(0, VmxSlots.Size).Select(i => (cpu, i))); return this; }

    /// <summary>Applies a relation perturbation (see <see cref="Perturbation"/>).</summary>
    public CaseBuilder Perturb(Perturbation p)
    {
        switch (p)
        {
            case Perturbation.VmcsUnrelated:
                foreach (var enc in (int[])[VmcsFields.GUEST_RIP, VmcsFields.EXIT_REASON, VmcsFields.EXIT_QUALIFICATION])
                    Vmcs(enc, new(Val.Vint(0x11), Val.Vint(0x22)));
                break;
            case Perturbation.OtherCpuSlotUnrelated when TotalCpu > 1:
                int other = (Cpu + 1) % TotalCpu;
                for (int i = 0; i < VmxSlots.Size; i++) Slot(other, i, new(Val.Vint(0x11), Val.Vint(0x22)));
                break;
            case Perturbation.ReadOnlyArea:
                ReadOnlyArea(Cpu);
                break;
            case Perturbation.LowIkernDiffers: LowFlags = Flags with { Ikern = !Flags.Ikern }; break;
            case Perturbation.LowIhostDiffers: LowFlags = Flags with { Ihost = !Flags.Ihost }; break;
            case Perturbation.LowPgDiffers: LowFlags = Flags with { Pg = !Flags.Pg }; break;
            case Perturbation.LowInitDiffers: LowFlags = Flags with { Init = !Flags.Init }; break;
            case Perturbation.None:
            case Perturbation.OtherCpuSlotUnrelated:   // a single CPU has no other
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(p), p, "unknown perturbation");
        }
        return this;
    }

    public CaseBuilder Args(params ValuePair[] a) { args = a; return this; }

    public CaseBuilder Reg(Preg r, ValuePair v) { regsHigh = regsHigh.Set(r, v.High); regsLow = regsLow.Set(r, v.Low); return this; }

    public CaseBuilder With(CpuFlags flags) { Flags = flags; return this; }

    public ConcreteCase Build()
    {
        if (Pending != Perturbation.None) { var p = Pending; Pending = Perturbation.None; Perturb(p); }
        return Make();
    }

    ConcreteCase Make()
    {
        // code ⊑ VMCSInit: the VMCSInit side is the case on both sides, so the case says so (and prints so)
        bool low = Def.Sides == CaseSides.LowOnBoth;
        return new(
            Prim, TotalCpu, Cpu, low ? LowFlags ?? Flags : Flags, LowFlags ?? Flags,
            [.. slots.Select(s => low ? s.Low : s.High)], [.. slots.Select(s => s.Low)],
            [.. vmcs.Select(v => low ? v with { High = v.Low } : v)], low ? [] : [.. overflow],
            Layout.HighBlocks, Layout.LowBlocks, Layout.Inject,
            [.. args.Select(a => low ? a.Low : a.High)], [.. args.Select(a => a.Low)],
            low ? regsLow : regsHigh, regsLow, [.. readOnly], Def.Sides);
    }
}
