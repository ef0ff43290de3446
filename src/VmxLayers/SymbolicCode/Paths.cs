using VmxLayers.Smt;

namespace VmxLayers.SymbolicCode;

/// <summary>
/// The decisions of one path and the enumeration of all paths, depth first, by re-running from the start with a
/// forced prefix: a decision beyond the prefix takes "true" and leaves "false" for a later run. A condition decided
/// once on a path keeps its value there (its negation too).
/// </summary>
sealed class Paths(Terms t)
{
    readonly List<bool> forced = [];
    readonly List<Node> conds = [];
    readonly Dictionary<int, bool> decided = [];
    int position;
    bool started;

    /// <summary>The path condition so far: every decision, as the condition or its negation.</summary>
    public List<Node> Condition { get; } = [];

    /// <summary>Starts the next path; false when every path has been run.</summary>
    public bool Next()
    {
        if (started)
        {
            forced.RemoveRange(position, forced.Count - position);   // a path is deterministic: it used exactly its decisions
            int j = forced.Count - 1;
            while (j >= 0 && !forced[j]) j--;
            if (j < 0) return false;
            forced.RemoveRange(j, forced.Count - j);
            conds.RemoveRange(j, conds.Count - j);
            forced.Add(false);
        }
        started = true;
        position = 0;
        decided.Clear();
        Condition.Clear();
        return true;
    }

    /// <summary>The condition of the paths not yet run (each a prefix of decisions and the flipped last one).</summary>
    public Node Remaining()
    {
        var rest = new List<Node>();
        var prefix = new List<Node>();
        for (int j = 0; j < forced.Count && j < conds.Count; j++)
        {
            if (forced[j]) rest.Add(t.And(prefix.Append(t.Not(conds[j]))));
            prefix.Add(forced[j] ? conds[j] : t.Not(conds[j]));
        }
        return rest.Aggregate(t.False, t.Or);
    }

    /// <summary>The value of an undecided condition on this path (forks the exploration).</summary>
    public bool Decide(Node cond)
    {
        if (cond.IsLit) return cond.Num != 0;
        if (decided.TryGetValue(cond.Id, out bool known)) return known;
        bool choice;
        if (position < forced.Count) choice = forced[position];
        else { forced.Add(true); choice = true; }
        if (position < conds.Count) conds[position] = cond; else conds.Add(cond);
        position++;
        decided[cond.Id] = choice;
        decided[t.Not(cond).Id] = !choice;
        Condition.Add(choice ? cond : t.Not(cond));
        return choice;
    }
}
