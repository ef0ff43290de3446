using CsCheck;
using VmxLayers.Constants;
using VmxLayers.Machine;
using VmxLayers.Refinement;
using VmxLayers.Semantics;
using VmxLayers.Spec;
using VmxLayers.Spec.Concrete;

namespace VmxLayers.Cases;

/// <summary>
/// CsCheck generators of related input pairs (SPEC §4 hypotheses hold by construction): a block layout
/// and its injection, TOTAL_CPU and a CPU id, flags, every VMX slot and the exit-related VMCS fields of
/// every CPU as related pairs, then the call of one primitive (arguments or register sets) biased so that
/// the high spec usually succeeds. Alternatives are listed simplest first so shrinking moves toward them.
/// </summary>
public static class Gens
{
    /// <summary>TOTAL_CPU values drawn (weighted toward small machines, which are as telling and faster).</summary>
    public static readonly int[] TotalCpus = [1, 2, 3, 8];

    /// <summary>VMCS fields generated per CPU (the others stay Vint 0 on both sides).</summary>
    public static readonly int[] VmcsFieldsGenerated = [VmcsFields.GUEST_RIP, VmcsFields.EXIT_REASON, VmcsFields.EXIT_QUALIFICATION, VmcsFields.GUEST_RSP];

    /// <summary>Interesting 32-bit integers: small, boundaries, and any.</summary>
    public static readonly Gen<uint> Word = Gen.Frequency(
        (4, Gen.UInt[0, 64]),
        (1, Gen.OneOf(0xFFFFFFFFu, 0x80000000u, 0x7FFFFFFFu, 152u)),
        (2, Gen.UInt));

    /// <summary>All flags true three times out of four, otherwise any of the 16 combinations.</summary>
    public static readonly Gen<CpuFlags> Flags = Gen.Frequency(
        (3, Gen.Const(CpuFlags.AllTrue)),
        (1, Gen.Select(Gen.Bool, Gen.Bool, Gen.Bool, Gen.Bool, (a, b, c, d) => new CpuFlags(a, b, c, d))));

    /// <summary>A global pointer: into VMX_LOC (slot-aligned, possibly another CPU's area), or to a code symbol.</summary>
    public static readonly Gen<ValuePair> GlobalPointer = Gen.Frequency(
        (2, Gen.Int[0, 75].Select(k => BlockLayout.GlobalPointer(Genv.VmxLocBlock, (uint)(4 * k)))),
        (1, Gen.OneOf(Genv.VmxExitBlock, Genv.VmxEnterBlock).Select(b => BlockLayout.GlobalPointer(b, 0))));

    /// <summary>A related pair: mostly integers; Vundef (with any low value); pointers to globals or stack blocks.</summary>
    public static Gen<ValuePair> Pair(BlockLayout layout, int intWeight = 6)
    {
        var choices = new List<(int, IGen<ValuePair>)>
        {
            (intWeight, Word.Select(ValuePair.Int)),
            (2, Gen.Const(ValuePair.Undef)),
            (1, UndefToAny(layout)),
            (1, GlobalPointer),
        };
        if (layout.HighBlocks > 0) choices.Add((2, Stack(layout)));
        return Gen.Frequency([.. choices]);
    }

    /// <summary>A pointer into a high stack block and its image.</summary>
    public static Gen<ValuePair> Stack(BlockLayout layout) =>
        Gen.Select(Gen.Int[0, layout.HighBlocks - 1], Gen.UInt[0, 15], (k, w) => layout.StackPointer(k, 4 * w));

    /// <summary>High Vundef standing for any well-typed low value (val_inject f Vundef v holds for every v).</summary>
    public static Gen<ValuePair> UndefToAny(BlockLayout layout) => Gen.Frequency(
        (2, Word.Select(n => new ValuePair(Val.Vundef, Val.Vint(n)))),
        (1, Gen.Select(Gen.Int[0, 7], Gen.UInt[0, 15], (k, w) => new ValuePair(Val.Vundef, layout.LowPointer(k, 4 * w)))));

    /// <summary>A related pair of a float register: Vundef or the same float.</summary>
    static readonly Gen<ValuePair> FloatPair = Gen.Frequency(
        (3, Gen.Const(ValuePair.Undef)), (1, Gen.Double.Select(f => ValuePair.Same(Val.Vfloat(f)))));

    /// <summary>A related pair of a condition bit: Vundef, Vint 0 or Vint 1.</summary>
    static readonly Gen<ValuePair> BitPair = Gen.OneOf(ValuePair.Undef, ValuePair.Int(0), ValuePair.Int(1));

    /// <summary>A slot index: mostly in [0, 38), else 38, 2^31 (negative as signed) or 0xFFFFFFFF (-1).</summary>
    public static readonly Gen<uint> Index = Gen.Frequency(
        (8, Gen.UInt[0, VmxSlots.Size - 1]),
        (1, Gen.Const((uint)VmxSlots.Size)),
        (1, Gen.OneOf(0xFFFFFFFFu, 0x80000000u)));

    /// <summary>The generator of cases for one primitive: a whole related world, then the primitive's own call.</summary>
    public static Gen<ConcreteCase> For(PrimitiveDef def) =>
        from layout in Gen.OneOf([.. BlockLayout.All])
        from tc in Gen.Frequency((3, Gen.Const(1)), (4, Gen.Const(2)), (2, Gen.Const(3)), (1, Gen.Const(8)))
        from cpu in Gen.Int[0, tc - 1]
        from flags in Flags
        from slots in Pair(layout).Array[tc * VmxSlots.Size]
        from vmcs in Pair(layout, intWeight: 24).Array[tc * VmcsFieldsGenerated.Length]
        from call in def.RandomCall(layout, tc, cpu)
        from perturbation in Perturbations
        select Assemble(def, layout, tc, cpu, flags, slots, vmcs, call).Perturb(perturbation).Build();

    /// <summary>
    /// One case in nine breaks one relation clause on purpose (vacuous unless a relation forgets it): a VMCS field,
    /// another CPU's slots, the low save area's permission, or one of the current CPU's flags on the low layer only.
    /// </summary>
    public static readonly Gen<Perturbation> Perturbations = Gen.Frequency(
        (56, Gen.Const(Perturbation.None)),
        (1, Gen.Const(Perturbation.VmcsUnrelated)),
        (1, Gen.Const(Perturbation.OtherCpuSlotUnrelated)),
        (1, Gen.Const(Perturbation.ReadOnlyArea)),
        (1, Gen.Const(Perturbation.LowIkernDiffers)),
        (1, Gen.Const(Perturbation.LowIhostDiffers)),
        (1, Gen.Const(Perturbation.LowPgDiffers)),
        (1, Gen.Const(Perturbation.LowInitDiffers)));

    static CaseBuilder Assemble(PrimitiveDef def, BlockLayout layout, int tc, int cpu, CpuFlags flags,
        ValuePair[] slots, ValuePair[] vmcs, Action<CaseBuilder> call)
    {
        var b = new CaseBuilder(def, tc, cpu, layout).With(flags);
        for (int c = 0; c < tc; c++)
        {
            for (int i = 0; i < VmxSlots.Size; i++) b.Slot(c, i, slots[c * VmxSlots.Size + i]);
            for (int k = 0; k < VmcsFieldsGenerated.Length; k++) b.Vmcs(VmcsFieldsGenerated[k], vmcs[c * VmcsFieldsGenerated.Length + k], c);
        }
        call(b);
        return b;
    }

    /// <summary>A C argument: the integer on both sides, rarely a high Vundef (the low side then has it).</summary>
    public static Gen<ValuePair> IntArg(uint n, BlockLayout layout) => Gen.Frequency(
        (19, Gen.Const(ValuePair.Int(n))),
        (1, Gen.Const(new ValuePair(Val.Vundef, Val.Vint(n)))));

    /// <summary>Every register a related pair; the asm call's PC, ECX, RA, ESP drawn separately.</summary>
    public static Gen<RegPairs> Regs(BlockLayout layout) =>
        from ints in Pair(layout).Array[8]
        from floats in FloatPair.Array[9]
        from bits in BitPair.Array[5]
        select new RegPairs(ints, floats, bits);

    public sealed record RegPairs(ValuePair[] Ints, ValuePair[] Floats, ValuePair[] Bits)
    {
        static readonly Preg[] intRegs = [Preg.EAX, Preg.EBX, Preg.ECX, Preg.EDX, Preg.ESI, Preg.EDI, Preg.EBP, Preg.ESP];
        static readonly Preg[] floatRegs = [Preg.XMM0, Preg.XMM1, Preg.XMM2, Preg.XMM3, Preg.XMM4, Preg.XMM5, Preg.XMM6, Preg.XMM7, Preg.ST0];
        static readonly Preg[] bitRegs = [Preg.ZF, Preg.CF, Preg.PF, Preg.SF, Preg.OF];

        public void Apply(CaseBuilder b)
        {
            for (int k = 0; k < intRegs.Length; k++) b.Reg(intRegs[k], Ints[k]);
            for (int k = 0; k < floatRegs.Length; k++) b.Reg(floatRegs[k], Floats[k]);
            for (int k = 0; k < bitRegs.Length; k++) b.Reg(bitRegs[k], Bits[k]);
        }
    }

    /// <summary>PC: the primitive's entry symbol nine times in ten, else another code symbol.</summary>
    public static Gen<ValuePair> Pc(Primitive p) => Gen.Frequency(
        (9, Gen.Const(ValuePair.Same(CaseBuilder.Entry(p)))),
        (1, Gen.Const(ValuePair.Same(Val.Vptr(Genv.BlockOf(p.Entry == Global.vmx_exit ? Global.vmx_enter : Global.vmx_exit), 0u)))));

    /// <summary>ESP: an integer, a stack pointer, or (failing the guard) Vundef or a pointer to a global.</summary>
    public static Gen<ValuePair> Esp(BlockLayout layout)
    {
        var choices = new List<(int, IGen<ValuePair>)>
        {
            (4, Word.Select(ValuePair.Int)),
            (1, Gen.Const(ValuePair.Undef)),
            (1, UndefToAny(layout)),
            (1, GlobalPointer),
        };
        if (layout.HighBlocks > 0) choices.Add((4, Stack(layout)));
        return Gen.Frequency([.. choices]);
    }
}
