using VmxLayers.Smt;

namespace VmxLayers.Tests.Smt;

/// <summary>The term factory: hash-consing and the constant folding every query relies on.</summary>
public sealed class TermsTests
{
    readonly Terms t = new();
    Node A => t.Const("a", Sort.Bool);
    Node B => t.Const("b", Sort.Bool);
    Node X => t.Const("x", Sort.Int);
    Node Y => t.Const("y", Sort.Int);
    Node V => t.Const("v", Sort.Val);

    [Fact]
    public void Same_term_is_the_same_node()
    {
        Assert.Same(t.Const("x", Sort.Int), t.Const("x", Sort.Int));
        Assert.NotSame(t.Const("x", Sort.Int), t.Const("x", Sort.Bool));
        Assert.Same(t.Add(X, Y), t.Add(X, Y));
        Assert.Same(t.App(Sort.Val, "Vint", X), t.App(Sort.Val, "Vint", X));
        Assert.Same(t.Int(5), t.Int(5));
        Assert.Same(t.Eq(X, Y), t.Eq(Y, X));   // = is symmetric: one node per pair
        int before = t.Count;
        _ = t.Add(X, Y);
        Assert.Equal(before, t.Count);
        // children first: ids are a topological order
        var sum = t.Add(X, Y);
        Assert.All(sum.Args, a => Assert.True(a.Id < sum.Id));
    }

    [Fact]
    public void Constants_are_listed_once_in_creation_order()
    {
        _ = X; _ = Y; _ = X;
        Assert.Equal(["x", "y"], t.Constants.Select(c => c.Name));
    }

    [Fact]
    public void Boolean_connectives_fold_literals_and_identities()
    {
        Assert.Same(B, t.And(t.True, B));
        Assert.Same(A, t.And(A, t.True));
        Assert.Same(A, t.And(A, A));
        Assert.Same(t.False, t.And(A, t.False));
        Assert.Same(t.False, t.And(t.False, B));
        Assert.True(t.And(A, B).IsApp("and"));
        Assert.Same(t.True, t.And([]));
        Assert.Same(A, t.And([t.True, A, t.True]));

        Assert.Same(B, t.Or(t.False, B));
        Assert.Same(A, t.Or(A, t.False));
        Assert.Same(A, t.Or(A, A));
        Assert.Same(t.True, t.Or(A, t.True));
        Assert.True(t.Or(A, B).IsApp("or"));

        Assert.Same(t.False, t.Not(t.True));
        Assert.Same(t.True, t.Not(t.False));
        Assert.Same(A, t.Not(t.Not(A)));
        Assert.True(t.Not(A).IsApp("not"));

        Assert.Same(B, t.Implies(t.True, B));
        Assert.Same(t.True, t.Implies(t.False, B));
        Assert.Same(t.True, t.Implies(A, t.True));
        Assert.True(t.Implies(A, B).IsApp("=>"));

        Assert.Same(X, t.Ite(t.True, X, Y));
        Assert.Same(Y, t.Ite(t.False, X, Y));
        Assert.Same(X, t.Ite(A, X, X));
        Assert.True(t.Ite(A, X, Y).IsApp("ite"));
    }

    [Fact]
    public void Arithmetic_folds_literals_and_identities()
    {
        Assert.Same(t.Int(7), t.Add(t.Int(3), t.Int(4)));
        Assert.Same(X, t.Add(X, t.Int(0)));
        Assert.Same(X, t.Add(t.Int(0), X));
        Assert.True(t.Add(X, t.Int(1)).IsApp("+"));

        Assert.Same(t.Int(12), t.Mul(t.Int(3), t.Int(4)));
        Assert.Same(X, t.Mul(X, t.Int(1)));
        Assert.Same(X, t.Mul(t.Int(1), X));
        Assert.Same(t.Int(0), t.Mul(X, t.Int(0)));
        var scaled = t.Mul(X, t.Int(152));
        Assert.True(scaled.IsApp("*") && scaled.Args[0].IsLit, "the literal factor comes first (the linear forms read it there)");
        Assert.Same(scaled, t.Mul(t.Int(152), X));
    }

    [Fact]
    public void Comparisons_fold_literals()
    {
        Assert.Same(t.True, t.Le(t.Int(3), t.Int(3)));
        Assert.Same(t.False, t.Le(t.Int(4), t.Int(3)));
        Assert.Same(t.False, t.Lt(t.Int(3), t.Int(3)));
        Assert.Same(t.True, t.Lt(t.Int(-1), t.Int(0)));
        Assert.Same(t.True, t.Eq(t.Int(5), t.Int(5)));
        Assert.Same(t.False, t.Eq(t.Int(5), t.Int(6)));
        Assert.Same(t.True, t.Eq(X, X));
        Assert.True(t.Le(X, t.Int(3)).IsApp("<="));
        Assert.True(t.Lt(X, Y).IsApp("<"));
    }

    [Fact]
    public void Eq_of_distinct_constructors_is_false()
    {
        var undef = t.Const("Vundef", Sort.Val);
        var vint = t.App(Sort.Val, "Vint", X);
        var vptr = t.App(Sort.Val, "Vptr", X, Y);
        Assert.Same(t.False, t.Eq(undef, vint));
        Assert.Same(t.False, t.Eq(vint, vptr));
        Assert.Same(t.False, t.Eq(vptr, undef));
        // same constructor, or an unknown one: a real equation
        Assert.True(t.Eq(vint, t.App(Sort.Val, "Vint", Y)).IsApp("="));
        Assert.True(t.Eq(V, vint).IsApp("="));
        Assert.Equal("Vint", Terms.Ctor(vint));
        Assert.Null(Terms.Ctor(V));
    }

    [Fact]
    public void Select_over_store_with_literal_indices_reads_through()
    {
        var row = t.Const("row", Sort.Row);
        Node v1 = t.App(Sort.Val, "Vint", t.Int(1)), v2 = t.App(Sort.Val, "Vint", t.Int(2));
        var stored = t.Store(t.Store(row, t.Int(4), v1), t.Int(8), v2);
        Assert.Same(v2, t.Select(stored, t.Int(8)));
        Assert.Same(v1, t.Select(stored, t.Int(4)));   // skips the store at 8: literals that differ cannot alias
        Assert.Same(t.Select(row, t.Int(12)), t.Select(stored, t.Int(12)));
        // the same index term: the stored value, whatever it is
        var i = t.Const("i", Sort.Int);
        Assert.Same(v1, t.Select(t.Store(row, i, v1), i));
        // a symbolic index may alias: the select stays
        var unknown = t.Select(stored, i);
        Assert.True(unknown.IsApp("select") && unknown.Args[0] == stored);
        Assert.Equal(Sort.Val, unknown.Sort);
        // sorts: an area's select is a row, a row's is a Val, a Bool row's is a Bool
        Assert.Equal(Sort.Row, t.Select(t.Const("area", Sort.Area), i).Sort);
        Assert.Equal(Sort.Bool, t.Select(t.Const("rd", Sort.BoolRow), i).Sort);
    }
}
