using CsCheck;
using VmxLayers.Cases;
using VmxLayers.Constants;
using VmxLayers.Machine;
using VmxLayers.Semantics;
using static VmxLayers.Cases.Gens;

namespace VmxLayers.Layers;

/// <summary>The two asm primitives PVMXIntro adds, as the checkers know them: default registers, exhaustive scope, random calls.</summary>
public static class AsmPrimitiveDefs
{
    static readonly BlockLayout layout = ExhaustiveScope.Layout;

    /// <summary>The high asm specs' flag guard: all four flags.</summary>
    static bool AllFlags(CpuFlags f) => f.Ikern && f.Ihost && f.Pg && f.Init;

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

    static ValuePair[] HostSlotValues(int cpu) => [CaseBuilder.Background(cpu, VmxSlots.HOST_EBP), new(Val.Vundef, Val.Vint(5)), layout.StackPointer(1, 0)];

    /// <summary>The code symbols PC is tried at: the primitive's own entry, then the other asm primitive's.</summary>
    static Val[] Entries(Global own) =>
        [Val.Vptr(Genv.BlockOf(own), 0u), Val.Vptr(Genv.BlockOf(own == Global.vmx_exit ? Global.vmx_enter : Global.vmx_exit), 0u)];

    public static readonly PrimitiveDef VmxExit = new(Primitives.VmxExit.Primitive,
        (cpu, esp) => PrimitiveDef.AsmDefaults(Primitives.VmxExit.Primitive, esp).Set(Preg.ECX, CaseBuilder.RightEcx(cpu)),
        new ExhaustivePlan("PC ∈ {&vmx_exit, &vmx_enter}; ECX ∈ {152·cpu, 152·cpu+4, Vundef}; guest EAX..EBP ∈ 4 profiles (distinct ints, Vundef, Vundef↦ints, pointers); HOST_EBP, HOST_EDI each ∈ {background, Vundef↦5, stack pointer}",
            2 * 3 * guestRegProfiles.Length * 3 * 3, AllFlags, ExitValues),
        (layout, tc, cpu) =>
            from regs in Regs(layout)
            from pc in Pc(Primitives.VmxExit.Primitive)
            from ecx in Gen.Frequency(
                (8, Gen.Const(ValuePair.Same(CaseBuilder.RightEcx(cpu)))),
                (1, Gen.OneOf(ValuePair.Int((uint)(VmxSlots.Stride * cpu + 4)), ValuePair.Int((uint)(VmxSlots.Stride * (cpu + 1))))),
                (1, Gen.OneOf(ValuePair.Undef, new ValuePair(Val.Vundef, CaseBuilder.RightEcx(cpu)))))
            from ra in GlobalPointer
            select (Action<CaseBuilder>)(b => { regs.Apply(b); b.Reg(Preg.PC, pc).Reg(Preg.ECX, ecx).Reg(Preg.RA, ra); }));

    static IEnumerable<ConcreteCase> ExitValues(ScopeBase b)
    {
        var host = HostSlotValues(b.Cpu);
        var hostEdi = host.ToArray();
        hostEdi[0] = CaseBuilder.Background(b.Cpu, VmxSlots.HOST_EDI);
        foreach (var pc in Entries(Global.vmx_exit))
            foreach (var ecx in new[] { ValuePair.Same(CaseBuilder.RightEcx(b.Cpu)), ValuePair.Int((uint)(VmxSlots.Stride * b.Cpu + 4)), ValuePair.Undef })
                foreach (var regs in guestRegProfiles)
                    foreach (var ebp in host)
                        foreach (var edi in hostEdi)
                        {
                            var c = b.New().Reg(Preg.PC, ValuePair.Same(pc)).Reg(Preg.ECX, ecx)
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

    public static readonly PrimitiveDef VmxEnter = new(Primitives.VmxEnter.Primitive,
        (cpu, esp) => PrimitiveDef.AsmDefaults(Primitives.VmxEnter.Primitive, esp),
        new ExhaustivePlan("PC ∈ {&vmx_enter, &vmx_exit}; ESP ∈ {Vundef, Vundef↦0x1000, 0x1000, stack pointer, &VMX_LOC}; guest slots 0..14 ∈ 4 profiles (background, Vundef↦ints, pointers, 0xFFFFFFFF); host EBP/EDI ∈ 3 profiles (ints, Vundef, pointers)",
            2 * espValues.Length * guestSlotProfiles.Length * hostRegProfiles.Length, AllFlags, EnterValues),
        (layout, tc, cpu) =>
            from regs in Regs(layout)
            from pc in Pc(Primitives.VmxEnter.Primitive)
            from esp in Esp(layout)
            from ra in GlobalPointer
            select (Action<CaseBuilder>)(b => { regs.Apply(b); b.Reg(Preg.PC, pc).Reg(Preg.ESP, esp).Reg(Preg.RA, ra); }));

    static IEnumerable<ConcreteCase> EnterValues(ScopeBase b)
    {
        foreach (var pc in Entries(Global.vmx_enter))
            foreach (var esp in espValues)
                for (int profile = 0; profile < guestSlotProfiles.Length; profile++)
                    foreach (var (ebp, edi) in hostRegProfiles)
                    {
                        var c = b.New().Reg(Preg.PC, ValuePair.Same(pc)).Reg(Preg.ESP, esp).Reg(Preg.EBP, ebp).Reg(Preg.EDI, edi);
                        if (profile > 0)
                            for (int k = 0; k < guestSlots.Length; k++) c.Slot(guestSlots[k], guestSlotProfiles[profile](k));
                        yield return c.Build();
                    }
    }
}
