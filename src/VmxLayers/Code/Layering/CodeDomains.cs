using System.Collections.Concurrent;
using VmxLayers.Semantics;
using VmxLayers.Spec;
using VmxLayers.Spec.Concrete;

namespace VmxLayers.Code.Layering;

/// <summary>
/// What the code layer needs of a domain beyond <see cref="ISpecDomain{T}"/>: the run of a primitive's machine code
/// (the executor instantiated over the domain's values and memory) and the part of Mem.extends the VMX_LOC clause of
/// <see cref="CodeRelation"/> does not cover (the blocks other than VMX_LOC).
/// </summary>
public interface ICodeDomain<T, D> where D : struct, ISpecDomain<T>
{
    /// <summary>The spec code of <paramref name="spec"/>: its machine code run by this domain's executor.</summary>
    SpecCode<T, D> Spec(CodeSpec spec);

    /// <summary>Mem.extends on every block but VMX_LOC (the identity injection; the call's freed frame lies beyond).</summary>
    Bool<T> OtherBlocksExtend(ref D d, string clause, Mem<T> high, Mem<T> low);
}

/// <summary>
/// The code layer's instantiations, by domain: the concrete one (<see cref="CodeExecutor"/> over Val and Mem) is built
/// in; the symbolic one registers itself (src/VmxLayers/SymbolicCode). A domain without one is an error, never a
/// fallback to another spec.
/// </summary>
public static class CodeDomains
{
    static readonly ConcurrentDictionary<Type, object> table = new() { [typeof(ConcreteDomain)] = new ConcreteCode() };

    public static void Register<T, D>(ICodeDomain<T, D> code) where D : struct, ISpecDomain<T> => table[typeof(D)] = code;

    public static ICodeDomain<T, D> For<T, D>() where D : struct, ISpecDomain<T> =>
        table.TryGetValue(typeof(D), out var c) ? (ICodeDomain<T, D>)c
            : throw new InvalidOperationException($"the code layer has no instantiation for the domain {typeof(D).Name}");

    sealed class ConcreteCode : ICodeDomain<CTerm, ConcreteDomain>
    {
        public SpecCode<CTerm, ConcreteDomain> Spec(CodeSpec spec) => new CodeSpec.Concrete(spec);

        /// <summary>Mem.inject with the identity on the spec's blocks (checks VMX_LOC again, byte by byte, with the rest).</summary>
        public Bool<CTerm> OtherBlocksExtend(ref ConcreteDomain d, string clause, Mem<CTerm> high, Mem<CTerm> low)
        {
            Mem h = high.Raw.As<Mem>(), l = low.Raw.As<Mem>();
            string? why = MemInject.Check(MemInj.Flat(h.NextBlock), h, l) is { } v ? v.ToString() : null;
            if (why is not null) d.Context.Witness[clause] = why;
            return new(CTerm.Of(why is null));
        }
    }
}
