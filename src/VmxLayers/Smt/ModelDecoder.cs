using System.Collections.Immutable;
using System.Numerics;
using VmxLayers.Cases;
using VmxLayers.Constants;
using VmxLayers.Machine;
using VmxLayers.Refinement;
using VmxLayers.Semantics;
using VmxLayers.Smt.Solvers;
using VmxLayers.Spec.Concrete;

namespace VmxLayers.Smt;

/// <summary>A model that is a real counterexample but needs a state <see cref="ConcreteCase"/> cannot describe.</summary>
public sealed class NotExpressibleException(string message) : ArgumentException(message);

/// <summary>A model's values, by node.</summary>
public sealed class Model(IReadOnlyDictionary<int, SExpr> values)
{
    public SExpr? this[Node n] => values.GetValueOrDefault(n.Id);
    public bool Has(Node n) => values.ContainsKey(n.Id);

    public long Int(Node n) => n.IsLit ? n.Num : (long)(this[n]?.AsBigInteger() is { } b ? Clamp(b) : throw new KeyNotFoundException($"no value for {n}"));
    public bool Bool(Node n) => n.IsLit ? n.Num != 0 : this[n]?.AsBool() ?? throw new KeyNotFoundException($"no value for {n}");
    public Val Val(Node n, Func<long, long>? block = null) => ModelDecoder.ParseVal(this[n] ?? throw new KeyNotFoundException($"no value for {n}"), block);

    /// <summary>The block of a pointer value (any size), or null for other values.</summary>
    public long? PtrBlock(Node n) => this[n] is { } e && e.Elements is [var h, var b, ..] && h.SymbolName == "Vptr" && b.AsBigInteger() is { } v
        ? (long)BigInteger.Clamp(v, long.MinValue, long.MaxValue) : null;

    static BigInteger Clamp(BigInteger b) => BigInteger.Clamp(b, long.MinValue, long.MaxValue);

    /// <summary>A Val, or the raw model value when it is no CompCert value as such (a block beyond int range, renumbered only by the decoder).</summary>
    string ShowVal(Node n)
    {
        try { return Val(n).ToString(); }
        catch (FormatException) { return this[n]!.ToString(); }
    }

    /// <summary>A value as the messages show it.</summary>
    public string Show(Node n) => n.Sort switch
    {
        Sort.Val => Has(n) || Terms.Ctor(n) == "Vundef" ? (Terms.Ctor(n) == "Vundef" ? "Vundef" : ShowVal(n)) : "?",
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
    InputSymbols S => lemma.Symbols;

    Node Offset(Node c, Node i) => T.Add(T.Mul(T.Int(VmxSlots.Stride), c), T.Mul(T.Int(4), i));
    Node LowWord(Node c, Node i) => T.App(Sort.Val, "lr32", T.Select(S.Low.Words, Offset(c, i)));
    Node Writable(Node c, Node i) => T.Select(S.Low.Writable, Offset(c, i));
    Node HighWord(Node c, Node i) => T.App(Sort.Val, "lr32", T.Select(S.High.Words, Offset(c, i)));
    /// <summary>The upper side's slot: its save area, or its memory's VMX_LOC word when both sides are one layer's data (<see cref="LemmaEncoding.OneLayer"/>).</summary>
    Node HighSlot(Node c, Node i) => lemma.OneLayer ? HighWord(c, i) : T.Select(T.Select(S.High.Vmx, c), i);
    SideSymbols H => S.High;
    Node Field(SideSymbols side, Node c, Node e) => T.Select(T.Select(side.VmcsFields, c), e);
    Node Blk(Node v) => T.App(Sort.Int, "blk", v);
    Node IsPtr(Node v) => T.App(Sort.Bool, "(_ is Vptr)", v);

    static IEnumerable<Node> Flags(SideSymbols s) => [s.Ikern, s.Ihost, s.Pg, s.Init];

    /// <summary>Every term the decoder reads.</summary>
    public IEnumerable<Node> Terms()
    {
        foreach (var n in new[] { S.TotalCpu, H.Cpu, H.NextBlock, S.Low.NextBlock }) yield return n;
        foreach (var n in Flags(H).Concat(Flags(S.Low)).Distinct()) yield return n;
        foreach (var r in H.Regs.Concat(S.Low.Regs).Concat(H.Args).Concat(S.Low.Args).Distinct()) yield return r;
        foreach (var (c, i) in lemma.Context.SlotPoints)
        {
            yield return c; yield return i; yield return HighSlot(c, i); yield return LowWord(c, i); yield return Writable(c, i);
        }
        foreach (var (c, e) in lemma.Context.FieldPoints)
        {
            yield return c; yield return e; yield return Field(H, c, e); yield return Field(S.Low, c, e);
        }
        if (lemma.OneLayer) yield break;   // no injection to read: the identity relates one layer's data
        foreach (var v in lemma.Context.BlockVals)
        {
            yield return IsPtr(v); yield return Blk(v);
            yield return T.App(Sort.Bool, "fdef", Blk(v)); yield return T.App(Sort.Int, "fblk", Blk(v));
        }
    }

    /// <summary>
    /// The concrete small scopes (TOTAL_CPU, current CPU) tried in turn: fixed numerals make the slot arithmetic
    /// ground, which Z3 decides far more cheaply than the symbolic TOTAL_CPU ≤ 4. An odd CPU comes first because
    /// a wrong per-CPU stride shows only there (docs/prover.md, exit-wrong-stride38).
    /// </summary>
    public static readonly IReadOnlyList<(int Total, int Cpu)> Scopes = [(2, 1), (1, 0), (2, 0), (3, 1), (4, 3)];

    /// <summary>
    /// Bounds tried after <see cref="Scopes"/> when a refutation has no model there: TOTAL_CPU ≤ bound with any current
    /// CPU below it. Searching upward finds the smallest machine (to a factor of two) a genuine counterexample needs,
    /// so one that needs CPU ≥ 4 still replays (decoded cases have at most <see cref="MaxCpus"/> CPUs).
    /// </summary>
    public static readonly IReadOnlyList<int> CpuBounds = [8, 16, 32, MaxCpus];

    /// <summary>A bounded scope: TOTAL_CPU ≤ bound (and an injective f); see <see cref="SmallScope"/>.</summary>
    public IEnumerable<(string? Comment, Node Fact)> BoundedScope(int bound)
    {
        yield return ($"bounded scope: TOTAL_CPU <= {bound}", T.Le(S.TotalCpu, T.Int(bound)));
        foreach (var f in Injective()) yield return f;
    }

    /// <summary>
    /// A small scope: TOTAL_CPU and the current CPU fixed to <paramref name="scope"/>, and an injective f.
    /// Only ever added to a query (never removed), so a model of the restricted query is a model of the full one: sat there is a genuine
    /// counterexample, unsat there proves nothing (docs/prover.md).
    /// </summary>
    public IEnumerable<(string? Comment, Node Fact)> SmallScope((int Total, int Cpu) scope)
    {
        yield return ($"small scope: TOTAL_CPU = {scope.Total}, current CPU = {scope.Cpu}", T.And(T.Eq(S.TotalCpu, T.Int(scope.Total)), T.Eq(H.Cpu, T.Int(scope.Cpu))));
        foreach (var f in Injective()) yield return f;
    }

    /// <summary>The diagonal of one layer's data: both sides' inputs equal (only ever added to a query, as the scopes are).</summary>
    public IEnumerable<(string? Comment, Node Fact)> Diagonal()
    {
        yield return ("one state on both sides: every input of the upper side equals the lower side's", T.True);
        foreach (var eq in S.Diagonal(T)) yield return (null, eq);
    }

    /// <summary>Mem.inject with disjoint 64-byte Freeable blocks needs f injective on the blocks it maps: an inverse witnesses it.</summary>
    IEnumerable<(string? Comment, Node Fact)> Injective()
    {
        foreach (var b in lemma.OneLayer ? [] : lemma.Context.BlockVals.Select(Blk).Distinct())
            yield return (null, T.Implies(T.App(Sort.Bool, "fdef", b), T.Eq(T.App(Sort.Int, "finv_small", T.App(Sort.Int, "fblk", b)), b)));
    }

    /// <summary>The statement the lemma is about (what a decoded case is replayed against).</summary>
    public SimStatement Statement => lemma.Statement;

    /// <summary>
    /// The case the model describes, or why it cannot be one: Expressible is false when the model is a genuine
    /// counterexample no <see cref="ConcreteCase"/> can describe, true when the model itself is malformed.
    /// </summary>
    public (ConcreteCase? Case, string? Why, bool Expressible) Decode(Model m, Skolem? failing = null)
    {
        try { return (Build(m, failing), null, true); }
        catch (NotExpressibleException e) { return (null, e.Message, false); }
        catch (Exception e) when (e is ArgumentException or KeyNotFoundException or FormatException or OverflowException or InvalidOperationException)
        {
            return (null, e.Message, true);
        }
    }

    /// <summary>
    /// Builds the case. The model only matters at the ground points, so it is shrunk first: TOTAL_CPU to one
    /// past the largest CPU a point names, and the blocks ≥ genv_next (values, mappings, nextblocks) renumbered
    /// 4, 5, 6… in order, which keeps every comparison the lemma makes (forward mappings, b &lt; nextblock).
    /// </summary>
    /// <summary>Whether a point names a skolem constant of a quantified obligation other than the one that fails.</summary>
    bool OtherSkolem(Skolem? failing, params Node[] point)
    {
        var keep = failing is null ? [] : new[] { failing.Cpu, failing.Index }.Where(x => x is not null).Select(x => x!.Id).ToHashSet();
        var stack = new Stack<Node>(point);
        while (stack.Count > 0)
        {
            var n = stack.Pop();
            if (n.Op == Op.Const && n.Name.StartsWith("sk", StringComparison.Ordinal) && !keep.Contains(n.Id)) return true;
            foreach (var a in n.Args) stack.Push(a);
        }
        return false;
    }

    ConcreteCase Build(Model m, Skolem? failing)
    {
        long tc = m.Int(S.TotalCpu), cpu = m.Int(H.Cpu);
        if (cpu < 0 || cpu >= tc) throw new ArgumentException($"CPU id {cpu} is outside [0, TOTAL_CPU = {tc})");
        var slots = lemma.Context.SlotPoints.Where(p => !OtherSkolem(failing, p.Cpu, p.Slot)).Select(p => (C: m.Int(p.Cpu), I: m.Int(p.Slot), P: p)).ToList();
        var fields = lemma.Context.FieldPoints.Where(p => !OtherSkolem(failing, p.Cpu, p.Enc)).Select(p => (C: m.Int(p.Cpu), E: m.Int(p.Enc), P: p)).ToList();
        long used = slots.Select(x => x.C).Concat(fields.Select(x => x.C)).Where(c => c >= 0 && c < tc).Append(cpu).Max();
        long newTc = used + 1;
        if (newTc > MaxCpus) throw new NotExpressibleException($"the counterexample needs CPU {used}; decoded cases have at most {MaxCpus} CPUs");

        var inject = new Dictionary<long, long>();
        foreach (var v in lemma.OneLayer ? [] : lemma.Context.BlockVals)
        {
            if (!m.Bool(IsPtr(v))) continue;
            long b = m.Int(Blk(v));
            if (b >= Genv.Next && m.Bool(T.App(Sort.Bool, "fdef", Blk(v)))) inject[b] = m.Int(T.App(Sort.Int, "fblk", Blk(v)));
        }
        if (inject.GroupBy(kv => kv.Value).FirstOrDefault(g => g.Count() > 1) is { } shared)
            throw new NotExpressibleException($"the model maps blocks {string.Join(" and ", shared.Select(kv => kv.Key))} onto block {shared.Key}; ConcreteCase's extra blocks are disjoint 64-byte Freeable blocks, so Mem.inject would need them not to overlap");
        long nbH = m.Int(H.NextBlock), nbL = m.Int(S.Low.NextBlock);
        // pass 1: every block a value, mapping or nextblock names, renumbered 4, 5, 6… in order
        var valueNodes = slots.Where(x => x.C >= 0 && x.C < tc && x.I >= 0 && x.I < VmxSlots.Size).SelectMany(x => new[] { HighSlot(x.P.Cpu, x.P.Slot), LowWord(x.P.Cpu, x.P.Slot) })
            .Concat(slots.Select(x => HighSlot(x.P.Cpu, x.P.Slot)))
            .Concat(fields.SelectMany(x => new[] { Field(H, x.P.Cpu, x.P.Enc), Field(S.Low, x.P.Cpu, x.P.Enc) }))
            .Concat(H.Regs).Concat(S.Low.Regs).Concat(H.Args).Concat(S.Low.Args);
        var blocks = valueNodes.Select(m.PtrBlock).OfType<long>()
            .Concat(inject.Keys).Concat(inject.Values).Append(nbH).Append(nbL)
            .Where(b => b >= Genv.Next).Distinct().Order().ToList();
        var rank = blocks.Select((b, k) => (b, k)).ToDictionary(x => x.b, x => (long)(Genv.Next + x.k));
        long R(long b) => b >= Genv.Next ? rank[b] : b;
        Val Get(Node n) => m.Val(n, R);

        int n = (int)newTc * VmxSlots.Size;
        var high = Enumerable.Repeat(Val.Vzero, n).ToArray();
        var low = Enumerable.Repeat(Val.Vzero, n).ToArray();
        var overflow = new List<SlotOverflow>();
        var readOnly = new SortedSet<(int Cpu, int Slot)>();
        foreach (var (c, i, (cn, iN)) in slots)
        {
            if (c >= 0 && c < tc && i >= 0 && i < VmxSlots.Size)
            {
                // a word the model leaves readable but not writable (only a relation without match's writable clause allows it)
                if (!m.Bool(Writable(cn, iN))) readOnly.Add(((int)c, (int)i));
                high[c * VmxSlots.Size + i] = Get(HighSlot(cn, iN));
                low[c * VmxSlots.Size + i] = Get(LowWord(cn, iN));
            }
            else overflow.Add(new SlotOverflow(c, i, Get(HighSlot(cn, iN))));
        }
        var vmcs = new List<VmcsOverride>();
        foreach (var (c, e, (cn, en)) in fields)
        {
            if (c < 0 || c > int.MaxValue || e < int.MinValue || e > int.MaxValue) continue;   // never read by the case
            vmcs.Add(new VmcsOverride((int)c, (int)e, Get(Field(H, cn, en)), Get(Field(S.Low, cn, en))));
        }
        var rsH = RegSet(m, H, R);
        var rsL = RegSet(m, S.Low, R);
        var argsH = H.Args.Select(Get).ToList();
        var argsL = S.Low.Args.Select(Get).ToList();
        long hb = R(nbH) - Genv.Next, lb = R(nbL) - Genv.Next;
        if (hb > MaxBlocks || lb > MaxBlocks) throw new NotExpressibleException($"the counterexample needs {Math.Max(hb, lb)} extra blocks; decoded cases have at most {MaxBlocks}");

        var decoded = new ConcreteCase(lemma.Prim, (int)newTc, (int)cpu, FlagsOf(m, H), FlagsOf(m, S.Low), [.. high], [.. low], [.. vmcs], [.. overflow],
            (int)hb, (int)lb, [.. inject.OrderBy(kv => kv.Key).Select(kv => ((int)R(kv.Key), (int)R(kv.Value)))],
            [.. argsH], [.. argsL], rsH, rsL, [.. readOnly]);
        if (!lemma.OneLayer) return decoded;
        // one layer's data has no save area beside its memory: a point outside VMX_LOC is no slot of either side
        decoded = decoded with { HighOverflow = [] };
        return decoded with { Sides = OnTheDiagonal(decoded) ? CaseSides.LowOnBoth : CaseSides.TwoLowStates };
    }

    /// <summary>Whether a case of one layer's data has the same state, arguments and registers on both sides (the checkers' shape).</summary>
    static bool OnTheDiagonal(ConcreteCase c) =>
        c.FlagsHigh == c.FlagsLow && c.HighSlots.SequenceEqual(c.LowSlots) && c.Vmcs.All(v => v.High == v.Low) && c.HighBlocks == c.LowBlocks
        && c.ArgsHigh.SequenceEqual(c.ArgsLow) && c.RegsHigh.Equals(c.RegsLow);

    /// <summary>The current CPU's flags on one layer (each layer's own: a relation that forgets a flag lets them differ).</summary>
    static CpuFlags FlagsOf(Model m, SideSymbols s) => new(m.Bool(s.Ikern), m.Bool(s.Ihost), m.Bool(s.Pg), m.Bool(s.Init));

    static RegSet RegSet(Model m, SideSymbols side, Func<long, long> block)
    {
        var rs = Semantics.RegSet.Undef;
        foreach (var r in PregInfo.All) rs = rs.Set(r, m.Val(side.Reg(r), block));
        return rs;
    }

    /// <summary>A Val from its model value: Vundef, (Vint #x..), (Vlong #x..), (Vfloat #x..), (Vptr b #x..); a payload out of its range is unreadable too.</summary>
    public static Val ParseVal(SExpr e, Func<long, long>? block = null)
    {
        if (e.SymbolName == "Vundef") return Val.Vundef;
        var items = e.Elements;
        string head = items.Length > 0 ? items[0].SymbolName ?? "" : "";
        long Map(BigInteger b) { long x = (long)BigInteger.Clamp(b, long.MinValue, long.MaxValue); return block is null ? x : block(x); }
        BigInteger Arg(int k) => items.Length > k && items[k].AsBigInteger() is { } b ? b : throw new FormatException($"unreadable value {e}");
        BigInteger Payload(int k, int bits) => Arg(k) is var b && b.Sign >= 0 && b < BigInteger.One << bits ? b : throw new FormatException($"value {e}: payload out of [0, 2^{bits})");
        return head switch
        {
            "Vint" => Val.Vint((uint)Payload(1, 32)),
            "Vlong" => Val.Vlong(new Semantics.Int64((ulong)Payload(1, 64))),
            "Vfloat" => Val.Vfloat(BitConverter.UInt64BitsToDouble((ulong)Payload(1, 64))),
            "Vptr" when Map(Arg(1)) is var b && b >= 1 && b <= int.MaxValue => Val.Vptr((int)b, (uint)Payload(2, 32)),
            _ => throw new FormatException($"unreadable value {e}"),
        };
    }
}
