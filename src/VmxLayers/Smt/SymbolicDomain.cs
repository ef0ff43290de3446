using VmxLayers.Constants;
using VmxLayers.Semantics;
using VmxLayers.Spec;

namespace VmxLayers.Smt;

/// <summary>
/// The symbolic instance of <see cref="ISpecDomain{T}"/>: running a spec builds SMT terms (hash-consed
/// <see cref="Node"/>s) instead of values. Guards are recorded by phase and the spec continues as if they held
/// (see docs/prover.md). A 32-bit Int is an SMT Int in [0, 2^32): only <see cref="Repr"/> (mod 2^32) and
/// <see cref="IntOf"/> (a well-formed Vint's payload) make one.
/// </summary>
public readonly struct SymbolicDomain(SymbolicContext ctx) : ISpecDomain<Node>
{
    public SymbolicContext Context => ctx;
    Terms T => ctx.T;

    public bool Require(Bool<Node> cond, GuardText why)
    {
        ctx.Guards.Add(new Guard(ctx.Phase, cond.Raw, why.ToString()));
        return true;
    }

    public void Phase(SpecPhase phase) => ctx.Phase = phase;

    // ---- propositions ----
    public Bool<Node> Bool(bool b) => new(T.Bool(b));
    public Bool<Node> And(Bool<Node> a, Bool<Node> b) => new(T.And(a.Raw, b.Raw));
    public Bool<Node> Or(Bool<Node> a, Bool<Node> b) => new(T.Or(a.Raw, b.Raw));
    public Bool<Node> Not(Bool<Node> a) => new(T.Not(a.Raw));
    public Bool<Node> Implies(Bool<Node> a, Bool<Node> b) => new(T.Implies(a.Raw, b.Raw));
    public Bool<Node> Iff(Bool<Node> a, Bool<Node> b) => new(T.Eq(a.Raw, b.Raw));

    // ---- Z and Int ----
    public Z<Node> Z(long n) => new(T.Int(n));
    public Z<Node> Add(Z<Node> a, Z<Node> b) => new(T.Add(a.Raw, b.Raw));
    public Z<Node> Mul(Z<Node> a, Z<Node> b) => new(T.Mul(a.Raw, b.Raw));
    public Bool<Node> Le(Z<Node> a, Z<Node> b) => new(T.Le(a.Raw, b.Raw));
    public Bool<Node> Lt(Z<Node> a, Z<Node> b) => new(T.Lt(a.Raw, b.Raw));
    public Bool<Node> Eq(Z<Node> a, Z<Node> b) => new(T.Eq(a.Raw, b.Raw));

    /// <summary>An Int is an SMT Int in [0, 2^32), so unsigned is the identity.</summary>
    public Z<Node> Unsigned(Int<Node> i) => new(i.Raw);

    /// <summary>repr z = z mod 2^32, skipped when z is already a 32-bit payload.</summary>
    public Int<Node> Repr(Z<Node> z)
    {
        var n = z.Raw;
        if (n.IsLit) return new(T.Int(((n.Num % Modulus) + Modulus) % Modulus));
        if (Ranged(n)) return new(n);
        return new(T.App(Sort.Int, "mod", n, T.Int(Modulus)));
    }

    public const long Modulus = 1L << 32;

    /// <summary>Syntactically in [0, 2^32): a Vint payload (every Val is well-formed, see LemmaEncoding), or a mod 2^32.</summary>
    static bool Ranged(Node z) => z.IsApp("ival") || (z.IsApp("mod") && z.Args[1].IsLit && z.Args[1].Num == Modulus)
        || (z.IsApp("ite") && Ranged(z.Args[1]) && Ranged(z.Args[2]));

    // ---- values ----
    public Val<Node> Vundef => new(T.Const("Vundef", Sort.Val));
    public Val<Node> Vint(Int<Node> i) => new(T.App(Sort.Val, "Vint", i.Raw));
    public Bool<Node> IsUndef(Val<Node> v) => Tester(v, "Vundef");
    public Bool<Node> IsInt(Val<Node> v) => Tester(v, "Vint");
    public Bool<Node> IsPtr(Val<Node> v) => Tester(v, "Vptr");

    Bool<Node> Tester(Val<Node> v, string ctor) =>
        Terms.Ctor(v.Raw) is { } c ? Bool(c == ctor) : new(T.App(Sort.Bool, $"(_ is {ctor})", v.Raw));

    public Int<Node> IntOf(Val<Node> v) => new(v.Raw.IsApp("Vint") ? v.Raw.Args[0] : T.App(Sort.Int, "ival", v.Raw));

    public Z<Node> BlockOf(Val<Node> v)
    {
        ctx.BlockVal(v.Raw);
        return new(v.Raw.IsApp("Vptr") ? v.Raw.Args[0] : T.App(Sort.Int, "blk", v.Raw));
    }

    public Bool<Node> ValEq(Val<Node> a, Val<Node> b) => new(T.Eq(a.Raw, b.Raw));

    public Val<Node> LoadResult32(Val<Node> v) => Terms.Ctor(v.Raw) is { } c
        ? (c is "Vint" or "Vptr" ? v : Vundef)
        : v.Raw.IsApp("lr32") ? v : new(T.App(Sort.Val, "lr32", v.Raw));

    public Bool<Node> HasType(Val<Node> v, Typ t)
    {
        if (Terms.Ctor(v.Raw) is { } c)
            return Bool(c == "Vundef" || (t == Typ.Tint ? c is "Vint" or "Vptr" : t == Typ.Tlong ? c == "Vlong" : t == Typ.Tfloat && c == "Vfloat"));
        if (v.Raw.IsApp("lr32") && t == Typ.Tint) return Bool(true);
        string f = t switch
        {
            Typ.Tint => "tint",
            Typ.Tlong => "tlong",
            Typ.Tfloat => "tfloat",
            _ => throw new NotSupportedException($"the symbolic domain has no encoding of has_type {t}"),
        };
        return new(T.App(Sort.Bool, f, v.Raw));
    }

    public Val<Node> SymbolPtr(Global g) => new(T.App(Sort.Val, "Vptr", T.Int(Genv.BlockOf(g)), T.Int(0)));
    public Z<Node> GenvNext => Z(Genv.Next);
    public Z<Node> TotalCpu => new(ctx.TotalCpu);

    // ---- injections ----
    public Bool<Node> Inject(Val<Node> a, Val<Node> b)
    {
        if (Terms.Ctor(a.Raw) == "Vundef") return Bool(true);
        if (a.Raw == b.Raw && Terms.Ctor(a.Raw) is "Vint") return Bool(true);
        ctx.BlockVal(a.Raw);
        return new(T.App(Sort.Bool, "vinj", a.Raw, b.Raw));
    }

    public Bool<Node> InjectsFlat(Val<Node> v, Z<Node> next) => Implies(IsPtr(v), Lt(BlockOf(v), next));

    // ---- abstract state ----
    public Val<Node> Slot(VmxMap<Node> vmx, Z<Node> cpu, Z<Node> slot)
    {
        ctx.SlotPoint(cpu.Raw, slot.Raw);
        var v = T.Select(T.Select(vmx.Raw, cpu.Raw), slot.Raw);
        if (vmx.Raw.Op == Op.Const) ctx.Leaf(v);
        return new(v);
    }

    public VmxMap<Node> SetSlot(VmxMap<Node> vmx, Z<Node> cpu, Z<Node> slot, Val<Node> v)
    {
        ctx.SlotPoint(cpu.Raw, slot.Raw);
        return new(T.Store(vmx.Raw, cpu.Raw, T.Store(T.Select(vmx.Raw, cpu.Raw), slot.Raw, v.Raw)));
    }

    public Val<Node> VmcsField(VmcsMap<Node> vmcs, Z<Node> cpu, Z<Node> enc)
    {
        ctx.FieldPoint(cpu.Raw, enc.Raw);
        var fields = vmcs.Raw.Args[0];
        var v = T.Select(T.Select(fields, cpu.Raw), enc.Raw);
        if (fields.Op == Op.Const) ctx.Leaf(v);
        return new(v);
    }

    public VmcsMap<Node> SetVmcsField(VmcsMap<Node> vmcs, Z<Node> cpu, Z<Node> enc, Val<Node> v)
    {
        ctx.FieldPoint(cpu.Raw, enc.Raw);
        var f = vmcs.Raw.Args[0];
        var fields = T.Store(f, cpu.Raw, T.Store(T.Select(f, cpu.Raw), enc.Raw, v.Raw));
        return new(T.Record(Sort.Vmcs, fields, vmcs.Raw.Args[1], vmcs.Raw.Args[2]));
    }

    public Val<Node> VmcsRevid(VmcsMap<Node> vmcs, Z<Node> cpu) => ReadRow(vmcs.Raw.Args[1], cpu.Raw);
    public Val<Node> VmcsAbrtid(VmcsMap<Node> vmcs, Z<Node> cpu) => ReadRow(vmcs.Raw.Args[2], cpu.Raw);

    Val<Node> ReadRow(Node row, Node cpu)
    {
        var v = T.Select(row, cpu);
        if (row.Op == Op.Const) ctx.Leaf(v);
        return new(v);
    }

    public Bool<Node> ValidEncoding(Z<Node> enc) =>
        enc.Raw.IsLit ? Bool(VmcsFields.IsValid(enc.Raw.Num)) : new(T.App(Sort.Bool, "valid_enc", enc.Raw));

    // ---- registers: a record of one Val term per register ----
    public Val<Node> Reg(Regs<Node> rs, Preg r) => new(rs.Raw.Args[(int)r]);

    public Regs<Node> SetRegs(Regs<Node> rs, ReadOnlySpan<(Preg Reg, Val<Node> Value)> updates)
    {
        var regs = (Node[])rs.Raw.Args.Clone();
        foreach (var (r, v) in updates) regs[(int)r] = v.Raw;
        return new(T.Record(Sort.Regs, regs));
    }

    public Regs<Node> UndefRegs(Regs<Node> rs, ReadOnlySpan<Preg> regs)
    {
        var vals = (Node[])rs.Raw.Args.Clone();
        foreach (var r in regs) vals[(int)r] = Vundef.Raw;
        return new(T.Record(Sort.Regs, vals));
    }

    // ---- memory: record (words, rd, wr, nextblock, name) of VMX_LOC at word granularity ----
    /// <summary>In bounds of VMX_LOC (152·TOTAL_CPU bytes) and 4-aligned.</summary>
    Node Aligned(Node ofs) => T.And(T.And(T.Le(T.Int(0), ofs), T.Le(T.Add(ofs, T.Int(4)), T.Mul(T.Int(VmxSlots.Stride), ctx.TotalCpu))),
        MultipleOf4(ofs) ? T.True : T.Eq(ctx.Mod4(ofs), T.Int(0)));

    /// <summary>Whether ofs is syntactically 4·(something): every coefficient and the constant divisible by 4.</summary>
    static bool MultipleOf4(Node ofs)
    {
        var (atoms, k) = Linear.Of(ofs);
        return k % 4 == 0 && atoms.All(a => a.Coef % 4 == 0);
    }

    public Val<Node> LoadVmxLoc(Mem<Node> mem, Z<Node> ofs, out Bool<Node> ok)
    {
        ctx.OffsetPoint(ofs.Raw);
        var m = mem.Raw.Args;
        ctx.PermissionPoint(m[1], m[2], ofs.Raw);
        ok = new(T.And(Aligned(ofs.Raw), T.Select(m[1], ofs.Raw)));
        var word = T.Select(m[0], ofs.Raw);
        if (m[0].Op == Op.Const) ctx.Leaf(word);
        return LoadResult32(new(word));   // A7: a Mint32 load yields Vundef, Vint or Vptr
    }

    public Mem<Node> StoreVmxLoc(Mem<Node> mem, Z<Node> ofs, Val<Node> v, out Bool<Node> ok)
    {
        ok = WritableVmxLoc(mem, ofs);
        var m = mem.Raw.Args;
        var words = T.Store(m[0], ofs.Raw, LoadResult32(v).Raw);   // A1/A2: the word then reads back load_result Mint32 v
        return new(T.Record(Sort.Mem, words, m[1], m[2], m[3], m[4]));   // A4: permissions, nextblock unchanged
    }

    public Bool<Node> WritableVmxLoc(Mem<Node> mem, Z<Node> ofs)
    {
        ctx.OffsetPoint(ofs.Raw);
        ctx.PermissionPoint(mem.Raw.Args[1], mem.Raw.Args[2], ofs.Raw);
        return new(T.And(Aligned(ofs.Raw), T.Select(mem.Raw.Args[2], ofs.Raw)));
    }

    public Z<Node> NextBlock(Mem<Node> mem) => new(mem.Raw.Args[3]);

    public Bool<Node> MemoryMatch(Mem<Node> memHigh, Mem<Node> memLow)
    {
        Node h = memHigh.Raw, l = memLow.Raw;
        var flag = T.Const($"memory_match_{h.Args[4].Name}_{l.Args[4].Name}", Sort.Bool);   // A5: low stores keep it
        if (ctx.Premise(ctx.Phase) && !ctx.MemoryPairs.Any(p => p.Flag == flag))
            ctx.MemoryPairs.Add(new MemoryPair(flag, h.Args[3], l.Args[3], h.Args[1], h.Args[2]));
        return new(T.And(flag, T.Le(h.Args[3], l.Args[3])));
    }

    // ---- quantifiers ----
    public Bool<Node> ForallCpuSlot(string clause, Func<Z<Node>, Z<Node>, Bool<Node>> body) =>
        new(ctx.Forall(QuantKind.CpuSlot, clause, (c, i) => body(new(c), new(i)).Raw));

    public Bool<Node> ForallSlot(string clause, Func<Z<Node>, Bool<Node>> body) =>
        new(ctx.Forall(QuantKind.Slot, clause, (_, i) => body(new(i)).Raw));

    /// <summary>∀ c, enc over every encoding: the symbolic maps are total, so the maps themselves need not be enumerated.</summary>
    public Bool<Node> ForallCpuField(string clause, VmcsMap<Node> high, VmcsMap<Node> low, Func<Z<Node>, Z<Node>, Bool<Node>> body) =>
        new(ctx.Forall(QuantKind.CpuField, clause, (c, e) => body(new(c), new(e)).Raw));
}
