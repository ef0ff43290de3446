using System.Numerics;
using VmxLayers.Smt.Solvers;

namespace VmxLayers.Tests.Smt.Solvers;

public sealed class SExprTests
{
    [Fact]
    public void Parses_nested_lists_quoted_symbols_strings_and_comments()
    {
        var all = SExpr.ParseMany("; leading comment\n(a (b |c d|) e) \"x \"\" ) y\" ; trailing\n|(| ()");
        Assert.Equal(4, all.Count);
        Assert.Equal("(a (b |c d|) e)", all[0].ToString());
        Assert.Equal("c d", all[0].Elements[1].Elements[1].SymbolName);
        Assert.Equal("\"x \"\" ) y\"", all[1].AtomText);
        Assert.Null(all[1].SymbolName);
        Assert.Equal("(", all[2].SymbolName);
        Assert.Equal(SExpr.Of(), all[3]);
    }

    [Fact]
    public void Structural_equality_and_round_trip()
    {
        var e = SExpr.Parse("(Vptr 3 #x00000000)");
        Assert.Equal(SExpr.Of(SExpr.Sym("Vptr"), SExpr.Sym("3"), SExpr.Sym("#x00000000")), e);
        Assert.Equal(e, SExpr.Parse(e.ToString()));
        Assert.NotEqual(e, SExpr.Parse("(Vptr 3 #x00000001)"));
    }

    [Theory]
    [InlineData("#x0000000a", "10", 32)]
    [InlineData("#xffffffff", "4294967295", 32)]
    [InlineData("#b101", "5", 3)]
    [InlineData("(_ bv10 32)", "10", 32)]
    [InlineData("42", "42", null)]
    [InlineData("(- 5)", "-5", null)]
    public void Integer_literals_decode(string text, string value, int? width)
    {
        var e = SExpr.Parse(text);
        Assert.Equal(BigInteger.Parse(value), e.AsBigInteger());
        Assert.Equal(width, e.BitWidth);
    }

    [Theory]
    [InlineData("true")]
    [InlineData("x")]
    [InlineData("(Vint #x00000001)")]
    [InlineData("#xzz")]
    [InlineData("1.5")]
    public void Non_integers_give_null(string text) => Assert.Null(SExpr.Parse(text).AsBigInteger());

    [Fact]
    public void Booleans_decode() =>
        Assert.Equal((true, false, (bool?)null), (SExpr.Parse("true").AsBool(), SExpr.Parse("false").AsBool(), SExpr.Parse("1").AsBool()));

    [Theory]
    [InlineData("(a (b)")]
    [InlineData(")")]
    [InlineData("|unclosed")]
    [InlineData("\"unclosed")]
    [InlineData("a b")]
    [InlineData("")]
    public void Malformed_input_is_a_FormatException(string text) => Assert.Throws<FormatException>(() => SExpr.Parse(text));
}
