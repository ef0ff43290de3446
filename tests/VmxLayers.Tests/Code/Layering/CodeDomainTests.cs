using VmxLayers.Code.Layering;
using VmxLayers.Smt;

namespace VmxLayers.Tests.Code.Layering;

/// <summary>The code layer runs concretely only (its symbolic instantiation is issue 14): another domain is a clear error, never a fallback.</summary>
public class CodeDomainTests
{
    public static TheoryData<string> PrimNames => new(CodeLayer.Default.Names);

    [Theory, MemberData(nameof(PrimNames))]
    public void TheCodeSpecRefusesTheSymbolicDomain(string name)
    {
        var spec = CodeLayer.Default.Lower.Spec(CodeLayer.Default.Find(name)!.Primitive);
        var e = Assert.Throws<InvalidOperationException>(() => spec.Code<Node, SymbolicDomain>());
        Assert.Contains("concrete domain", e.Message);
        Assert.Contains("issue 14", e.Message);
    }

    [Fact]
    public void TheCodeRelationRefusesTheSymbolicDomain()
    {
        var e = Assert.Throws<InvalidOperationException>(() => CodeLayer.Relation.Code<Node, SymbolicDomain>());
        Assert.Contains("issue 14", e.Message);
    }
}
