using VmxLayers.Smt;
using VmxLayers.Smt.Solvers;
using VmxLayers.Tests.Smt.Solvers;

namespace VmxLayers.Tests.Smt;

/// <summary>The SMT-LIB2 text of terms and queries.</summary>
public sealed class SmtPrinterTests
{
    readonly Terms t = new();
    Node X => t.Const("x", Sort.Int);
    Node Y => t.Const("y", Sort.Int);
    Node A => t.Const("a", Sort.Val);
    Node B => t.Const("b", Sort.Val);

    [Fact]
    public void Inline_renders_readable_text()
    {
        Assert.Equal("(and (<= 0 x) (vinj a b))", SmtPrinter.Inline(t.And(t.Le(t.Int(0), X), t.App(Sort.Bool, "vinj", A, B))));
        Assert.Equal("(- 5)", SmtPrinter.Inline(t.Int(-5)));
        Assert.Equal("true", SmtPrinter.Inline(t.True));
        Assert.Equal("(select (select vmx_H cpu_H) 3)", SmtPrinter.Inline(t.Select(t.Select(t.Const("vmx_H", Sort.Area), t.Const("cpu_H", Sort.Int)), t.Int(3))));
        Assert.Equal("((_ is Vint) a)", t.App(Sort.Bool, "(_ is Vint)", A).ToString());
        Assert.Equal("<Regs record>", SmtPrinter.Inline(t.Record(Sort.Regs, A, B)));
    }

    [Fact]
    public void Sorts_print_as_SMT_sorts_and_records_have_none()
    {
        Assert.Equal("(Array Int (Array Int Val))", SmtPrinter.SortText(Sort.Area));
        Assert.Equal("(Array Int Bool)", SmtPrinter.SortText(Sort.BoolRow));
        Assert.Throws<InvalidOperationException>(() => SmtPrinter.SortText(Sort.Regs));
    }

    [Fact]
    public void Shared_sub_terms_become_define_funs_and_the_rest_is_inlined()
    {
        var shared = t.Add(X, Y);
        var once = t.Mul(t.Int(3), X);
        var q = new SmtPrinter.Query([("first", t.Le(shared, t.Int(10))), (null, t.Lt(t.Int(0), t.Add(shared, once)))], []);
        string name = $"t{shared.Id}";
        Assert.Contains($"(define-fun {name} () Int (+ x y))", q.Text);
        Assert.Contains($"(assert (<= {name} 10))", q.Text);
        Assert.Contains($"(assert (< 0 (+ {name} (* 3 x))))", q.Text);
        Assert.DoesNotContain($"(define-fun t{once.Id} ", q.Text);
        Assert.Contains("; first", q.Text);
        Assert.Equal(1, Occurrences(q.Text, "(declare-const x Int)"));
        Assert.StartsWith(SmtPrinter.Preamble, q.Text);
    }

    [Fact]
    public void Value_terms_are_named_and_Vundef_is_not_declared()
    {
        var v = t.App(Sort.Val, "Vint", X);
        var undef = t.Const("Vundef", Sort.Val);
        var q = new SmtPrinter.Query([(null, t.Not(t.Eq(A, undef)))], [v]);
        Assert.Equal($"t{v.Id}", q.Ref(v));
        Assert.Contains($"(define-fun t{v.Id} () Val (Vint x))", q.Text);
        Assert.DoesNotContain("(declare-const Vundef", q.Text);
        Assert.Contains("(declare-const a Val)", q.Text);
        Assert.Equal("x", q.Ref(X));
    }

    [Fact]
    public void A_record_never_reaches_a_query() =>
        Assert.Throws<InvalidOperationException>(() => new SmtPrinter.Query([(null, t.Eq(t.Record(Sort.Regs, A), t.Record(Sort.Regs, B)))], []));

    static int Occurrences(string text, string s) => (text.Length - text.Replace(s, "").Length) / s.Length;

    [SolverFact("libz3")]
    public void The_preamble_and_a_whole_lemma_query_parse_in_z3()
    {
        using var z3 = SolverFactory.Create("libz3");
        Assert.Equal(SatResult.Sat, z3.Check(SmtPrinter.Preamble, 0, []).Result);
        // the vacuity query of a real lemma: every declaration, definition and assertion is accepted, and it is sat
        var lemma = LemmaEncoding.Build(Prims.Statement(Prims.vmx_readz), "test");
        var query = new SmtPrinter.Query(lemma.PremisesOnly(), [lemma.Symbols.High.Cpu]);
        var o = z3.Check(query.Text, 5_000_000, [query.Ref(lemma.Symbols.High.Cpu)]);
        Assert.Equal(SatResult.Sat, o.Result);
        Assert.True(o.Values[0].Value.AsBigInteger() >= 0);
    }
}
