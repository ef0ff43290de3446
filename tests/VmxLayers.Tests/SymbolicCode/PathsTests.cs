using VmxLayers.Smt;
using VmxLayers.SymbolicCode;

namespace VmxLayers.Tests.SymbolicCode;

/// <summary>The path enumeration of the symbolic executor: every combination of decisions once, a condition decided once per path, and the range folding of 32-bit arithmetic.</summary>
public class PathsTests
{
    [Fact]
    public void EveryCombinationOfDecisionsIsRunOnce()
    {
        var t = new Terms();
        Node a = t.Const("a", Sort.Bool), b = t.Const("b", Sort.Bool);
        var paths = new Paths(t);
        var seen = new List<string>();
        while (paths.Next())
        {
            bool x = paths.Decide(a);
            bool y = x && paths.Decide(b);   // b is decided only where a holds: three paths
            Assert.Equal(x, paths.Decide(a));   // decided once per path
            Assert.Equal(!x, paths.Decide(t.Not(a)));
            seen.Add($"{x}{y}|{SmtPrinter.Inline(t.And(paths.Condition))}");
        }
        Assert.Equal(["TrueTrue|(and a b)", "TrueFalse|(and a (not b))", "FalseFalse|(not a)"], seen);
    }

    [Fact]
    public void RangesKeepSumsLinearAndAnAddressUnwrapsOnlyOnThePathWhereNothingWraps()
    {
        var t = new Terms();
        var paths = new Paths(t);
        var results = new List<string>();
        while (paths.Next())
        {
            var ar = new SymbolicArith(t, paths);
            var x = t.App(Sort.Int, "ival", t.Const("v", Sort.Val));   // a payload: [0, 2^32)
            Assert.Equal(x, ar.Wrap(t.Add(x, t.Int(0))));
            var sum = ar.Wrap(t.Add(x, t.Int(40)));                    // may wrap: mod 2^32
            Assert.True(sum.IsApp("mod"));
            var plain = ar.Unwrap(sum);
            results.Add(plain is null ? "wraps" : SmtPrinter.Inline(plain));
            if (plain is not null) Assert.Equal(t.Add(x, t.Int(8)), ar.Wrap(t.Add(x, t.Int(8))));   // the bound learned keeps x + 8 below 2^32
        }
        Assert.Equal(["(+ (ival v) 40)", "wraps"], results);
    }
}
