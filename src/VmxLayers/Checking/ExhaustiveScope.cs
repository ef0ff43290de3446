using VmxLayers.Layers;
using VmxLayers.Machine;
using VmxLayers.Refinement;
using VmxLayers.Semantics;
using VmxLayers.Spec.Concrete;

namespace VmxLayers.Checking;

/// <summary>A declared finite scope of one primitive: what varies, how many cases, and the cases themselves.</summary>
public sealed record Scope(Prim Prim, long Count, string Description, Func<IEnumerable<ConcreteCase>> Cases);

/// <summary>
/// The exhaustive backend's scopes. Common to all: (TOTAL_CPU, cpu) ∈ {(1,0), (2,0), (2,1)}, the 16 flag
/// combinations of the current CPU, the block layout "2 high / 3 low blocks, 4↦5, 5↦6", every slot not
/// listed at its background Vint(256·cpu + slot) on both sides, VMCS fields Vint 0.
/// </summary>
public static class ExhaustiveScopes
{
    static readonly (int TotalCpu, int Cpu)[] cpus = [(1, 0), (2, 0), (2, 1)];
    static readonly BlockLayout layout = BlockLayout.Shifted;
    const string Common = "(TOTAL_CPU, cpu) ∈ {(1,0),(2,0),(2,1)} × 16 flag combinations (+ all-true flags with each of 3 relation perturbations: VMCS unrelated, another CPU's slots unrelated, low save area read-only); a flag combination the high spec's flag guard rejects runs once, with the first values (the spec stops there before reading any value); layout 2 high/3 low blocks 4↦5, 5↦6; other slots Vint(256·cpu+slot), VMCS fields Vint 0";

    /// <summary>Related slot values: Vundef (↦ Vundef or Vint 7), Vint 0, Vint 0xFFFFFFFF, a stack pointer b4+8 ↦ b5+8, &amp;VMX_LOC+152.</summary>
    public static readonly ValuePair[] SlotValues =
    [
        ValuePair.Undef, new(Val.Vundef, Val.Vint(7)), ValuePair.Int(0), ValuePair.Int(0xFFFFFFFF),
        layout.StackPointer(0, 8), BlockLayout.GlobalPointer(Genv.VmxLocBlock, VmxSlots.Stride),
    ];

    /// <summary>VMCS field values: Vint 0, Vint 0xFFFFFFFF, Vundef, Vundef ↦ Vint 3.</summary>
    static readonly ValuePair[] vmcsValues = [ValuePair.Int(0), ValuePair.Int(0xFFFFFFFF), ValuePair.Undef, new(Val.Vundef, Val.Vint(3))];

    /// <summary>Every slot index, then 38, 2^31 (negative as signed) and 0xFFFFFFFF (-1).</summary>
    static readonly uint[] readIndices = [.. Enumerable.Range(0, VmxSlots.Size).Select(i => (uint)i), 38, 0xFFFFFFFF, 0x80000000];
    static readonly uint[] writeIndices = [.. Enumerable.Range(0, VmxSlots.Size).Select(i => (uint)i), 38, 0xFFFFFFFF];

    public static Scope For(Prim p) => p switch
    {
        Prim.vmx_readz => new(p, Base(p, (readIndices.Length + 1) * SlotValues.Length),
            $"{Common}; argument i ∈ [0, 38) ∪ {{38, 0x80000000, 0xFFFFFFFF, Vundef↦0}}; slot i (or the abstract value at an out-of-range i) ∈ 6 related values", Readz),
        Prim.vmx_writez => new(p, Base(p, writeIndices.Length * writeValues.Length * 2),
            $"{Common}; i ∈ [0, 38) ∪ {{38, 0xFFFFFFFF}}; x ∈ {{0, 0xFFFFFFFF, Vundef↦5}}; old slot i ∈ {{background, Vundef↦7}}", Writez),
        Prim.vmx_enter_pre => new(p, Base(p, SlotValues.Length * 3),
            $"{Common}; slot 14 (G_RIP) ∈ 6 related values; VMCS GUEST_RIP ∈ {{0, Vundef, Vundef↦9}}", EnterPre),
        Prim.vmx_exit_post => new(p, Base(p, vmcsValues.Length * vmcsValues.Length * vmcsValues.Length),
            $"{Common}; VMCS GUEST_RIP, EXIT_REASON, EXIT_QUALIFICATION each ∈ {{0, 0xFFFFFFFF, Vundef, Vundef↦3}}", ExitPost),
        Prim.vmx_exit => new(p, Base(p, 2 * 3 * guestRegProfiles.Length * hostSlotValues.Length * hostSlotValues.Length),
            $"{Common}; PC ∈ {{&vmx_exit, &vmx_enter}}; ECX ∈ {{152·cpu, 152·cpu+4, Vundef}}; guest EAX..EBP ∈ 4 profiles (distinct ints, Vundef, Vundef↦ints, pointers); HOST_EBP, HOST_EDI each ∈ {{background, Vundef↦5, stack pointer}}", Exit),
        _ => new(p, Base(p, 2 * espValues.Length * guestSlotProfiles.Length * hostRegProfiles.Length),
            $"{Common}; PC ∈ {{&vmx_enter, &vmx_exit}}; ESP ∈ {{Vundef, Vundef↦0x1000, 0x1000, stack pointer, &VMX_LOC}}; guest slots 0..14 ∈ 4 profiles (background, Vundef↦ints, pointers, 0xFFFFFFFF); host EBP/EDI ∈ 3 profiles (ints, Vundef, pointers)", Enter),
    };

    /// <summary>
    /// The number of cases: (TOTAL_CPU, cpu) × (the flag combinations the high spec accepts and the three
    /// relation perturbations, each with every value combination; each other flag combination once).
    /// </summary>
    static long Base(Prim p, long values)
    {
        int accepted = Enumerable.Range(0, 16).Count(bits => FlagsAccepted(p, FlagsOf(bits)));
        return cpus.Length * ((accepted + 3) * values + (16 - accepted));
    }

    /// <summary>
    /// The flag guard of p's high spec (SPEC §3): the C primitives need ikern ∧ pg ∧ ihost (vmx_enter_pre also
    /// init), the asm ones all four. A scope statement, not a spec: the specs themselves still run on every case.
    /// </summary>
    static bool FlagsAccepted(Prim p, CpuFlags f) =>
        f.Ikern && f.Pg && f.Ihost && (f.Init || p is Prim.vmx_readz or Prim.vmx_writez or Prim.vmx_exit_post);

    static CpuFlags FlagsOf(int bits) => new((bits & 8) == 0, (bits & 4) == 0, (bits & 2) == 0, (bits & 1) == 0);

    /// <summary>Every value combination for accepted flags and perturbations; only the first one for rejected flags.</summary>
    static IEnumerable<ConcreteCase> PerBase(Prim p, Func<(int TotalCpu, int Cpu, CpuFlags Flags, Perturbation Perturbation), IEnumerable<ConcreteCase>> values) =>
        Bases().SelectMany(b => FlagsAccepted(p, b.Flags) ? values(b) : values(b).Take(1));

    /// <summary>
    /// The bases, most telling first (so a counterexample is found early): all flags true on every (TOTAL_CPU,
    /// cpu), then the relation perturbations, then the other 15 flag combinations, one false flag before two.
    /// </summary>
    static IEnumerable<(int TotalCpu, int Cpu, CpuFlags Flags, Perturbation Perturbation)> Bases()
    {
        foreach (var (tc, cpu) in cpus) yield return (tc, cpu, CpuFlags.AllTrue, Perturbation.None);
        foreach (var p in (Perturbation[])[Perturbation.VmcsUnrelated, Perturbation.OtherCpuSlotUnrelated, Perturbation.ReadOnlyArea])
            foreach (var (tc, cpu) in cpus) yield return (tc, cpu, CpuFlags.AllTrue, p);
        foreach (int bits in Enumerable.Range(1, 15).OrderBy(b => System.Numerics.BitOperations.PopCount((uint)b)).ThenByDescending(b => b))
            foreach (var (tc, cpu) in cpus)
                yield return (tc, cpu, FlagsOf(bits), Perturbation.None);
    }

    /// <summary>A builder for one base; the perturbation is applied last (after the primitive's own values).</summary>
    static CaseBuilder New(Prim p, (int TotalCpu, int Cpu, CpuFlags Flags, Perturbation Perturbation) b) =>
        new CaseBuilder(p, b.TotalCpu, b.Cpu, layout) { Flags = b.Flags, Pending = b.Perturbation };

    static IEnumerable<ConcreteCase> Readz() => PerBase(Prim.vmx_readz, ReadzValues);

    static IEnumerable<ConcreteCase> ReadzValues((int TotalCpu, int Cpu, CpuFlags Flags, Perturbation Perturbation) b)
    {
        foreach (var arg in readIndices.Select(ValuePair.Int).Append(new ValuePair(Val.Vundef, Val.Vint(0))))
            foreach (var v in SlotValues)
            {
                var c = New(Prim.vmx_readz, b).Args(arg);
                uint i = arg.Low.IntValue.Bits;
                if (i < VmxSlots.Size) c.Slot((int)i, v); else c.Overflow(i, v.High);
                yield return c.Build();
            }
    }

    static readonly ValuePair[] writeValues = [ValuePair.Int(0), ValuePair.Int(0xFFFFFFFF), new(Val.Vundef, Val.Vint(5))];

    static IEnumerable<ConcreteCase> Writez() => PerBase(Prim.vmx_writez, WritezValues);

    static IEnumerable<ConcreteCase> WritezValues((int TotalCpu, int Cpu, CpuFlags Flags, Perturbation Perturbation) b)
    {
        foreach (var i in writeIndices)
            foreach (var x in writeValues)
                for (int old = 0; old < 2; old++)
                {
                    var c = New(Prim.vmx_writez, b).Args(ValuePair.Int(i), x);
                    if (i < VmxSlots.Size && old > 0) c.Slot((int)i, new(Val.Vundef, Val.Vint(7)));
                    yield return c.Build();
                }
    }

    static readonly ValuePair[] vmcsRip = [ValuePair.Int(0), ValuePair.Undef, new(Val.Vundef, Val.Vint(9))];

    static IEnumerable<ConcreteCase> EnterPre() => PerBase(Prim.vmx_enter_pre, EnterPreValues);

    static IEnumerable<ConcreteCase> EnterPreValues((int TotalCpu, int Cpu, CpuFlags Flags, Perturbation Perturbation) b)
    {
        foreach (var v in SlotValues)
            foreach (var rip in vmcsRip)
                yield return New(Prim.vmx_enter_pre, b).Slot(VmxSlots.G_RIP, v).Vmcs(VmcsFields.GUEST_RIP, rip).Build();
    }

    static IEnumerable<ConcreteCase> ExitPost() => PerBase(Prim.vmx_exit_post, ExitPostValues);

    static IEnumerable<ConcreteCase> ExitPostValues((int TotalCpu, int Cpu, CpuFlags Flags, Perturbation Perturbation) b)
    {
        foreach (var rip in vmcsValues)
            foreach (var reason in vmcsValues)
                foreach (var qual in vmcsValues)
                    yield return New(Prim.vmx_exit_post, b).Vmcs(VmcsFields.GUEST_RIP, rip)
                        .Vmcs(VmcsFields.EXIT_REASON, reason).Vmcs(VmcsFields.EXIT_QUALIFICATION, qual).Build();
    }

    static readonly Preg[] guestRegs = [Preg.EAX, Preg.EBX, Preg.EDX, Preg.ESI, Preg.EDI, Preg.EBP];

    /// <summary>Guest EAX, EBX, EDX, ESI, EDI, EBP: distinct ints; Vundef; Vundef ↦ ints; pointers and 0xFFFFFFFF.</summary>
    static readonly ValuePair[][] guestRegProfiles =
    [
        [ValuePair.Int(0xA0), ValuePair.Int(0xB0), ValuePair.Int(0xD0), ValuePair.Int(0x51), ValuePair.Int(0xD1), ValuePair.Int(0xB9)],
        [ValuePair.Undef, ValuePair.Undef, ValuePair.Undef, ValuePair.Undef, ValuePair.Undef, ValuePair.Undef],
        [.. Enumerable.Range(1, 6).Select(k => new ValuePair(Val.Vundef, Val.Vint((uint)k)))],
        [layout.StackPointer(0, 0), BlockLayout.GlobalPointer(Genv.VmxLocBlock, VmxSlots.Stride), BlockLayout.GlobalPointer(Genv.VmxExitBlock, 0),
         layout.StackPointer(1, 12), ValuePair.Int(0xFFFFFFFF), layout.StackPointer(0, 60)],
    ];

    static ValuePair[] HostSlotValues(int cpu, int slot) => [CaseBuilder.Background(cpu, slot), new(Val.Vundef, Val.Vint(5)), layout.StackPointer(1, 0)];
    static readonly ValuePair[] hostSlotValues = HostSlotValues(0, 0);

    static IEnumerable<ConcreteCase> Exit() => PerBase(Prim.vmx_exit, ExitValues);

    static IEnumerable<ConcreteCase> ExitValues((int TotalCpu, int Cpu, CpuFlags Flags, Perturbation Perturbation) b)
    {
        foreach (var pc in new[] { Prim.vmx_exit, Prim.vmx_enter })
            foreach (var ecx in new[] { ValuePair.Same(CaseBuilder.RightEcx(b.Cpu)), ValuePair.Int((uint)(VmxSlots.Stride * b.Cpu + 4)), ValuePair.Undef })
                foreach (var regs in guestRegProfiles)
                    foreach (var ebp in HostSlotValues(b.Cpu, VmxSlots.HOST_EBP))
                        foreach (var edi in HostSlotValues(b.Cpu, VmxSlots.HOST_EDI))
                        {
                            var c = New(Prim.vmx_exit, b).Reg(Preg.PC, ValuePair.Same(CaseBuilder.Entry(pc))).Reg(Preg.ECX, ecx)
                                .Slot(VmxSlots.HOST_EBP, ebp).Slot(VmxSlots.HOST_EDI, edi);
                            for (int k = 0; k < guestRegs.Length; k++) c.Reg(guestRegs[k], regs[k]);
                            yield return c.Build();
                        }
    }

    /// <summary>ESP: Vundef, Vundef ↦ 0x1000, 0x1000, a stack pointer, &amp;VMX_LOC.</summary>
    static readonly ValuePair[] espValues =
        [ValuePair.Undef, new(Val.Vundef, Val.Vint(0x1000)), ValuePair.Int(0x1000), layout.StackPointer(0, 32), BlockLayout.GlobalPointer(Genv.VmxLocBlock, 0)];

    static readonly int[] guestSlots = [VmxSlots.G_RAX, VmxSlots.G_RBX, VmxSlots.G_RDX, VmxSlots.G_RSI, VmxSlots.G_RDI, VmxSlots.G_RBP, VmxSlots.G_RIP];

    /// <summary>Guest slots 0, 2, 6, 8, 10, 12, 14: background; Vundef ↦ ints; pointers; all 0xFFFFFFFF.</summary>
    static readonly Func<int, ValuePair>[] guestSlotProfiles =
    [
        _ => default,
        k => new(Val.Vundef, Val.Vint((uint)(100 + k))),
        k => k % 2 == 0 ? layout.StackPointer(k % 2, (uint)(4 * k)) : BlockLayout.GlobalPointer(Genv.VmxLocBlock, (uint)(4 * k)),
        _ => ValuePair.Int(0xFFFFFFFF),
    ];

    /// <summary>Host EBP, EDI: ints; Vundef; pointers.</summary>
    static readonly (ValuePair Ebp, ValuePair Edi)[] hostRegProfiles =
        [(ValuePair.Int(0xEB), ValuePair.Int(0xED)), (ValuePair.Undef, ValuePair.Undef), (layout.StackPointer(1, 44), BlockLayout.GlobalPointer(Genv.VmxEnterBlock, 0))];

    static IEnumerable<ConcreteCase> Enter() => PerBase(Prim.vmx_enter, EnterValues);

    static IEnumerable<ConcreteCase> EnterValues((int TotalCpu, int Cpu, CpuFlags Flags, Perturbation Perturbation) b)
    {
        foreach (var pc in new[] { Prim.vmx_enter, Prim.vmx_exit })
            foreach (var esp in espValues)
                for (int profile = 0; profile < guestSlotProfiles.Length; profile++)
                    foreach (var (ebp, edi) in hostRegProfiles)
                    {
                        var c = New(Prim.vmx_enter, b).Reg(Preg.PC, ValuePair.Same(CaseBuilder.Entry(pc))).Reg(Preg.ESP, esp)
                            .Reg(Preg.EBP, ebp).Reg(Preg.EDI, edi);
                        if (profile > 0)
                            for (int k = 0; k < guestSlots.Length; k++) c.Slot(guestSlots[k], guestSlotProfiles[profile](k));
                        yield return c.Build();
                    }
    }
}
