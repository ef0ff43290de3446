using VmxLayers.Layers;
using VmxLayers.Semantics;

namespace VmxLayers.Spec.Concrete;

/// <summary>The concrete instance of <see cref="ISpecDomain{T}"/>: runs the specs on real values and memory.</summary>
public struct ConcreteDomain(ConcreteContext ctx) : ISpecDomain<CTerm>
{
    public readonly ConcreteContext Context => ctx;
    public readonly MutantId Mutant => ctx.Mutant;

    public readonly bool Require(CTerm cond, GuardText why)
    {
        if (cond.B) return true;
        ctx.Why = why.ToString();
        return false;
    }

    public readonly void Phase(SpecPhase phase) { }

    public readonly CTerm Bool(bool b) => CTerm.Of(b);
    public readonly CTerm And(CTerm a, CTerm b) => CTerm.Of(a.B && b.B);
    public readonly CTerm Or(CTerm a, CTerm b) => CTerm.Of(a.B || b.B);
    public readonly CTerm Not(CTerm a) => CTerm.Of(!a.B);
    public readonly CTerm Implies(CTerm a, CTerm b) => CTerm.Of(!a.B || b.B);

    public readonly CTerm Z(long n) => new(n);
    public readonly CTerm Add(CTerm a, CTerm b) => new(a.Z + b.Z);
    public readonly CTerm Mul(CTerm a, CTerm b) => new(a.Z * b.Z);
    public readonly CTerm Le(CTerm a, CTerm b) => CTerm.Of(a.Z <= b.Z);
    public readonly CTerm Lt(CTerm a, CTerm b) => CTerm.Of(a.Z < b.Z);
    public readonly CTerm Eq(CTerm a, CTerm b) => CTerm.Of(a.Z == b.Z);
    public readonly CTerm Unsigned(CTerm i) => new(i.Z);
    public readonly CTerm Repr(CTerm z) => new(Int.Repr(z.Z).Unsigned);

    static readonly CTerm vundef = new(Val.Vundef);
    public readonly CTerm Vundef => vundef;
    public readonly CTerm Vint(CTerm i) => new(Val.Vint((uint)i.Z));
    public readonly CTerm IsUndef(CTerm v) => CTerm.Of(v.V.IsUndef);
    public readonly CTerm IsInt(CTerm v) => CTerm.Of(v.V.IsInt);
    public readonly CTerm IsPtr(CTerm v) => CTerm.Of(v.V.IsPtr);
    public readonly CTerm IntOf(CTerm v) => new(v.V.IntValue.Unsigned);
    public readonly CTerm BlockOf(CTerm v) => new(v.V.Block);
    public readonly CTerm ValEq(CTerm a, CTerm b) => CTerm.Of(a.V == b.V);
    public readonly CTerm LoadResult32(CTerm v) => new(ValOps.LoadResult(Chunk.Mint32, v.V));
    public readonly CTerm HasType(CTerm v, Typ t) => CTerm.Of(v.V.HasType(t));
    public readonly CTerm SymbolPtr(Global g) => new(Val.Vptr(Genv.BlockOf(g), 0u));
    public readonly CTerm GenvNext => new(Genv.Next);
    public readonly CTerm TotalCpu => new(ctx.Genv.TotalCpu);

    public readonly CTerm Inject(CTerm a, CTerm b) => CTerm.Of(Semantics.Inject.Val(ctx.Inject, a.V, b.V));
    public readonly CTerm InjectsFlat(CTerm v, CTerm next) => CTerm.Of(!v.V.IsPtr || v.V.Block < next.Z);

    public readonly CTerm Slot(CTerm vmx, CTerm cpu, CTerm slot) => new(vmx.As<VmxArea>().Get(cpu.Z, slot.Z));
    public readonly CTerm SetSlot(CTerm vmx, CTerm cpu, CTerm slot, CTerm v)
    {
        ctx.Touched?.Slots.Add((cpu.Z, slot.Z));
        return new(vmx.As<VmxArea>().Set(cpu.Z, slot.Z, v.V));
    }
    public readonly CTerm VmcsField(CTerm vmcs, CTerm cpu, CTerm enc) => new(vmcs.As<VmcsArea>()[cpu.Z].Get(enc.Z));
    public readonly CTerm SetVmcsField(CTerm vmcs, CTerm cpu, CTerm enc, CTerm v)
    {
        ctx.Touched?.VmcsFields.Add((cpu.Z, enc.Z));
        var area = vmcs.As<VmcsArea>();
        return new(area.Set(cpu.Z, area[cpu.Z].Set(enc.Z, v.V)));
    }
    public readonly CTerm VmcsRevid(CTerm vmcs, CTerm cpu) => new(vmcs.As<VmcsArea>()[cpu.Z].Revid);
    public readonly CTerm VmcsAbrtid(CTerm vmcs, CTerm cpu) => new(vmcs.As<VmcsArea>()[cpu.Z].Abrtid);
    public readonly CTerm ValidEncoding(CTerm enc) => CTerm.Of(VmcsFields.IsValid(enc.Z));

    public readonly CTerm Reg(CTerm rs, Preg r) => new(rs.As<RegBox>()[r]);
    public readonly CTerm SetRegs(CTerm rs, ReadOnlySpan<(Preg Reg, CTerm Value)> updates)
    {
        Span<(Preg, Val)> changes = updates.Length <= PregInfo.Count ? stackalloc (Preg, Val)[updates.Length] : new (Preg, Val)[updates.Length];
        for (int k = 0; k < updates.Length; k++) changes[k] = (updates[k].Reg, updates[k].Value.V);
        return new(rs.As<RegBox>().With(changes));
    }
    public readonly CTerm UndefRegs(CTerm rs, ReadOnlySpan<Preg> regs)
    {
        Span<(Preg, Val)> changes = regs.Length <= PregInfo.Count ? stackalloc (Preg, Val)[regs.Length] : new (Preg, Val)[regs.Length];
        for (int k = 0; k < regs.Length; k++) changes[k] = (regs[k], Val.Vundef);
        return new(rs.As<RegBox>().With(changes));
    }

    public readonly CTerm LoadVmxLoc(CTerm mem, CTerm ofs, out CTerm ok)
    {
        var v = mem.As<Mem>().Load(Chunk.Mint32, Genv.VmxLocBlock, ofs.Z);
        ok = CTerm.Of(v.HasValue);
        return new(v ?? Val.Vundef);
    }

    public readonly CTerm StoreVmxLoc(CTerm mem, CTerm ofs, CTerm v, out CTerm ok)
    {
        var m = mem.As<Mem>().Store(Chunk.Mint32, Genv.VmxLocBlock, ofs.Z, v.V);
        ok = CTerm.Of(m is not null);
        if (m is not null) ctx.Touched?.VmxLocStores.Add(ofs.Z);
        return m is null ? mem : new(m);
    }

    public readonly CTerm WritableVmxLoc(CTerm mem, CTerm ofs) =>
        CTerm.Of(mem.As<Mem>().ValidAccess(Chunk.Mint32, Genv.VmxLocBlock, ofs.Z, Permission.Writable));
    public readonly CTerm NextBlock(CTerm mem) => new(mem.As<Mem>().NextBlock);
    public readonly CTerm MemoryMatch(CTerm memHigh, CTerm memLow)
    {
        var why = MemoryFacts.Check(ctx, memHigh.As<Mem>(), memLow.As<Mem>());
        if (why is not null) ctx.Witness["memory"] = why;
        return CTerm.Of(why is null);
    }

    public readonly CTerm ForallCpuSlot(string clause, Func<CTerm, CTerm, CTerm> body)
    {
        for (int c = 0; c < ctx.Genv.TotalCpu; c++)
            for (int i = 0; i < VmxSlots.Size; i++)
                if (!body(new(c), new(i)).B) return Fail(clause, $"CPU {c}, {VmxSlots.Describe(i)}");
        return CTerm.Of(true);
    }

    public readonly CTerm ForallSlot(string clause, Func<CTerm, CTerm> body)
    {
        for (int i = 0; i < VmxSlots.Size; i++)
            if (!body(new(i)).B) return Fail(clause, VmxSlots.Describe(i));
        return CTerm.Of(true);
    }

    public readonly CTerm ForallCpuField(string clause, Func<CTerm, CTerm, CTerm> body)
    {
        for (int c = 0; c < ctx.Genv.TotalCpu; c++)
        {
            foreach (var (enc, _) in VmcsFields.All)
                if (!body(new(c), new(enc)).B) return Fail(clause, $"CPU {c}, VMCS field {VmcsFields.Describe(enc)}");
            if (!body(new(c), new(-1)).B) return Fail(clause, $"CPU {c}, the VMCS revid/abrtid or an invalid encoding");
        }
        return CTerm.Of(true);
    }

    readonly CTerm Fail(string clause, string where)
    {
        ctx.Witness[clause] = where;
        return CTerm.Of(false);
    }
}
