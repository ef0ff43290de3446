using VmxLayers.Smt.Solvers;

namespace VmxLayers.Tests.Smt.Solvers;

public sealed class Libz3SolverTests
{
    [SolverFact("libz3")] public void Sat_returns_values_in_request_order() => SolverContract.SatWithValues("libz3");
    [SolverFact("libz3")] public void Unsat_has_no_values() => SolverContract.Unsat("libz3");
    [SolverFact("libz3")] public void Tiny_rlimit_gives_unknown_with_reason() => SolverContract.UnknownUnderTinyRlimit("libz3");
    [SolverFact("libz3")] public void Malformed_query_throws_and_next_query_works() => SolverContract.MalformedQueryThenRecovers("libz3");
    [SolverFact("libz3")] public void Datatype_values_decode() => SolverContract.DatatypeValues("libz3");
    [SolverFact("libz3")] public void Cancel_interrupts_the_running_query() => SolverContract.CancelInterruptsTheRunningQuery("libz3");

    /// <summary>
    /// Parallel instances with different budgets: each must get exactly the single-threaded answer and
    /// resource count (budgets pass through Z3's global parameter table, which is why this can fail).
    /// </summary>
    [SolverFact("libz3")]
    public void Parallel_instances_keep_their_own_budgets()
    {
        long[] budgets = [40, 400, 4_000_000, 60, 8_000_000, 600];
        const string Query = SolverContract.SmallFactoring;
        (SatResult, long?) Run(long budget) { using var s = SolverFactory.Create("libz3"); var o = s.Check(Query, budget, []); return (o.Result, o.Resources); }
        var expected = budgets.Select(Run).ToArray();
        Assert.Contains(expected, e => e.Item1 == SatResult.Unknown);
        Assert.Contains(expected, e => e.Item1 != SatResult.Unknown);
        var parallel = new (SatResult, long?)[budgets.Length * 3];
        Parallel.For(0, parallel.Length, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i => parallel[i] = Run(budgets[i % budgets.Length]));
        for (int i = 0; i < parallel.Length; i++) Assert.Equal(expected[i % budgets.Length], parallel[i]);
    }
}

public sealed class Z3ProcessSolverTests
{
    [SolverFact("z3")] public void Sat_returns_values_in_request_order() => SolverContract.SatWithValues("z3");
    [SolverFact("z3")] public void Unsat_has_no_values() => SolverContract.Unsat("z3");
    [SolverFact("z3")] public void Tiny_rlimit_gives_unknown_with_reason() => SolverContract.UnknownUnderTinyRlimit("z3");
    [SolverFact("z3")] public void Malformed_query_throws_and_next_query_works() => SolverContract.MalformedQueryThenRecovers("z3");
    [SolverFact("z3")] public void Datatype_values_decode() => SolverContract.DatatypeValues("z3");
    [SolverFact("z3")] public void Cancel_interrupts_the_running_query() => SolverContract.CancelInterruptsTheRunningQuery("z3");

    /// <summary>Processes driven from several threads at once give each query its own answer.</summary>
    [SolverFact("z3")]
    public void Parallel_processes_answer_their_own_queries()
    {
        var results = new (SatResult, System.Numerics.BigInteger?)[8];
        Parallel.For(0, results.Length, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i =>
        {
            using var s = SolverFactory.Create("z3");
            var o = s.Check($"(declare-const x Int) (assert (= (* 3 x) {3 * i}))" + (i % 2 == 1 ? " (assert (< x 0))" : ""), 1_000_000, ["x"]);
            results[i] = (o.Result, o.Values.FirstOrDefault().Value?.AsBigInteger());
        });
        for (int i = 0; i < results.Length; i++)
            Assert.Equal(i % 2 == 1 ? (SatResult.Unsat, null) : (SatResult.Sat, (System.Numerics.BigInteger?)i), results[i]);
    }

    /// <summary>
    /// The executable and the library are the same Z3 4.8.12: same answers, valid models, and rlimit counts
    /// that differ only by the few units the two command paths spend differently (measured: 94 vs 95).
    /// </summary>
    [SolverFact("z3")]
    public void Agrees_with_libz3_on_answer_and_resources()
    {
        if (!SolverFactory.IsAvailable("libz3", out var why)) Assert.Fail($"libz3 needed for the comparison: {why}");
        using var exe = SolverFactory.Create("z3");
        using var lib = SolverFactory.Create("libz3");
        (string Query, long Budget, string[] Terms, int Width, long Product)[] cases =
            [(SolverContract.Factoring, 50, ["x", "y"], 64, 0x100000007), (SolverContract.SmallFactoring, 20_000_000, ["a", "b"], 16, 0x0fa1)];
        foreach (var (query, budget, terms, width, product) in cases)
        {
            var a = exe.Check(query, budget, terms);
            var b = lib.Check(query, budget, terms);
            Assert.Equal(a.Result, b.Result);
            Assert.True(Math.Abs(a.Resources!.Value - b.Resources!.Value) <= 5 + b.Resources.Value / 100, $"rlimit counts {a.Resources} vs {b.Resources}");
            if (a.Result == SatResult.Sat)
                foreach (var o in new[] { a, b })
                    Assert.Equal(new System.Numerics.BigInteger(product), o.Values[0].Value.AsBigInteger() * o.Values[1].Value.AsBigInteger() % (System.Numerics.BigInteger.One << width));
        }
        Assert.Equal(SatResult.Sat, lib.Check(SolverContract.SmallFactoring, 20_000_000, []).Result); // the product check above ran
    }
}

public sealed class Cvc5SolverTests
{
    [SolverFact("cvc5")] public void Sat_returns_values_in_request_order() => SolverContract.SatWithValues("cvc5");
    [SolverFact("cvc5")] public void Unsat_has_no_values() => SolverContract.Unsat("cvc5");
    [SolverFact("cvc5")] public void Tiny_rlimit_gives_unknown_with_reason() => SolverContract.UnknownUnderTinyRlimit("cvc5");
    [SolverFact("cvc5")] public void Malformed_query_throws_and_next_query_works() => SolverContract.MalformedQueryThenRecovers("cvc5");
    [SolverFact("cvc5")] public void Datatype_values_decode() => SolverContract.DatatypeValues("cvc5");
}

public sealed class SolverFactoryTests
{
    [Fact]
    public void Unknown_name_is_rejected_with_the_valid_names()
    {
        var e = Assert.Throws<ArgumentException>(() => SolverFactory.Create("yices"));
        Assert.Contains("libz3, z3, cvc5", e.Message);
        Assert.False(SolverFactory.IsAvailable("yices", out var why));
        Assert.Contains("unknown solver", why);
    }

    [Fact]
    public void Missing_executable_explains_how_to_install()
    {
        Assert.Contains("apt-get install cvc5", SolverFactory.WhyUnavailable("cvc5", "/nonexistent-dir"));
        Assert.Contains("'z3' not found on PATH", SolverFactory.WhyUnavailable("z3", ""));
        if (File.Exists("/usr/bin/z3"))
            Assert.Null(SolverFactory.WhyUnavailable("z3", "/nonexistent-dir" + Path.PathSeparator + "/usr/bin"));
    }
}
