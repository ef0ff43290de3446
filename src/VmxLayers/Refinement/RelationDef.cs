using VmxLayers.Semantics;
using VmxLayers.Spec;

namespace VmxLayers.Refinement;

/// <summary>Both layers' states: high data and memory, low data and memory.</summary>
public sealed record LayerPair<T>(AbsData<T> High, Mem<T> MemHigh, AbsData<T> Low, Mem<T> MemLow);

/// <summary>The inputs of one simulation case: related states, the C arguments or the register sets of both sides.</summary>
public sealed record SimInput<T>(LayerPair<T> Pre, Val<T>[] ArgsHigh, Val<T> [] ArgsLow, Regs<T> RegsHigh, Regs<T> RegsLow);

/// <summary>What both steps returned: the new states, the C results and the output registers.</summary>
public sealed record SimOutput<T>(LayerPair<T> Post, Val<T> RetHigh, Val<T> RetLow, Regs<T> RegsHigh, Regs<T> RegsLow);

/// <summary>One conclusion of the simulation statement, named by its relation clause.</summary>
public sealed record Goal<T>(string Clause, Bool<T> Formula);

/// <summary>
/// A refinement relation between two layers (the seed's relate_AbData, match_AbData and MatchExtcallStates), for
/// every domain: <see cref="Code{T, D}"/> gives its clauses specialized to a domain (built once, cached). A relation
/// is built from named clauses (the code class's virtual members), so a variant of it replaces exactly one clause.
/// </summary>
public abstract class RelationDef(string name)
{
    static int count;

    public string Name { get; } = name;

    /// <summary>
    /// True when both sides are states of one layer's data (code ⊑ VMCSInit: the code runs over VMCSInit's state, so
    /// the upper side's save area is its memory's VMX_LOC too, and values are related by the identity injection).
    /// </summary>
    public virtual bool OneLayerData => false;

    internal int Id { get; } = Interlocked.Increment(ref count) - 1;

    /// <summary>The relation's clauses for domain D.</summary>
    public RelationCode<T, D> Code<T, D>() where D : struct, ISpecDomain<T> => RelationCodeTable<T, D>.Get(this);

    /// <summary>Builds the clauses for domain D (called once per domain).</summary>
    protected abstract RelationCode<T, D> Create<T, D>() where D : struct, ISpecDomain<T>;

    internal RelationCode<T, D> CreateCode<T, D>() where D : struct, ISpecDomain<T> => Create<T, D>();

    public override string ToString() => Name;
}

/// <summary>A relation's clauses for one domain: what the simulation statement assumes and concludes. Stateless.</summary>
public abstract class RelationCode<T, D> where D : struct, ISpecDomain<T>
{
    /// <summary>The statement's hypothesis for a call of p: the related states, layer invariants, related arguments or registers.</summary>
    public abstract Bool<T> Hypothesis(ref D d, Primitive p, SimInput<T> input);

    /// <summary>How many clauses relate what a call of p returned (the C result, or each register).</summary>
    public abstract int ResultClauseCount(Primitive p);

    /// <summary>Result clause k of a call of p: its name, and what it relates (a register, or the C result when null).</summary>
    public abstract (string Clause, Preg? Register) ResultPlace(Primitive p, int k);

    readonly IdTable<(string Clause, Preg? Register)[]> places = new();

    /// <summary>Every result clause's place for a call of p, in clause order (computed once per primitive: lockstep reads them on every call).</summary>
    public ReadOnlySpan<(string Clause, Preg? Register)> ResultPlaces(Primitive p) =>
        places.Get(p.Id, (Code: this, Primitive: p), static x =>
        {
            var computed = new (string Clause, Preg? Register)[x.Code.ResultClauseCount(x.Primitive)];
            for (int k = 0; k < computed.Length; k++) computed[k] = x.Code.ResultPlace(x.Primitive, k);
            return computed;
        });

    /// <summary>Result clause k on the values found at its place on each side.</summary>
    public abstract Bool<T> ResultRelated(ref D d, Primitive p, int k, Val<T> high, Val<T> low);

    /// <summary>The conclusions about what the steps returned, one goal per result clause.</summary>
    public void ResultGoals(ref D d, Primitive p, SimOutput<T> o, List<Goal<T>> goals)
    {
        var at = ResultPlaces(p);
        for (int k = 0; k < at.Length; k++)
        {
            var (clause, reg) = at[k];
            var (high, low) = reg is { } r ? (d.Reg(o.RegsHigh, r), d.Reg(o.RegsLow, r)) : (o.RetHigh, o.RetLow);
            goals.Add(new(clause, ResultRelated(ref d, p, k, high, low)));
        }
    }

    /// <summary>The conclusions about the new states: the relation again.</summary>
    public abstract void StateGoals(ref D d, Primitive p, SimOutput<T> output, List<Goal<T>> goals);

    /// <summary>Every conclusion of the statement after both steps succeeded, one goal per clause.</summary>
    public void Goals(ref D d, Primitive p, SimOutput<T> output, List<Goal<T>> goals)
    {
        ResultGoals(ref d, p, output, goals);
        StateGoals(ref d, p, output, goals);
    }
}

/// <summary>The clauses of every relation for domain D, by relation id.</summary>
static class RelationCodeTable<T, D> where D : struct, ISpecDomain<T>
{
    static readonly IdTable<RelationCode<T, D>> codes = new();

    public static RelationCode<T, D> Get(RelationDef r) => codes.Get(r.Id, r, static x => x.CreateCode<T, D>());
}
