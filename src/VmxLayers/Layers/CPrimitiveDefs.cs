using CsCheck;
using VmxLayers.Cases;
using VmxLayers.Constants;
using VmxLayers.Machine;
using VmxLayers.Primitives;
using VmxLayers.Semantics;
using static VmxLayers.Cases.Gens;

namespace VmxLayers.Layers;

/// <summary>The four C primitives PVMXIntro adds, as the checkers know them: default registers, exhaustive scope, random calls.</summary>
public static class CPrimitiveDefs
{
    static readonly BlockLayout layout = ExhaustiveScope.Layout;

    /// <summary>The high C specs' flag guard: ikern ∧ pg ∧ ihost (vmx_enter_pre also init).</summary>
    static bool KernelPgHost(CpuFlags f) => f.Ikern && f.Pg && f.Ihost;

    /// <summary>Every slot index, then 38, 2^31 (negative as signed) and 0xFFFFFFFF (-1).</summary>
    static readonly uint[] readIndices = [.. Enumerable.Range(0, VmxSlots.Size).Select(i => (uint)i), 38, 0xFFFFFFFF, 0x80000000];
    static readonly uint[] writeIndices = [.. Enumerable.Range(0, VmxSlots.Size).Select(i => (uint)i), 38, 0xFFFFFFFF];
    static readonly ValuePair[] writeValues = [ValuePair.Int(0), ValuePair.Int(0xFFFFFFFF), new(Val.Vundef, Val.Vint(5))];
    static readonly ValuePair[] vmcsRip = [ValuePair.Int(0), ValuePair.Undef, new(Val.Vundef, Val.Vint(9))];
    /// <summary>VMCS field values: Vint 0, Vint 0xFFFFFFFF, Vundef, Vundef ↦ Vint 3.</summary>
    static readonly ValuePair[] vmcsValues = [ValuePair.Int(0), ValuePair.Int(0xFFFFFFFF), ValuePair.Undef, new(Val.Vundef, Val.Vint(3))];
    static readonly ValuePair[] slotValues = ExhaustiveScope.SlotValues;

    public static readonly PrimitiveDef VmxReadz = new(Primitives.VmxReadz.Primitive, PrimitiveDef.CDefaults,
        new ExhaustivePlan("argument i ∈ [0, 38) ∪ {38, 0x80000000, 0xFFFFFFFF, Vundef↦0}; slot i (or the abstract value at an out-of-range i) ∈ 6 related values",
            (readIndices.Length + 1) * slotValues.Length, KernelPgHost, ReadzValues),
        (layout, tc, cpu) =>
            from i in Gens.Index
            from arg in IntArg(i, layout)
            from v in Pair(layout, intWeight: 24)
            from spill in Gen.Bool
            select (Action<CaseBuilder>)(b =>
            {
                b.Args(arg);
                if (i < VmxSlots.Size) b.Slot((int)i, v);
                else if (spill) b.Overflow(i, v.High);   // what the abstract map holds there: only the high layer has it
            }));

    static IEnumerable<ConcreteCase> ReadzValues(ScopeBase b)
    {
        foreach (var arg in readIndices.Select(ValuePair.Int).Append(new ValuePair(Val.Vundef, Val.Vint(0))))
            foreach (var v in slotValues)
            {
                var c = b.New().Args(arg);
                uint i = arg.Low.IntValue.Bits;
                if (i < VmxSlots.Size) c.Slot((int)i, v); else c.Overflow(i, v.High);
                yield return c.Build();
            }
    }

    public static readonly PrimitiveDef VmxWritez = new(Primitives.VmxWritez.Primitive, PrimitiveDef.CDefaults,
        new ExhaustivePlan("i ∈ [0, 38) ∪ {38, 0xFFFFFFFF}; x ∈ {0, 0xFFFFFFFF, Vundef↦5}; old slot i ∈ {background, Vundef↦7}",
            writeIndices.Length * writeValues.Length * 2, KernelPgHost, WritezValues),
        (layout, tc, cpu) =>
            from i in Gens.Index
            from argI in IntArg(i, layout)
            from x in Word
            from argX in IntArg(x, layout)
            select (Action<CaseBuilder>)(b => b.Args(argI, argX)));

    static IEnumerable<ConcreteCase> WritezValues(ScopeBase b)
    {
        foreach (var i in writeIndices)
            foreach (var x in writeValues)
                for (int old = 0; old < 2; old++)
                {
                    var c = b.New().Args(ValuePair.Int(i), x);
                    if (i < VmxSlots.Size && old > 0) c.Slot((int)i, new(Val.Vundef, Val.Vint(7)));
                    yield return c.Build();
                }
    }

    public static readonly PrimitiveDef VmxEnterPre = new(Primitives.VmxEnterPre.Primitive, PrimitiveDef.CDefaults,
        new ExhaustivePlan("slot 14 (G_RIP) ∈ 6 related values; VMCS GUEST_RIP ∈ {0, Vundef, Vundef↦9}",
            slotValues.Length * vmcsRip.Length, f => KernelPgHost(f) && f.Init, EnterPreValues),
        (layout, tc, cpu) =>
            from rip in Pair(layout, intWeight: 24)
            select (Action<CaseBuilder>)(b => b.Slot(VmxSlots.G_RIP, rip)));

    static IEnumerable<ConcreteCase> EnterPreValues(ScopeBase b)
    {
        foreach (var v in slotValues)
            foreach (var rip in vmcsRip)
                yield return b.New().Slot(VmxSlots.G_RIP, v).Vmcs(VmcsFields.GUEST_RIP, rip).Build();
    }

    public static readonly PrimitiveDef VmxExitPost = new(Primitives.VmxExitPost.Primitive, PrimitiveDef.CDefaults,
        new ExhaustivePlan("VMCS GUEST_RIP, EXIT_REASON, EXIT_QUALIFICATION each ∈ {0, 0xFFFFFFFF, Vundef, Vundef↦3}",
            vmcsValues.Length * vmcsValues.Length * vmcsValues.Length, KernelPgHost, ExitPostValues),
        (layout, tc, cpu) =>
            from f in Pair(layout, intWeight: 40).Array[3]
            select (Action<CaseBuilder>)(b => b.Vmcs(VmcsFields.GUEST_RIP, f[0]).Vmcs(VmcsFields.EXIT_REASON, f[1]).Vmcs(VmcsFields.EXIT_QUALIFICATION, f[2])));

    static IEnumerable<ConcreteCase> ExitPostValues(ScopeBase b)
    {
        foreach (var rip in vmcsValues)
            foreach (var reason in vmcsValues)
                foreach (var qual in vmcsValues)
                    yield return b.New().Vmcs(VmcsFields.GUEST_RIP, rip).Vmcs(VmcsFields.EXIT_REASON, reason).Vmcs(VmcsFields.EXIT_QUALIFICATION, qual).Build();
    }
}
