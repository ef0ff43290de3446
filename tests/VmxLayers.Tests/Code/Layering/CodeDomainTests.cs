using VmxLayers.Code.Layering;
using VmxLayers.Smt;
using VmxLayers.Spec;
using VmxLayers.Spec.Concrete;

namespace VmxLayers.Tests.Code.Layering;

/// <summary>The code layer has a concrete and a symbolic instantiation (issue 14); the relation's clauses are one definition for both.</summary>
public class CodeDomainTests
{
    public static TheoryData<string> PrimNames => new(CodeLayer.Default.Names);

    [Theory, MemberData(nameof(PrimNames))]
    public void TheCodeSpecRunsInBothDomains(string name)
    {
        var spec = CodeLayer.Default.Lower.Spec(CodeLayer.Default.Find(name)!.Primitive);
        Assert.NotNull(spec.Code<CTerm, ConcreteDomain>());
        Assert.Contains("SymbolicCode", spec.Code<Node, SymbolicDomain>().GetType().FullName);
    }

    [Fact]
    public void TheCodeRelationIsOneDefinitionForBothDomains()
    {
        Assert.Equal(CodeLayer.Relation.Code<CTerm, ConcreteDomain>().GetType().GetGenericTypeDefinition(),
            CodeLayer.Relation.Code<Node, SymbolicDomain>().GetType().GetGenericTypeDefinition());
        Assert.True(CodeLayer.Relation.OneLayerData);
    }
}
