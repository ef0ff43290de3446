using System.Numerics;
using VmxLayers.Semantics;
using VmxLayers.Smt;
using VmxLayers.Smt.Solvers;
using VmxLayers.Tests.Smt.Solvers;

namespace VmxLayers.Tests.Smt;

/// <summary>The interpreter of symbolic terms: every operator, fail-loud on what the assignment does not give, and the preamble's definitions as Z3 reads them.</summary>
public sealed class TermEvaluatorTests
{
    readonly Terms t = new();

    /// <summary>f: the globals 1–3 to themselves, 4 ↦ 5, 6 ↦ 6 with delta 4; not 5, 7 or 0.</summary>
    static readonly Dictionary<long, (long Block, long Delta)> f = new() { [1] = (1, 0), [2] = (2, 0), [3] = (3, 0), [4] = (5, 0), [6] = (6, 4) };

    static readonly Dictionary<string, Func<object[], object>> functions = new()
    {
        ["fdef"] = x => f.ContainsKey((long)(BigInteger)x[0]),
        ["fblk"] = x => (BigInteger)(f.TryGetValue((long)(BigInteger)x[0], out var m) ? m.Block : 0),
        ["fdelta"] = x => (BigInteger)(f.TryGetValue((long)(BigInteger)x[0], out var m) ? m.Delta : 0),
    };

    static TermEvaluator Eval(Dictionary<string, object>? values = null) => new(values ?? [], functions);

    Node Int(long n) => t.Int(n);
    Node Vint(long n) => t.App(Sort.Val, "Vint", t.Int(n));
    Node Vptr(long b, long o) => t.App(Sort.Val, "Vptr", t.Int(b), t.Int(o));
    Node App(Sort s, string fn, params Node[] args) => t.App(s, fn, args);
    Node Undef => t.Const("Vundef", Sort.Val);

    [Fact]
    public void Booleans_and_integers()
    {
        var x = t.Const("x", Sort.Int);
        var p = t.Const("p", Sort.Bool);
        var e = Eval(new() { ["x"] = (BigInteger)7, ["p"] = false });
        Assert.Equal(new BigInteger(7 * 152 + 3), e.Int(t.Add(t.Mul(Int(152), x), Int(3))));
        Assert.True(e.Bool(t.And(t.Le(Int(7), x), t.Lt(x, Int(8)))));
        Assert.True(e.Bool(t.Implies(p, t.False)));
        Assert.False(e.Bool(App(Sort.Bool, "or", p, App(Sort.Bool, "not", t.True))));
        Assert.Equal(new BigInteger(9), e.Int(App(Sort.Int, "ite", p, x, Int(9))));
        Assert.True(e.Bool(t.Eq(p, t.False)));
    }

    [Fact]
    public void Mod_is_euclidean()
    {
        var e = Eval();
        Assert.Equal(new BigInteger(1), e.Int(App(Sort.Int, "mod", Int(-7), Int(4))));
        Assert.Equal(new BigInteger(3), e.Int(App(Sort.Int, "mod", Int(7), Int(4))));
        Assert.Equal(new BigInteger(3), e.Int(App(Sort.Int, "mod", Int(7), Int(-4))));
        Assert.Equal(new BigInteger(0xFFFFFFFF), e.Int(App(Sort.Int, "mod", Int(-1), Int(1L << 32))));
        Assert.Throws<DivideByZeroException>(() => e.Int(App(Sort.Int, "mod", Int(1), Int(0))));
    }

    [Fact]
    public void And_or_implies_and_ite_evaluate_lazily()
    {
        // the right operand names a constant the assignment lacks: never evaluated when the left decides
        var missing = t.Const("missing", Sort.Bool);
        Assert.False(Eval(new() { ["no"] = false }).Bool(t.And(t.Const("no", Sort.Bool), missing)));
        Assert.True(Eval(new() { ["yes"] = true }).Bool(t.Or(t.Const("yes", Sort.Bool), missing)));
        Assert.True(Eval(new() { ["no"] = false }).Bool(t.Implies(t.Const("no", Sort.Bool), missing)));
        Assert.Equal(new BigInteger(1), Eval(new() { ["no"] = false }).Int(App(Sort.Int, "ite", t.Const("no", Sort.Bool), t.Const("gone", Sort.Int), Int(1))));
        Assert.Throws<KeyNotFoundException>(() => Eval(new() { ["yes"] = true }).Bool(t.And(t.Const("yes", Sort.Bool), missing)));
    }

    [Fact]
    public void Values_constructors_testers_selectors()
    {
        var e = Eval();
        Assert.Equal(SmtVal.Vint(5), e.Val(Vint(5)));
        Assert.Equal(SmtVal.Vptr(4, 8), e.Val(Vptr(4, 8)));
        Assert.Equal(SmtVal.Vundef, e.Val(Undef));
        Assert.True(e.Bool(App(Sort.Bool, "(_ is Vptr)", Vptr(4, 8))));
        Assert.False(e.Bool(App(Sort.Bool, "(_ is Vint)", Undef)));
        Assert.Equal(new BigInteger(5), e.Int(App(Sort.Int, "ival", Vint(5))));
        Assert.Equal(new BigInteger(4), e.Int(App(Sort.Int, "blk", Vptr(4, 8))));
        Assert.Equal(new BigInteger(8), e.Int(App(Sort.Int, "ofs", Vptr(4, 8))));
        Assert.True(Eval(new() { ["three"] = (BigInteger)3 }).Bool(t.Eq(Vint(5), App(Sort.Val, "Vint", t.Add(Int(2), t.Const("three", Sort.Int))))));
        Assert.Equal(SmtVal.Of(Val.Vptr(6, 12u)), e.Val(Vptr(6, 12)));
        Assert.Equal(new SmtVal(ValTag.Vfloat, BitConverter.DoubleToUInt64Bits(1.5), 0), SmtVal.Of(Val.Vfloat(1.5)));
    }

    [Fact]
    public void A_selector_of_another_constructor_comes_from_the_assignment_or_fails()
    {
        Assert.Throws<KeyNotFoundException>(() => Eval().Int(App(Sort.Int, "blk", Vint(3))));
        var open = new Dictionary<string, Func<object[], object>>(functions) { ["blk"] = _ => (BigInteger)42 };
        Assert.Equal(new BigInteger(42), new TermEvaluator(new Dictionary<string, object>(), open).Int(App(Sort.Int, "blk", Vint(3))));
    }

    [Fact]
    public void Arrays_are_maps_with_a_default()
    {
        var row = t.Const("row", Sort.Row);
        var i = t.Const("i", Sort.Int);
        var e = Eval(new() { ["row"] = SmtArray.Of(SmtVal.Vundef, [(0, SmtVal.Vint(1)), (4, SmtVal.Vint(2))]), ["i"] = (BigInteger)4 });
        Assert.Equal(SmtVal.Vint(2), e.Val(t.Select(row, i)));
        Assert.Equal(SmtVal.Vundef, e.Val(t.Select(row, Int(8))));
        var stored = t.Store(row, i, Vint(9));
        Assert.Equal(SmtVal.Vint(9), e.Val(App(Sort.Val, "select", stored, Int(4))));
        Assert.Equal(SmtVal.Vint(1), e.Val(App(Sort.Val, "select", stored, Int(0))));
        // extensional equality: a store of the value already there changes nothing; the default counts
        Assert.True(e.Bool(App(Sort.Bool, "=", row, t.Store(row, Int(0), Vint(1)))));
        Assert.False(e.Bool(App(Sort.Bool, "=", row, stored)));
        var none = App(Sort.BoolRow, "(as const (Array Int Bool))", t.False);
        var rd = t.Const("rd", Sort.BoolRow);
        Assert.True(Eval(new() { ["rd"] = new SmtArray(false) }).Bool(App(Sort.Bool, "=", rd, none)));
        Assert.False(Eval(new() { ["rd"] = SmtArray.Of(false, [(8, true)]) }).Bool(App(Sort.Bool, "=", rd, none)));
        Assert.False(Eval(new() { ["rd"] = new SmtArray(true) }).Bool(App(Sort.Bool, "=", rd, none)));
    }

    [Fact]
    public void The_preamble_functions()
    {
        var e = Eval();
        Assert.Equal(SmtVal.Vundef, e.Val(App(Sort.Val, "lr32", App(Sort.Val, "Vlong", Int(1)))));
        Assert.Equal(SmtVal.Vptr(4, 0), e.Val(App(Sort.Val, "lr32", Vptr(4, 0))));
        Assert.True(e.Bool(App(Sort.Bool, "vinj", Vptr(4, 8), Vptr(5, 8))));
        Assert.False(e.Bool(App(Sort.Bool, "vinj", Vptr(4, 8), Vptr(4, 8))));     // f maps 4 to 5
        Assert.False(e.Bool(App(Sort.Bool, "vinj", Vptr(6, 8), Vptr(6, 8))));     // delta 4: not one of f's delta-0 mappings
        Assert.False(e.Bool(App(Sort.Bool, "vinj", Vptr(7, 0), Vptr(7, 0))));     // 7 is not mapped
        Assert.True(e.Bool(App(Sort.Bool, "vinj", Undef, Vptr(7, 0))));
        Assert.False(e.Bool(App(Sort.Bool, "vinj", Vint(1), Undef)));
        Assert.True(e.Bool(App(Sort.Bool, "tint", Undef)));
        Assert.False(e.Bool(App(Sort.Bool, "tfloat", Vint(0))));
        Assert.False(e.Bool(App(Sort.Bool, "wf", Vint(1L << 32))));
        Assert.False(e.Bool(App(Sort.Bool, "wf", Vptr(0, 0))));
        Assert.True(e.Bool(App(Sort.Bool, "valid_enc", Int(0x681E))));
        Assert.False(e.Bool(App(Sort.Bool, "valid_enc", Int(0x9999))));
    }

    [Fact]
    public void Unknown_constants_symbols_and_records_fail_loudly()
    {
        var e = Eval();
        Assert.Throws<KeyNotFoundException>(() => e.Eval(t.Const("nobody", Sort.Int)));
        Assert.Throws<KeyNotFoundException>(() => e.Eval(App(Sort.Int, "finv_small", Int(1))));
        Assert.Throws<KeyNotFoundException>(() => e.Eval(App(Sort.Bool, "made_up", Int(1))));
        Assert.Throws<InvalidOperationException>(() => e.Eval(t.Record(Sort.Regs, Undef)));
        // a value of the wrong sort is a broken assignment, not a value
        Assert.Throws<InvalidOperationException>(() => Eval(new() { ["x"] = true }).Eval(t.Const("x", Sort.Int)));
    }

    [Fact]
    public void Bound_scopes_quantifiers_and_derived_constants()
    {
        var row = t.Const("row", Sort.Row);
        var i = t.Const("i", Sort.Int);
        var isInt = App(Sort.Bool, "(_ is Vint)", t.Select(row, i));
        var e = Eval(new() { ["row"] = SmtArray.Of(SmtVal.Vundef, [(0, SmtVal.Vint(1)), (1, SmtVal.Vint(2))]) });
        Assert.True(e.Forall(isInt, [i], [[0], [1]]));
        Assert.False(e.Forall(isInt, [i], [[0], [1], [2]]));
        Assert.Equal([true, false], e.Forall([isInt, t.Eq(t.Select(row, i), Vint(1))], [i], [[0], [1]]));
        Assert.Equal(SmtVal.Vint(2), e.Over(i).At(1).Val(t.Select(row, i)));
        Assert.Throws<KeyNotFoundException>(() => e.Eval(t.Select(row, i)));   // i is bound only in the scopes
        // a derived constant is computed in the scope it is read in
        var half = t.Const("half", Sort.Int);
        var d = Eval(new() { ["half"] = new DerivedConstant(s => s.Int(i) / 2) });
        Assert.Equal(new BigInteger(3), d.Over(i).At(7).Int(t.Add(half, Int(0))));
        Assert.True(d.Forall(t.Le(t.Mul(Int(2), half), i), [i], [[4], [5], [9]]));
    }

    // ---------------------------------------------------------------- the preamble as Z3 reads it

    static readonly (long Tag, long A, long B)[] values =
    [
        (0, 0, 0), (1, 0, 0), (1, 7, 0), (1, 0xFFFFFFFF, 0), (1, 1L << 32, 0), (1, -1, 0),
        (4, 4, 8), (4, 5, 8), (4, 6, 8), (4, 6, 12), (4, 7, 0), (4, 0, 0), (4, 4, 1L << 32),
        (2, 3, 0), (2, -1, 0), (3, 9, 0),
    ];

    Node Value((long Tag, long A, long B) v) => v.Tag switch
    {
        0 => Undef,
        1 => Vint(v.A),
        2 => App(Sort.Val, "Vlong", Int(v.A)),
        3 => App(Sort.Val, "Vfloat", Int(v.A)),
        _ => Vptr(v.A, v.B),
    };

    /// <summary>
    /// The evaluator's wf, lr32, vinj, tint, tlong, tfloat, valid_enc, mod, testers and selectors give what Z3 gives for the
    /// printed preamble, on well- and ill-formed values and an f with a delta-4 mapping (f pinned by assertions).
    /// </summary>
    [SolverFact("libz3")]
    public void The_preamble_means_what_the_evaluator_computes()
    {
        var terms = new List<Node>();
        var vals = values.Select(Value).ToList();
        foreach (var a in vals)
        {
            foreach (var fn in new[] { "wf", "tint", "tlong", "tfloat", "(_ is Vundef)", "(_ is Vint)", "(_ is Vlong)", "(_ is Vfloat)", "(_ is Vptr)" })
                terms.Add(App(Sort.Bool, fn, a));
            foreach (var b in vals)
            {
                terms.Add(App(Sort.Bool, "vinj", a, b));
                terms.Add(App(Sort.Bool, "=", App(Sort.Val, "lr32", a), b));
            }
        }
        foreach (var x in new long[] { -7, 0, 7, (1L << 33) + 5 })
            foreach (var n in new long[] { 4, -4, 152, 1L << 32 })
                terms.Add(App(Sort.Int, "mod", Int(x), Int(n)));
        foreach (var enc in new long[] { 0, 1, 0x681E, 0x2001, 0x2033, 0x9999, -2 })
            terms.Add(App(Sort.Bool, "valid_enc", Int(enc)));
        terms.Add(App(Sort.Int, "ival", Vint(9)));
        terms.Add(App(Sort.Int, "blk", Vptr(6, 12)));
        terms.Add(App(Sort.Int, "ofs", Vptr(6, 12)));

        var pin = Enumerable.Range(0, 9).Select(b => ((string?)null, t.And([
            t.Eq(App(Sort.Bool, "fdef", Int(b)), t.Bool(f.ContainsKey(b))),
            t.Eq(App(Sort.Int, "fblk", Int(b)), Int(f.TryGetValue(b, out var m) ? m.Block : 0)),
            t.Eq(App(Sort.Int, "fdelta", Int(b)), Int(f.TryGetValue(b, out var m2) ? m2.Delta : 0))]))).ToList();
        var query = new SmtPrinter.Query(pin, terms);
        using var z3 = SolverFactory.Create("libz3");
        var o = z3.Check(query.Text, 0, [.. terms.Select(query.Ref)]);
        Assert.Equal(SatResult.Sat, o.Result);
        var e = Eval();
        for (int k = 0; k < terms.Count; k++)
        {
            object mine = e.Eval(terms[k]);
            object theirs = terms[k].Sort == Sort.Bool ? o.Values[k].Value.AsBool()! : o.Values[k].Value.AsBigInteger()!;
            Assert.True(mine.Equals(theirs), $"{terms[k]}: evaluator {mine}, z3 {o.Values[k].Value}");
        }
    }
}
