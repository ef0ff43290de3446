using VmxLayers.Layers;
using VmxLayers.Semantics;
using VmxLayers.Spec;

namespace VmxLayers.Smt;

/// <summary>
/// The symbolic instance of <see cref="ISpecDomain{T}"/>: running a spec builds SMT terms instead of
/// values. Guards are recorded by phase and the spec continues as if they held (see docs/prover.md).
/// </summary>
public readonly struct SymbolicDomain(SymbolicContext ctx) : ISpecDomain<Sx>
{
    public SymbolicContext Context => ctx;
    Terms T => ctx.T;
    static Sx S(Node n) => new(n);

    public MutantId Mutant => ctx.Mutant;

    public bool Require(Sx cond, GuardText why)
    {
        ctx.Guards.Add(new Guard(ctx.Phase, cond.N, why.ToString()));
        return true;
    }

    public void Phase(SpecPhase phase) => ctx.Phase = phase;

    // ---- Bool, Z, Int ----
    public Sx Bool(bool b) => S(T.Bool(b));
    public Sx And(Sx a, Sx b) => S(T.And(a.N, b.N));
    public Sx Or(Sx a, Sx b) => S(T.Or(a.N, b.N));
    public Sx Not(Sx a) => S(T.Not(a.N));
    public Sx Implies(Sx a, Sx b) => S(T.Implies(a.N, b.N));
    public Sx Z(long n) => S(T.Int(n));
    public Sx Add(Sx a, Sx b) => S(T.Add(a.N, b.N));
    public Sx Mul(Sx a, Sx b) => S(T.Mul(a.N, b.N));
    public Sx Le(Sx a, Sx b) => S(T.Le(a.N, b.N));
    public Sx Lt(Sx a, Sx b) => S(T.Lt(a.N, b.N));
    public Sx Eq(Sx a, Sx b) => S(T.Eq(a.N, b.N));

    /// <summary>Int (32-bit) is an SMT Int in [0, 2^32), so unsigned is the identity.</summary>
    public Sx Unsigned(Sx i) => i;

    /// <summary>repr z = z mod 2^32, skipped when z is already a 32-bit payload.</summary>
    public Sx Repr(Sx z)
    {
        if (z.N.IsLit) return S(T.Int(((z.N.Num % Modulus) + Modulus) % Modulus));
        if (Ranged(z.N)) return z;
        return S(T.App(Sort.Int, "mod", z.N, T.Int(Modulus)));
    }

    public const long Modulus = 1L << 32;

    /// <summary>Syntactically in [0, 2^32): a Vint payload (every Val is well-formed, see LemmaEncoding), or a mod 2^32.</summary>
    static bool Ranged(Node z) => z.IsApp("ival") || (z.IsApp("mod") && z.Args[1].IsLit && z.Args[1].Num == Modulus)
        || (z.IsApp("ite") && Ranged(z.Args[1]) && Ranged(z.Args[2]));

    // ---- Val ----
    public Sx Vundef => S(T.Const("Vundef", Sort.Val));
    public Sx Vint(Sx i) => S(T.App(Sort.Val, "Vint", i.N));
    public Sx IsUndef(Sx v) => Tester(v, "Vundef");
    public Sx IsInt(Sx v) => Tester(v, "Vint");
    public Sx IsPtr(Sx v) => Tester(v, "Vptr");

    Sx Tester(Sx v, string ctor) =>
        Terms.Ctor(v.N) is { } c ? Bool(c == ctor) : S(T.App(Sort.Bool, $"(_ is {ctor})", v.N));

    public Sx IntOf(Sx v) => v.N.IsApp("Vint") ? S(v.N.Args[0]) : S(T.App(Sort.Int, "ival", v.N));

    public Sx BlockOf(Sx v)
    {
        ctx.BlockVal(v.N);
        return v.N.IsApp("Vptr") ? S(v.N.Args[0]) : S(T.App(Sort.Int, "blk", v.N));
    }

    public Sx ValEq(Sx a, Sx b) => S(T.Eq(a.N, b.N));

    public Sx LoadResult32(Sx v) => Terms.Ctor(v.N) is { } c
        ? (c is "Vint" or "Vptr" ? v : Vundef)
        : v.N.IsApp("lr32") ? v : S(T.App(Sort.Val, "lr32", v.N));

    public Sx HasType(Sx v, Typ t)
    {
        if (Terms.Ctor(v.N) is { } c)
            return Bool(c == "Vundef" || (t == Typ.Tint ? c is "Vint" or "Vptr" : t == Typ.Tlong ? c == "Vlong" : t == Typ.Tfloat && c == "Vfloat"));
        if (v.N.IsApp("lr32") && t == Typ.Tint) return Bool(true);
        string f = t switch
        {
            Typ.Tint => "tint",
            Typ.Tlong => "tlong",
            Typ.Tfloat => "tfloat",
            _ => throw new NotSupportedException($"the symbolic domain has no encoding of has_type {t}"),
        };
        return S(T.App(Sort.Bool, f, v.N));
    }

    public Sx SymbolPtr(Global g) => S(T.App(Sort.Val, "Vptr", T.Int(Spec.Concrete.Genv.BlockOf(g)), T.Int(0)));
    public Sx GenvNext => Z(Spec.Concrete.Genv.Next);
    public Sx TotalCpu => S(ctx.TotalCpu);

    // ---- injections ----
    public Sx Inject(Sx a, Sx b)
    {
        if (Terms.Ctor(a.N) == "Vundef") return Bool(true);
        if (a.N == b.N && Terms.Ctor(a.N) is "Vint") return Bool(true);
        ctx.BlockVal(a.N);
        return S(T.App(Sort.Bool, "vinj", a.N, b.N));
    }

    public Sx InjectsFlat(Sx v, Sx next) => Implies(IsPtr(v), Lt(BlockOf(v), next));

    // ---- abstract state ----
    public Sx Slot(Sx vmx, Sx cpu, Sx slot)
    {
        ctx.SlotPoint(cpu.N, slot.N);
        var v = T.Select(T.Select(vmx.N, cpu.N), slot.N);
        if (vmx.N.Op == Op.Const) ctx.Leaf(v);
        return S(v);
    }

    public Sx SetSlot(Sx vmx, Sx cpu, Sx slot, Sx v)
    {
        ctx.SlotPoint(cpu.N, slot.N);
        return S(T.Store(vmx.N, cpu.N, T.Store(T.Select(vmx.N, cpu.N), slot.N, v.N)));
    }

    public Sx VmcsField(Sx vmcs, Sx cpu, Sx enc)
    {
        ctx.FieldPoint(cpu.N, enc.N);
        var fields = vmcs.N.Args[0];
        var v = T.Select(T.Select(fields, cpu.N), enc.N);
        if (fields.Op == Op.Const) ctx.Leaf(v);
        return S(v);
    }

    public Sx SetVmcsField(Sx vmcs, Sx cpu, Sx enc, Sx v)
    {
        ctx.FieldPoint(cpu.N, enc.N);
        var f = vmcs.N.Args[0];
        var fields = T.Store(f, cpu.N, T.Store(T.Select(f, cpu.N), enc.N, v.N));
        return S(T.Record(Sort.Vmcs, fields, vmcs.N.Args[1], vmcs.N.Args[2]));
    }

    public Sx VmcsRevid(Sx vmcs, Sx cpu) => ReadRow(vmcs.N.Args[1], cpu.N);
    public Sx VmcsAbrtid(Sx vmcs, Sx cpu) => ReadRow(vmcs.N.Args[2], cpu.N);

    Sx ReadRow(Node row, Node cpu)
    {
        var v = T.Select(row, cpu);
        if (row.Op == Op.Const) ctx.Leaf(v);
        return S(v);
    }

    public Sx ValidEncoding(Sx enc) =>
        enc.N.IsLit ? Bool(VmcsFields.IsValid(enc.N.Num)) : S(T.App(Sort.Bool, "valid_enc", enc.N));

    // ---- registers: a record of one Val term per register ----
    public Sx Reg(Sx rs, Preg r) => S(rs.N.Args[(int)r]);

    public Sx SetRegs(Sx rs, ReadOnlySpan<(Preg Reg, Sx Value)> updates)
    {
        var regs = (Node[])rs.N.Args.Clone();
        foreach (var (r, v) in updates) regs[(int)r] = v.N;
        return S(T.Record(Sort.Regs, regs));
    }

    public Sx UndefRegs(Sx rs, ReadOnlySpan<Preg> regs)
    {
        var vals = (Node[])rs.N.Args.Clone();
        foreach (var r in regs) vals[(int)r] = Vundef.N;
        return S(T.Record(Sort.Regs, vals));
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

    public Sx LoadVmxLoc(Sx mem, Sx ofs, out Sx ok)
    {
        ctx.OffsetPoint(ofs.N);
        var m = mem.N.Args;
        ok = S(T.And(Aligned(ofs.N), T.Select(m[1], ofs.N)));
        var word = T.Select(m[0], ofs.N);
        if (m[0].Op == Op.Const) ctx.Leaf(word);
        return LoadResult32(S(word));   // A7: a Mint32 load yields Vundef, Vint or Vptr
    }

    public Sx StoreVmxLoc(Sx mem, Sx ofs, Sx v, out Sx ok)
    {
        ok = WritableVmxLoc(mem, ofs);
        var m = mem.N.Args;
        var words = T.Store(m[0], ofs.N, LoadResult32(v).N);   // A1/A2: the word then reads back load_result Mint32 v
        return S(T.Record(Sort.Mem, words, m[1], m[2], m[3], m[4]));   // A4: permissions, nextblock unchanged
    }

    public Sx WritableVmxLoc(Sx mem, Sx ofs)
    {
        ctx.OffsetPoint(ofs.N);
        return S(T.And(Aligned(ofs.N), T.Select(mem.N.Args[2], ofs.N)));
    }

    public Sx NextBlock(Sx mem) => S(mem.N.Args[3]);

    public Sx MemoryMatch(Sx memHigh, Sx memLow)
    {
        Node h = memHigh.N, l = memLow.N;
        var flag = T.Const($"memory_match_{h.Args[4].Name}_{l.Args[4].Name}", Sort.Bool);   // A5: low stores keep it
        if (ctx.Premise(ctx.Phase) && !ctx.MemoryPairs.Any(p => p.Flag == flag))
            ctx.MemoryPairs.Add(new MemoryPair(flag, h.Args[3], l.Args[3], h.Args[1], h.Args[2]));
        return S(T.And(flag, T.Le(h.Args[3], l.Args[3])));
    }

    // ---- quantifiers ----
    public Sx ForallCpuSlot(string clause, Func<Sx, Sx, Sx> body) =>
        S(ctx.Forall(QuantKind.CpuSlot, clause, (c, i) => body(S(c), S(i)).N));

    public Sx ForallSlot(string clause, Func<Sx, Sx> body) =>
        S(ctx.Forall(QuantKind.Slot, clause, (_, i) => body(S(i)).N));

    public Sx ForallCpuField(string clause, Func<Sx, Sx, Sx> body) =>
        S(ctx.Forall(QuantKind.CpuField, clause, (c, e) => body(S(c), S(e)).N));
}

