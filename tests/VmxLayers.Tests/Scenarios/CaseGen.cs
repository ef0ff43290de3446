using System.Collections.Immutable;
using VmxLayers.Cases;
using VmxLayers.Constants;
using VmxLayers.Machine;
using VmxLayers.Refinement;
using VmxLayers.Semantics;
using VmxLayers.Spec;
using VmxLayers.Spec.Concrete;

namespace VmxLayers.Tests.Scenarios;

/// <summary>Small deterministic generator of <see cref="ConcreteCase"/>s: mostly related pairs, some mutants, some oddities.</summary>
static class CaseGen
{
    static readonly Val[] values = [Val.Vzero, Val.Vone, Val.Vint(14), Val.Vint(0x1000), Val.Vmone, Val.Vundef, Val.Vptr(Genv.Next, 8u), Val.Vptr(Genv.VmxLocBlock, 152u)];
    static readonly Val[] args = [Val.Vzero, Val.Vint(14), Val.Vint(37), Val.Vint(38), Val.Vmone, Val.Vundef, Val.Vptr(Genv.Next, 0u)];

    static T Pick<T>(Random r, T[] xs) => xs[r.Next(xs.Length)];

    public static (ConcreteCase Case, string? Mutant) Next(Random r)
    {
        int n = r.Next(1, 4), cpu = r.Next(n);
        var prim = Pick(r, Prims.All.ToArray());
        var high = Enumerable.Range(0, n * VmxSlots.Size).Select(_ => r.Next(3) == 0 ? Pick(r, values) : Val.Vzero).ToImmutableArray();
        // Mostly identical low slots (related under the flat injection); sometimes a deliberate difference.
        var low = r.Next(6) == 0 ? high.SetItem(r.Next(high.Length), Pick(r, values)) : high;
        var flags = r.Next(3) > 0 ? CpuFlags.AllTrue : new CpuFlags(r.Next(2) > 0, r.Next(2) > 0, r.Next(2) > 0, r.Next(2) > 0);
        var vmcs = r.Next(2) == 0 ? ImmutableArray<VmcsOverride>.Empty
            : [new VmcsOverride(r.Next(n), VmcsFields.GUEST_RIP, Val.Vint(0x2000), Val.Vint(0x2000)),
               new VmcsOverride(r.Next(n), VmcsFields.EXIT_REASON, Val.Vint(30), r.Next(6) == 0 ? Val.Vint(31) : Val.Vint(30))];
        var overflow = r.Next(6) == 0 ? [new SlotOverflow(n + 2, 40, Val.Vint(9))] : ImmutableArray<SlotOverflow>.Empty;
        var a = ImmutableArray.Create(Pick(r, args), Pick(r, args));
        var regs = Regs(r, prim.Primitive, cpu);
        var regsLow = r.Next(8) == 0 ? regs.Set(Preg.EBX, Val.Vint(99)) : regs;
        // A mutant of this primitive (or of the relation) half of the time, so some cases refute the statement.
        var mutants = Mutants.MutantCatalog.All.Where(m => m.Primitive is null || m.Primitive == prim.Primitive).Select(m => m.Name).ToArray();
        string? mutant = r.Next(2) == 0 ? Pick(r, mutants) : null;
        int hb = r.Next(1, 3), lb = hb + r.Next(2);
        ImmutableArray<(int, int)> inject = [.. Enumerable.Range(Genv.Next, hb).Select(b => (b, b))];
        ImmutableArray<(int, int)> readOnly = r.Next(8) == 0 ? [(r.Next(n), r.Next(VmxSlots.Size))] : default;
        var lowFlags = r.Next(10) == 0 ? flags with { Pg = !flags.Pg } : flags;
        return (new ConcreteCase(prim.Primitive, n, cpu, flags, lowFlags, high, low, vmcs, overflow, hb, lb, inject, a, a, regs, regsLow, readOnly), mutant);
    }

    static RegSet Regs(Random r, Primitive p, int cpu)
    {
        var rs = RegSet.Undef
            .Set(Preg.PC, r.Next(8) == 0 ? Val.Vptr(Genv.VmxLocBlock, 0u) : Val.Vptr(p.Entry == Global.vmx_exit ? Genv.VmxExitBlock : Genv.VmxEnterBlock, 0u))
            .Set(Preg.RA, Val.Vptr(Genv.VmxEnterBlock, 0u))
            .Set(Preg.ECX, Val.Vint((uint)(VmxSlots.Stride * (r.Next(6) == 0 ? cpu + 1 : cpu))))
            .Set(Preg.ESP, r.Next(6) == 0 ? Val.Vundef : Val.Vptr(Genv.Next, 16u));
        foreach (var g in new[] { Preg.EAX, Preg.EBX, Preg.EDX, Preg.ESI, Preg.EDI, Preg.EBP })
            rs = rs.Set(g, Pick(r, values));
        return rs;
    }
}
