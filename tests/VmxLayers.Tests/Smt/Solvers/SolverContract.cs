using System.Numerics;
using VmxLayers.Smt.Solvers;

namespace VmxLayers.Tests.Smt.Solvers;

/// <summary>What every ISmtSolver must do; each solver's test class runs these against its own instance.</summary>
static class SolverContract
{
    /// <summary>Hard-ish: factor 2^32+7 into two 64-bit factors > 1 (it is sat: 2^32+7 is composite).</summary>
    public const string Factoring =
        "(declare-const x (_ BitVec 64)) (declare-const y (_ BitVec 64))\n" +
        "(assert (= (bvmul x y) #x0000000100000007))\n" +
        "(assert (bvugt x #x0000000000000001)) (assert (bvugt y #x0000000000000001))";

    /// <summary>Small: 0x0fa1 = 4001 is prime, so only a product that wraps modulo 2^16 satisfies it (sat).</summary>
    public const string SmallFactoring =
        "(declare-const a (_ BitVec 16)) (declare-const b (_ BitVec 16))\n" +
        "(assert (= (bvmul a b) #x0fa1)) (assert (bvugt a #x0001)) (assert (bvugt b #x0001))";

    public const string ValDatatype =
        "(declare-datatypes ((Val 0)) (((Vundef) (Vint (vi (_ BitVec 32))) (Vptr (vb Int) (vo (_ BitVec 32))))))";

    public static void SatWithValues(string name)
    {
        using var s = SolverFactory.Create(name);
        var o = s.Check(
            "(declare-const x Int) (declare-const y (_ BitVec 32)) ; a comment\n" +
            "(assert (= x (- 5))) (assert (= y (bvadd #x00000003 #x00000007)))",
            1_000_000, ["y", "x", "(bvadd y #x00000001)"]);
        Assert.Equal(SatResult.Sat, o.Result);
        Assert.Equal(name, o.Solver);
        Assert.Equal(["y", "x", "(bvadd y #x00000001)"], o.Values.Select(v => v.Term));
        Assert.Equal(new BigInteger(10), o.Values[0].Value.AsBigInteger());
        Assert.Equal(32, o.Values[0].Value.BitWidth);
        Assert.Equal(new BigInteger(-5), o.ValueOf("x")!.AsBigInteger());
        Assert.Equal(new BigInteger(11), o.Values[2].Value.AsBigInteger());
        Assert.Null(o.ReasonUnknown);
        Assert.True(o.Resources is > 0, $"resources used should be reported, got {o.Resources}");
    }

    public static void Unsat(string name)
    {
        using var s = SolverFactory.Create(name);
        var o = s.Check("(declare-const p Bool) (declare-const n Int) (assert (and p (not p) (> n 0)))", 1_000_000, ["n"]);
        Assert.Equal(SatResult.Unsat, o.Result);
        Assert.Empty(o.Values);
        Assert.Null(o.ReasonUnknown);
    }

    /// <summary>A tiny budget gives unknown with the solver's reason; the same budget gives the same answer again.</summary>
    public static void UnknownUnderTinyRlimit(string name)
    {
        using var s = SolverFactory.Create(name);
        var first = s.Check(Factoring, 50, ["x"]);
        var second = s.Check(Factoring, 50, ["x"]);
        Assert.Equal(SatResult.Unknown, first.Result);
        Assert.Empty(first.Values);
        Assert.False(string.IsNullOrWhiteSpace(first.ReasonUnknown), "unknown must carry the solver's reason");
        Assert.Equal((first.Result, first.ReasonUnknown, first.Resources), (second.Result, second.ReasonUnknown, second.Resources));
    }

    /// <summary>An undeclared constant is a SolverException naming it; the solver still answers afterwards.</summary>
    public static void MalformedQueryThenRecovers(string name)
    {
        using var s = SolverFactory.Create(name);
        var e = Assert.Throws<SolverException>(() => s.Check("(declare-const x Int) (assert (> x undeclared_zz))", 1_000_000, []));
        Assert.Contains("undeclared_zz", e.Message);
        var syntax = Assert.Throws<SolverException>(() => s.Check("(declare-const x Int) (assert (> x 1)", 1_000_000, []));
        Assert.False(string.IsNullOrWhiteSpace(syntax.Message));
        var o = s.Check("(declare-const x Int) (assert (> x 41))", 1_000_000, ["x"]);
        Assert.Equal(SatResult.Sat, o.Result);
        Assert.True(o.Values[0].Value.AsBigInteger() > 41);
    }

    /// <summary>Datatype values come back as constructor applications whose fields decode.</summary>
    public static void DatatypeValues(string name)
    {
        using var s = SolverFactory.Create(name);
        var o = s.Check(
            ValDatatype + "\n(declare-const v Val) (declare-const w Val) (declare-const u Val)\n" +
            "(assert ((_ is Vptr) v)) (assert (= (vb v) 3)) (assert (= (vo v) #x00000000))\n" +
            "(assert (= w (Vint #x00000001))) (assert (not ((_ is Vint) u))) (assert (not ((_ is Vptr) u)))",
            1_000_000, ["v", "w", "u"]);
        Assert.Equal(SatResult.Sat, o.Result);
        var v = o.ValueOf("v")!;
        Assert.Equal("Vptr", v.Elements[0].SymbolName);
        Assert.Equal(new BigInteger(3), v.Elements[1].AsBigInteger());
        Assert.Equal(BigInteger.Zero, v.Elements[2].AsBigInteger());
        var w = o.ValueOf("w")!;
        Assert.Equal(("Vint", (BigInteger?)BigInteger.One), (w.Elements[0].SymbolName, w.Elements[1].AsBigInteger()));
        Assert.Equal("Vundef", o.ValueOf("u")!.SymbolName);
    }

    /// <summary>A query that runs for tens of seconds: a 64-bit number as a product of two 64-bit factors > 1, in 128 bits.</summary>
    public const string LongFactoring =
        "(declare-const x (_ BitVec 64)) (declare-const y (_ BitVec 64))\n" +
        "(assert (= (bvmul ((_ zero_extend 64) x) ((_ zero_extend 64) y)) #x0000000000000000c5e3e2b2d1f5a6b7))\n" +
        "(assert (bvugt x #x0000000000000001)) (assert (bvugt y #x0000000000000001))";

    /// <summary>
    /// Cancelling the token interrupts the running query: it throws OperationCanceledException instead of answering
    /// (without the interrupt it would end "unknown" when the large budget runs out); the solver answers again afterwards.
    /// </summary>
    public static void CancelInterruptsTheRunningQuery(string name)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));
        using var s = SolverFactory.Create(name, cts.Token);
        Assert.ThrowsAny<OperationCanceledException>(() => s.Check(LongFactoring, 400_000_000, ["x"]));
        Assert.ThrowsAny<OperationCanceledException>(() => s.Check("(declare-const x Int) (assert (> x 41))", 1_000_000, ["x"]));
        using var fresh = SolverFactory.Create(name);
        Assert.Equal(SatResult.Sat, fresh.Check("(declare-const x Int) (assert (> x 41))", 1_000_000, ["x"]).Result);
    }
}
