using System.Runtime.CompilerServices;
using VmxLayers.Constants;
using VmxLayers.Semantics;

namespace VmxLayers.Spec.Concrete;

/// <summary>The concrete instance of <see cref="ISpecDomain{T}"/>: runs the specs on real values and memory.</summary>
public struct ConcreteDomain(ConcreteContext ctx) : ISpecDomain<CTerm>
{
    public readonly ConcreteContext Context => ctx;

    // the domain's every operation wraps its result in one of these: inlined, so a spec step's guards stay branches
    [MethodImpl(MethodImplOptions.AggressiveInlining)] static Bool<CTerm> B(bool b) => new(CTerm.Of(b));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] static Z<CTerm> Zt(long z) => new(new CTerm(z));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] static Val<CTerm> V(Val v) => new(new CTerm(v));

    public readonly bool Require(Bool<CTerm> cond, GuardText why)
    {
        if (cond.Raw.B) return true;
        ctx.Why = why.ToString();
        return false;
    }

    public readonly void Phase(SpecPhase phase) { }

    public readonly Bool<CTerm> Bool(bool b) => B(b);
    public readonly Bool<CTerm> And(Bool<CTerm> a, Bool<CTerm> b) => B(a.Raw.B && b.Raw.B);
    public readonly Bool<CTerm> Or(Bool<CTerm> a, Bool<CTerm> b) => B(a.Raw.B || b.Raw.B);
    public readonly Bool<CTerm> Not(Bool<CTerm> a) => B(!a.Raw.B);
    public readonly Bool<CTerm> Implies(Bool<CTerm> a, Bool<CTerm> b) => B(!a.Raw.B || b.Raw.B);
    public readonly Bool<CTerm> Iff(Bool<CTerm> a, Bool<CTerm> b) => B(a.Raw.B == b.Raw.B);

    public readonly Z<CTerm> Z(long n) => Zt(n);
    public readonly Z<CTerm> Add(Z<CTerm> a, Z<CTerm> b) => Zt(a.Raw.Z + b.Raw.Z);
    public readonly Z<CTerm> Mul(Z<CTerm> a, Z<CTerm> b) => Zt(a.Raw.Z * b.Raw.Z);
    public readonly Bool<CTerm> Le(Z<CTerm> a, Z<CTerm> b) => B(a.Raw.Z <= b.Raw.Z);
    public readonly Bool<CTerm> Lt(Z<CTerm> a, Z<CTerm> b) => B(a.Raw.Z < b.Raw.Z);
    public readonly Bool<CTerm> Eq(Z<CTerm> a, Z<CTerm> b) => B(a.Raw.Z == b.Raw.Z);
    public readonly Z<CTerm> Unsigned(Int<CTerm> i) => Zt(i.Raw.Z);
    public readonly Int<CTerm> Repr(Z<CTerm> z) => new(new CTerm(Semantics.Int.Repr(z.Raw.Z).Unsigned));

    static readonly Val<CTerm> vundef = V(Semantics.Val.Vundef);
    public readonly Val<CTerm> Vundef => vundef;
    /// <summary>An Int term always holds an unsigned 32-bit payload (only Repr and IntOf make one).</summary>
    public readonly Val<CTerm> Vint(Int<CTerm> i) => V(Semantics.Val.Vint((uint)i.Raw.Z));
    public readonly Bool<CTerm> IsUndef(Val<CTerm> v) => B(v.Raw.V.IsUndef);
    public readonly Bool<CTerm> IsInt(Val<CTerm> v) => B(v.Raw.V.IsInt);
    public readonly Bool<CTerm> IsPtr(Val<CTerm> v) => B(v.Raw.V.IsPtr);
    public readonly Int<CTerm> IntOf(Val<CTerm> v) => new(new CTerm(v.Raw.V.IntValue.Unsigned));
    public readonly Z<CTerm> BlockOf(Val<CTerm> v) => Zt(v.Raw.V.Block);
    public readonly Bool<CTerm> ValEq(Val<CTerm> a, Val<CTerm> b) => B(a.Raw.V == b.Raw.V);
    public readonly Val<CTerm> LoadResult32(Val<CTerm> v) => V(ValOps.LoadResult(Chunk.Mint32, v.Raw.V));
    public readonly Bool<CTerm> HasType(Val<CTerm> v, Typ t) => B(v.Raw.V.HasType(t));
    public readonly Val<CTerm> SymbolPtr(Global g) => V(Semantics.Val.Vptr(Genv.BlockOf(g), 0u));
    public readonly Z<CTerm> GenvNext => Zt(Genv.Next);
    public readonly Z<CTerm> TotalCpu => Zt(ctx.Genv.TotalCpu);

    public readonly Bool<CTerm> Inject(Val<CTerm> a, Val<CTerm> b) => B(Semantics.Inject.Val(ctx.Inject, a.Raw.V, b.Raw.V));
    public readonly Bool<CTerm> InjectsFlat(Val<CTerm> v, Z<CTerm> next) => B(!v.Raw.V.IsPtr || v.Raw.V.Block < next.Raw.Z);

    public readonly Val<CTerm> Slot(VmxMap<CTerm> vmx, Z<CTerm> cpu, Z<CTerm> slot) => V(vmx.Raw.As<VmxArea>().Get(cpu.Raw.Z, slot.Raw.Z));

    public readonly VmxMap<CTerm> SetSlot(VmxMap<CTerm> vmx, Z<CTerm> cpu, Z<CTerm> slot, Val<CTerm> v)
    {
        ctx.Touched?.Slots.Add((cpu.Raw.Z, slot.Raw.Z));
        return new(new CTerm(vmx.Raw.As<VmxArea>().Set(cpu.Raw.Z, slot.Raw.Z, v.Raw.V)));
    }

    public readonly Val<CTerm> VmcsField(VmcsMap<CTerm> vmcs, Z<CTerm> cpu, Z<CTerm> enc) => V(vmcs.Raw.As<VmcsArea>()[cpu.Raw.Z].Get(enc.Raw.Z));

    public readonly VmcsMap<CTerm> SetVmcsField(VmcsMap<CTerm> vmcs, Z<CTerm> cpu, Z<CTerm> enc, Val<CTerm> v)
    {
        ctx.Touched?.VmcsFields.Add((cpu.Raw.Z, enc.Raw.Z));
        var area = vmcs.Raw.As<VmcsArea>();
        return new(new CTerm(area.Set(cpu.Raw.Z, area[cpu.Raw.Z].Set(enc.Raw.Z, v.Raw.V))));
    }

    public readonly Val<CTerm> VmcsRevid(VmcsMap<CTerm> vmcs, Z<CTerm> cpu) => V(vmcs.Raw.As<VmcsArea>()[cpu.Raw.Z].Revid);
    public readonly Val<CTerm> VmcsAbrtid(VmcsMap<CTerm> vmcs, Z<CTerm> cpu) => V(vmcs.Raw.As<VmcsArea>()[cpu.Raw.Z].Abrtid);
    public readonly Bool<CTerm> ValidEncoding(Z<CTerm> enc) => B(VmcsFields.IsValid(enc.Raw.Z));

    public readonly Val<CTerm> Reg(Regs<CTerm> rs, Preg r) => V(rs.Raw.As<RegBox>()[r]);

    [SkipLocalsInit]   // every entry of the buffer is written before it is read
    public readonly Regs<CTerm> SetRegs(Regs<CTerm> rs, ReadOnlySpan<(Preg Reg, Val<CTerm> Value)> updates)
    {
        Span<(Preg, Val)> changes = updates.Length <= PregInfo.Count ? stackalloc (Preg, Val)[updates.Length] : new (Preg, Val)[updates.Length];
        for (int k = 0; k < updates.Length; k++) changes[k] = (updates[k].Reg, updates[k].Value.Raw.V);
        return new(new CTerm(rs.Raw.As<RegBox>().With(changes)));
    }

    public readonly Regs<CTerm> UndefRegs(Regs<CTerm> rs, ReadOnlySpan<Preg> regs) => new(new CTerm(rs.Raw.As<RegBox>().WithUndefined(regs)));

    public readonly Val<CTerm> LoadVmxLoc(Mem<CTerm> mem, Z<CTerm> ofs, out Bool<CTerm> ok)
    {
        var v = mem.Raw.As<Mem>().Load(Chunk.Mint32, Genv.VmxLocBlock, ofs.Raw.Z);
        ok = B(v.HasValue);
        return V(v ?? Semantics.Val.Vundef);
    }

    public readonly Mem<CTerm> StoreVmxLoc(Mem<CTerm> mem, Z<CTerm> ofs, Val<CTerm> v, out Bool<CTerm> ok)
    {
        var m = mem.Raw.As<Mem>().Store(Chunk.Mint32, Genv.VmxLocBlock, ofs.Raw.Z, v.Raw.V);
        ok = B(m is not null);
        if (m is null) return mem;
        ctx.Touched?.VmxLocStores.Add(ofs.Raw.Z);
        return new(new CTerm(m));
    }

    public readonly Bool<CTerm> WritableVmxLoc(Mem<CTerm> mem, Z<CTerm> ofs) =>
        B(mem.Raw.As<Mem>().ValidAccess(Chunk.Mint32, Genv.VmxLocBlock, ofs.Raw.Z, Permission.Writable));

    public readonly Z<CTerm> NextBlock(Mem<CTerm> mem) => Zt(mem.Raw.As<Mem>().NextBlock);

    public readonly Bool<CTerm> MemoryMatch(Mem<CTerm> memHigh, Mem<CTerm> memLow)
    {
        var why = MemoryFacts.Check(ctx, memHigh.Raw.As<Mem>(), memLow.Raw.As<Mem>());
        if (why is not null) Fail(new("memory", why));
        return B(why is null);
    }

    public readonly Bool<CTerm> ForallCpuSlot(string clause, Func<Z<CTerm>, Z<CTerm>, Bool<CTerm>> body)
    {
        bool all = true;
        for (int c = 0; c < ctx.Genv.TotalCpu; c++)
            for (int i = 0; i < VmxSlots.Size; i++)
                if (!body(Zt(c), Zt(i)).Raw.B && !Fail(new(clause, $"CPU {c}, {VmxSlots.Describe(i)}", WitnessKind.Slot, c, i), ref all)) return B(false);
        return B(all);
    }

    public readonly Bool<CTerm> ForallSlot(string clause, Func<Z<CTerm>, Bool<CTerm>> body)
    {
        bool all = true;
        for (int i = 0; i < VmxSlots.Size; i++)
            if (!body(Zt(i)).Raw.B && !Fail(new(clause, VmxSlots.Describe(i), WitnessKind.Slot, -1, i), ref all)) return B(false);
        return B(all);
    }

    public readonly Bool<CTerm> ForallCpuField(string clause, VmcsMap<CTerm> high, VmcsMap<CTerm> low, Func<Z<CTerm>, Z<CTerm>, Bool<CTerm>> body)
    {
        bool all = true;
        VmcsArea h = high.Raw.As<VmcsArea>(), l = low.Raw.As<VmcsArea>();
        for (int c = 0; c < ctx.Genv.TotalCpu; c++)
        {
            foreach (var (enc, _) in VmcsFields.All)
                if (!body(Zt(c), Zt(enc)).Raw.B && !Fail(new(clause, $"CPU {c}, VMCS field {VmcsFields.Describe(enc)}", WitnessKind.VmcsField, c, enc), ref all)) return B(false);
            // the encodings outside the valid set that either side holds (elsewhere both are the default Vundef)
            foreach (long enc in InvalidEncodings(h[c], l[c]))
                if (!body(Zt(c), Zt(enc)).Raw.B && !Fail(new(clause, $"CPU {c}, VMCS encoding 0x{enc:X4} (not a valid encoding)", WitnessKind.VmcsField, c, enc), ref all)) return B(false);
        }
        return B(all);
    }

    static IEnumerable<long> InvalidEncodings(VmcsData h, VmcsData l) =>
        h.Extra.Count == 0 && l.Extra.Count == 0 ? [] : h.Extra.Keys.Union(l.Extra.Keys).Order();

    /// <summary>Records a failing instance; true when the quantifier should go on (collecting every failure).</summary>
    readonly bool Fail(ClauseWitness w, ref bool all)
    {
        if (all) ctx.Witness[w.Clause] = w.Where;   // the first failing instance of this evaluation
        all = false;
        ctx.AllFailures?.Add(w);
        return ctx.AllFailures is not null;
    }

    readonly void Fail(ClauseWitness w)
    {
        ctx.Witness[w.Clause] = w.Where;
        ctx.AllFailures?.Add(w);
    }
}
