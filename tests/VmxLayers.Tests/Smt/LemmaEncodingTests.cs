using VmxLayers.Refinement;
using VmxLayers.Smt;
using VmxLayers.Spec;

namespace VmxLayers.Tests.Smt;

/// <summary>What a real lemma's encoding asserts and what it must prove.</summary>
public sealed class LemmaEncodingTests
{
    static readonly LemmaEncoding readz = LemmaEncoding.Build(Prims.Statement(Prims.vmx_readz), "test");
    static readonly LemmaEncoding exit = LemmaEncoding.Build(Prims.Statement(Prims.vmx_exit), "test");

    public static TheoryData<string> Lemmas() => ["vmx_readz", "vmx_exit"];

    static LemmaEncoding Lemma(string name) => name == "vmx_readz" ? readz : exit;

    static IEnumerable<Node> Facts(LemmaEncoding l) => l.Premises.Select(p => p.Fact);

    [Theory]
    [MemberData(nameof(Lemmas))]
    public void Premises_hold_the_hypothesis_and_every_high_guard(string name)
    {
        var l = Lemma(name);
        Assert.Contains(l.Premises, p => p.Fact == l.Run.Hypothesis.Raw && p.Comment.StartsWith("hypothesis", StringComparison.Ordinal));
        var high = l.Context.Guards.Where(g => g.Phase == SpecPhase.High).ToList();
        Assert.NotEmpty(high);
        foreach (var g in high) Assert.Contains(l.Premises, p => p.Fact == g.Cond && p.Comment == $"high guard: {g.Why}");
        // a low guard or a goal is never assumed
        foreach (var o in l.Obligations.Where(o => !o.Formula.IsLit)) Assert.DoesNotContain(o.Formula, Facts(l));
    }

    [Theory]
    [MemberData(nameof(Lemmas))]
    public void Premises_have_A9_at_every_permission_read(string name)
    {
        var l = Lemma(name);
        var t = l.Context.T;
        Assert.NotEmpty(l.Context.PermissionPoints);
        foreach (var (rd, wr, ofs) in l.Context.PermissionPoints)
            Assert.Contains(t.Implies(t.Select(wr, ofs), t.Select(rd, ofs)), Facts(l));
    }

    [Theory]
    [MemberData(nameof(Lemmas))]
    public void Every_value_that_is_not_built_by_a_constructor_is_well_formed(string name)
    {
        var l = Lemma(name);
        var t = l.Context.T;
        var facts = Facts(l).ToHashSet();
        var reach = Reach(l.Premises.Select(p => p.Fact).Concat(l.Obligations.Select(o => o.Formula)));
        var values = reach.Where(n => n.Sort == Sort.Val && Terms.Ctor(n) is null && !n.IsApp("lr32") && !n.IsApp("ite")).ToList();
        Assert.Contains(values, v => v.Op == Op.Const);               // inputs: registers, arguments
        Assert.Contains(values, v => v.IsApp("select"));              // reads of the initial state
        foreach (var v in values) Assert.Contains(t.App(Sort.Bool, "wf", v), facts);
    }

    static List<Node> Reach(IEnumerable<Node> roots)
    {
        var seen = new HashSet<int>();
        var all = new List<Node>();
        var stack = new Stack<Node>(roots);
        while (stack.Count > 0)
        {
            var n = stack.Pop();
            if (!seen.Add(n.Id)) continue;
            all.Add(n);
            foreach (var a in n.Args) stack.Push(a);
        }
        return all;
    }

    [Theory]
    [MemberData(nameof(Lemmas))]
    public void Obligations_are_the_low_guards_then_the_goals(string name)
    {
        var l = Lemma(name);
        var low = l.Context.Guards.Where(g => g.Phase == SpecPhase.Low).ToList();
        var guards = l.Obligations.Where(o => o.Kind == ObligationKind.LowGuard).ToList();
        Assert.Equal(low.Select(g => g.Cond), guards.Select(o => o.Formula));
        Assert.Equal(low.Select(g => g.Cond), l.LowGuards);
        // low guard k assumes the k before it; goals assume them all
        Assert.Equal(Enumerable.Range(0, guards.Count), guards.Select(o => o.LowGuardsAssumed));
        var goals = l.Obligations.Where(o => o.Kind == ObligationKind.Goal).ToList();
        Assert.Equal(l.Run.Goals.Select(g => g.Clause), goals.Select(o => o.Clause));
        Assert.Equal(l.Run.Goals.Select(g => g.Formula.Raw), goals.Select(o => o.Formula));
        Assert.All(goals, o => Assert.Equal(low.Count, o.LowGuardsAssumed));
        Assert.Equal(Enumerable.Range(0, l.Obligations.Count), l.Obligations.Select(o => o.Index));
        Assert.Contains(goals, o => o.Clause == VmxRelation.Match);
    }

    [Fact]
    public void An_obligations_query_is_the_premises_the_earlier_low_guards_and_the_negated_obligation()
    {
        var l = exit;
        var o = l.Obligations.First(o => o.Kind == ObligationKind.LowGuard && o.LowGuardsAssumed >= 2);
        var query = l.Assertions(o);
        Assert.Equal(l.Premises.Count + o.LowGuardsAssumed + 1, query.Count);
        Assert.Equal(l.Premises.Select(p => p.Fact), query.Take(l.Premises.Count).Select(a => a.Fact));
        Assert.Equal(l.LowGuards.Take(o.LowGuardsAssumed), query.Skip(l.Premises.Count).Take(o.LowGuardsAssumed).Select(a => a.Fact));
        Assert.Same(l.Context.T.Not(o.Formula), query[^1].Fact);
        Assert.StartsWith("negated obligation", query[^1].Comment);
    }

    [Theory]
    [MemberData(nameof(Lemmas))]
    public void The_vacuity_query_has_no_negated_obligation(string name)
    {
        var l = Lemma(name);
        var query = l.PremisesOnly();
        Assert.Equal(l.Premises.Select(p => p.Fact), query.Select(a => a.Fact));
        Assert.DoesNotContain(query, a => a.Comment?.StartsWith("negated", StringComparison.Ordinal) == true);
        var negated = l.Obligations.Select(o => l.Context.T.Not(o.Formula)).ToHashSet();
        Assert.DoesNotContain(query, a => negated.Contains(a.Fact) && !a.Fact.IsLit);
    }

    [Fact]
    public void Universal_premises_are_instantiated_at_every_ground_slot_point()
    {
        var l = exit;
        var t = l.Context.T;
        var match = l.Context.Universals.Where(u => u.Kind == QuantKind.Slot).ToList();
        Assert.NotEmpty(match);
        foreach (var u in match)
            foreach (var i in l.Context.SlotPoints.Select(p => p.Slot).Distinct())
                Assert.Contains(t.Implies(t.And(u.Flag, l.Context.Range(u.Kind, null, i)), u.Body(null!, i)), Facts(l));
    }
}
