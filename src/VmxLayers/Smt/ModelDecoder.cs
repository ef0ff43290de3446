using System.Collections.Immutable;
using System.Numerics;
using VmxLayers.Layers;
using VmxLayers.Machine;
using VmxLayers.Semantics;
using VmxLayers.Smt.Solvers;
using VmxLayers.Spec.Concrete;

namespace VmxLayers.Smt;

/// <summary>A model's values, by node.</summary>
public sealed class Model(IReadOnlyDictionary<int, SExpr> values)
{
    public SExpr? this[Node n] => values.GetValueOrDefault(n.Id);
    public bool Has(Node n) => values.ContainsKey(n.Id);

    public long Int(Node n) => n.IsLit ? n.Num : (long)(this[n]?.AsBigInteger() is { } b ? Clamp(b) : throw new KeyNotFoundException($"no value for {n}"));
    public bool Bool(Node n) => n.IsLit ? n.Num != 0 : this[n]?.AsBool() ?? throw new KeyNotFoundException($"no value for {n}");
    public Val Val(Node n) => ModelDecoder.ParseVal(this[n] ?? throw new KeyNotFoundException($"no value for {n}"));

    static BigInteger Clamp(BigInteger b) => BigInteger.Clamp(b, long.MinValue, long.MaxValue);

    /// <summary>A value as the messages show it.</summary>
    public string Show(Node n) => n.Sort switch
    {
        Sort.Val => Has(n) || Terms.Ctor(n) == "Vundef" ? (Terms.Ctor(n) == "Vundef" ? "Vundef" : Val(n).ToString()) : "?",
        Sort.Bool => n.IsLit || Has(n) ? (Bool(n) ? "true" : "false") : "?",
        _ => n.IsLit || Has(n) ? Int(n).ToString(System.Globalization.CultureInfo.InvariantCulture) : "?",
    };
}

/// <summary>
/// Turns a model of a refuted obligation into a <see cref="ConcreteCase"/>: the terms to ask the solver
/// for, and the case built from their values. Points the lemma never touched get the neutral default
/// (Vint 0 on both sides), which satisfies every hypothesis clause.
/// </summary>
public sealed class ModelDecoder(LemmaEncoding lemma)
{
    /// <summary>Largest TOTAL_CPU and extra block count a decoded case may have.</summary>
    public const int MaxCpus = 64, MaxBlocks = 64;

    Terms T => lemma.Context.T;
    Node C(string name, Sort s) => T.Const(name, s);

    Node LowWord(Node c, Node i) =>
        T.App(Sort.Val, "lr32", T.Select(C("words_L", Sort.Row), T.Add(T.Mul(T.Int(VmxSlots.Stride), c), T.Mul(T.Int(4), i))));
    Node HighSlot(Node c, Node i) => T.Select(T.Select(C("vmx_H", Sort.Area), c), i);
    Node Field(string side, Node c, Node e) => T.Select(T.Select(C($"vmcs_{side}", Sort.Area), c), e);
    Node Blk(Node v) => T.App(Sort.Int, "blk", v);
    Node IsPtr(Node v) => T.App(Sort.Bool, "(_ is Vptr)", v);

    IEnumerable<Node> Regs(string side) => PregInfo.All.Select(r => C($"{r}_{side}", Sort.Val));

    /// <summary>Every term the decoder reads.</summary>
    public IEnumerable<Node> Terms()
    {
        foreach (var n in new[] { "total_cpu", "cpu_H", "nextblock_H", "nextblock_L" }) yield return C(n, Sort.Int);
        foreach (var n in new[] { "ikern_H", "ihost_H", "pg_H", "init_H" }) yield return C(n, Sort.Bool);
        foreach (var r in Regs("H").Concat(Regs("L")).Concat(lemma.Input.ArgsHigh).Concat(lemma.Input.ArgsLow)) yield return r;
        foreach (var (c, i) in lemma.Context.SlotPoints)
        {
            yield return c; yield return i; yield return HighSlot(c, i); yield return LowWord(c, i);
        }
        foreach (var (c, e) in lemma.Context.FieldPoints)
        {
            yield return c; yield return e; yield return Field("H", c, e); yield return Field("L", c, e);
        }
        foreach (var v in lemma.Context.BlockVals)
        {
            yield return IsPtr(v); yield return Blk(v);
            yield return T.App(Sort.Bool, "fdef", Blk(v)); yield return T.App(Sort.Int, "fblk", Blk(v));
        }
    }

    /// <summary>Constraints that steer the solver to a small, replayable model (used only to pick a model, never for the verdict).</summary>
    public IEnumerable<(string? Comment, Node Fact)> SmallModel()
    {
        yield return ("prefer: TOTAL_CPU <= 4", T.Le(C("total_cpu", Sort.Int), T.Int(4)));
        yield return ("prefer: few blocks", T.And(T.Le(C("nextblock_H", Sort.Int), T.Int(8)), T.Le(C("nextblock_L", Sort.Int), T.Int(8))));
        var vals = lemma.Context.Leaves.Concat(T.Constants.Where(c => c.Sort == Sort.Val && c.Name != "Vundef")).Distinct().ToList();
        foreach (var v in vals) yield return (null, T.Implies(IsPtr(v), T.Le(Blk(v), T.Int(12))));
        // Mem.inject with 64-byte Freeable blocks needs an injective f on the blocks it maps
        var blocks = lemma.Context.BlockVals.Select(Blk).Distinct().ToList();
        for (int a = 0; a < blocks.Count; a++)
            for (int b = a + 1; b < blocks.Count; b++)
                yield return (null, T.Implies(T.And(T.And(T.App(Sort.Bool, "fdef", blocks[a]), T.App(Sort.Bool, "fdef", blocks[b])), T.Not(T.Eq(blocks[a], blocks[b]))),
                    T.Not(T.Eq(T.App(Sort.Int, "fblk", blocks[a]), T.App(Sort.Int, "fblk", blocks[b])))));
    }

    /// <summary>The case the model describes, or why it cannot be one.</summary>
    public (ConcreteCase? Case, string? Why) Decode(Model m)
    {
        try { return (Build(m), null); }
        catch (Exception e) when (e is ArgumentException or KeyNotFoundException or FormatException or OverflowException or InvalidOperationException)
        {
            return (null, e.Message);
        }
    }

    ConcreteCase Build(Model m)
    {
        long tc = m.Int(C("total_cpu", Sort.Int)), cpu = m.Int(C("cpu_H", Sort.Int));
        if (tc < 1 || tc > MaxCpus) throw new ArgumentException($"TOTAL_CPU = {tc} is outside [1, {MaxCpus}]");
        if (cpu < 0 || cpu >= tc) throw new ArgumentException($"CPU id {cpu} is outside [0, TOTAL_CPU = {tc})");
        long nbH = m.Int(C("nextblock_H", Sort.Int)), nbL = m.Int(C("nextblock_L", Sort.Int));
        if (nbH - Genv.Next > MaxBlocks || nbL - Genv.Next > MaxBlocks) throw new ArgumentException($"too many blocks (nextblock {nbH} / {nbL})");
        int n = (int)tc * VmxSlots.Size;
        var high = Enumerable.Repeat(Val.Vzero, n).ToArray();
        var low = Enumerable.Repeat(Val.Vzero, n).ToArray();
        var overflow = ImmutableArray.CreateBuilder<SlotOverflow>();
        foreach (var (cn, iN) in lemma.Context.SlotPoints)
        {
            long c = m.Int(cn), i = m.Int(iN);
            if (c >= 0 && c < tc && i >= 0 && i < VmxSlots.Size)
            {
                high[c * VmxSlots.Size + i] = m.Val(HighSlot(cn, iN));
                low[c * VmxSlots.Size + i] = m.Val(LowWord(cn, iN));
            }
            else overflow.Add(new SlotOverflow(c, i, m.Val(HighSlot(cn, iN))));
        }
        var vmcs = ImmutableArray.CreateBuilder<VmcsOverride>();
        foreach (var (cn, en) in lemma.Context.FieldPoints)
        {
            long c = m.Int(cn), e = m.Int(en);
            if (c < 0 || c > int.MaxValue || e < int.MinValue || e > int.MaxValue) continue;   // never read by the case
            vmcs.Add(new VmcsOverride((int)c, (int)e, m.Val(Field("H", cn, en)), m.Val(Field("L", cn, en))));
        }
        var inject = new Dictionary<int, int>();
        foreach (var v in lemma.Context.BlockVals)
        {
            if (!m.Bool(IsPtr(v))) continue;
            long b = m.Int(Blk(v));
            if (b >= Genv.Next && m.Bool(T.App(Sort.Bool, "fdef", Blk(v)))) inject[(int)b] = (int)m.Int(T.App(Sort.Int, "fblk", Blk(v)));
        }
        var flags = new CpuFlags(m.Bool(C("ikern_H", Sort.Bool)), m.Bool(C("ihost_H", Sort.Bool)), m.Bool(C("pg_H", Sort.Bool)), m.Bool(C("init_H", Sort.Bool)));
        return new ConcreteCase(lemma.Prim, (int)tc, (int)cpu, flags, [.. high], [.. low], vmcs.ToImmutable(), overflow.ToImmutable(),
            (int)(nbH - Genv.Next), (int)(nbL - Genv.Next), [.. inject.OrderBy(kv => kv.Key).Select(kv => (kv.Key, kv.Value))],
            [.. lemma.Input.ArgsHigh.Select(m.Val)], [.. lemma.Input.ArgsLow.Select(m.Val)],
            RegSet(m, "H"), RegSet(m, "L"), lemma.Context.Mutant);
    }

    RegSet RegSet(Model m, string side)
    {
        var rs = Semantics.RegSet.Undef;
        foreach (var r in PregInfo.All) rs = rs.Set(r, m.Val(C($"{r}_{side}", Sort.Val)));
        return rs;
    }

    /// <summary>A Val from its model value: Vundef, (Vint #x..), (Vlong #x..), (Vfloat #x..), (Vptr b #x..).</summary>
    public static Val ParseVal(SExpr e)
    {
        if (e.SymbolName == "Vundef") return Val.Vundef;
        var items = e.Elements;
        string head = items.Length > 0 ? items[0].SymbolName ?? "" : "";
        BigInteger Arg(int k) => items.Length > k && items[k].AsBigInteger() is { } b ? b : throw new FormatException($"unreadable value {e}");
        return head switch
        {
            "Vint" => Val.Vint((uint)Arg(1)),
            "Vlong" => Val.Vlong(new Semantics.Int64((ulong)Arg(1))),
            "Vfloat" => Val.Vfloat(BitConverter.UInt64BitsToDouble((ulong)Arg(1))),
            "Vptr" when Arg(1) >= 1 && Arg(1) <= int.MaxValue => Val.Vptr((int)Arg(1), (uint)Arg(2)),
            _ => throw new FormatException($"unreadable value {e}"),
        };
    }
}
