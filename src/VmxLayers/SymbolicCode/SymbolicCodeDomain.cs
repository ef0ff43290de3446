using System.Runtime.CompilerServices;
using VmxLayers.Code.Layering;
using VmxLayers.Smt;
using VmxLayers.Spec;

namespace VmxLayers.SymbolicCode;

/// <summary>
/// The code layer in the symbolic domain (issue 14): a code spec is its machine code executed over terms
/// (<see cref="SymbolicCodeSpec"/>), and memory outside VMX_LOC is not modelled (the symbolic memory is VMX_LOC's words
/// and permissions, nextblock and a name): the executor ends a path that touches any other block but the call's own
/// stack frame as a limit, so neither side changes another block and that part of Mem.extends is the hypothesis's.
/// </summary>
sealed class SymbolicCodeDomain : ICodeDomain<Node, SymbolicDomain>
{
#pragma warning disable CA2255 // registered when the library loads: the code layer finds its symbolic instantiation without Code depending on Smt
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void Register() => CodeDomains.Register(new SymbolicCodeDomain());

    public SpecCode<Node, SymbolicDomain> Spec(CodeSpec spec) => new SymbolicCodeSpec(spec);

    /// <summary>The other blocks are untouched by both sides (their accesses are limits), so they keep the relation the inputs had: one opaque fact per pair of memories.</summary>
    public Bool<Node> OtherBlocksExtend(ref SymbolicDomain d, string clause, Mem<Node> high, Mem<Node> low)
    {
        Node h = high.Raw.Args[4], l = low.Raw.Args[4];
        var t = d.Context.T;
        return new(h == l ? t.True : t.Const($"extends_rest_{h.Name}_{l.Name}", Sort.Bool));
    }
}
