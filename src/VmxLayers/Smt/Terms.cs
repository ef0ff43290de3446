namespace VmxLayers.Smt;

/// <summary>
/// Hash-consing term factory with light constant folding, so the spec code's many repeated
/// sub-terms (flags, offsets, register reads) become one node each and queries stay small.
/// </summary>
public sealed class Terms
{
    readonly Dictionary<string, Node> table = [];
    readonly List<Node> consts = [];

    /// <summary>Every declared constant, in creation order.</summary>
    public IReadOnlyList<Node> Constants { get { lock (table) return [.. consts]; } }
    public int Count { get { lock (table) return table.Count; } }

    Node Make(Sort sort, Op op, string name, long num, params Node[] args)
    {
        string key = $"{(int)sort}|{(int)op}|{name}|{num}|{string.Join(",", args.Select(a => a.Id))}";
        // The prover solves a lemma's obligations in parallel and the small-scope retries build terms
        // then: node ids must stay unique, so creation is serialised (lookups of existing nodes dominate).
        lock (table)
        {
            if (table.TryGetValue(key, out var n)) return n;
            n = new Node(table.Count, sort, op, name, num, args);
            table[key] = n;
            if (op == Op.Const) consts.Add(n);
            return n;
        }
    }

    public Node Const(string name, Sort sort) => Make(sort, Op.Const, name, 0);
    public Node Record(Sort sort, params Node[] parts) => Make(sort, Op.Record, "", 0, parts);
    public Node App(Sort sort, string f, params Node[] args) => Make(sort, Op.App, f, 0, args);

    public Node Bool(bool b) => Make(Sort.Bool, Op.Lit, "", b ? 1 : 0);
    public Node Int(long n) => Make(Sort.Int, Op.Lit, "", n);
    public Node True => Bool(true);
    public Node False => Bool(false);

    static bool IsTrue(Node n) => n.IsLit && n.Sort == Sort.Bool && n.Num == 1;
    static bool IsFalse(Node n) => n.IsLit && n.Sort == Sort.Bool && n.Num == 0;

    public Node And(Node a, Node b)
    {
        if (IsTrue(a) || a == b) return b;
        if (IsTrue(b)) return a;
        if (IsFalse(a) || IsFalse(b)) return False;
        return App(Sort.Bool, "and", a, b);
    }

    public Node And(IEnumerable<Node> xs) => xs.Aggregate(True, And);

    public Node Or(Node a, Node b)
    {
        if (IsFalse(a) || a == b) return b;
        if (IsFalse(b)) return a;
        if (IsTrue(a) || IsTrue(b)) return True;
        return App(Sort.Bool, "or", a, b);
    }

    public Node Not(Node a)
    {
        if (a.IsLit) return Bool(a.Num == 0);
        if (a.IsApp("not")) return a.Args[0];
        return App(Sort.Bool, "not", a);
    }

    public Node Implies(Node a, Node b)
    {
        if (IsTrue(a)) return b;
        if (IsFalse(a) || IsTrue(b) || a == b) return True;
        return App(Sort.Bool, "=>", a, b);
    }

    public Node Ite(Node c, Node a, Node b)
    {
        if (IsTrue(c) || a == b) return a;
        if (IsFalse(c)) return b;
        return App(a.Sort, "ite", c, a, b);
    }

    public Node Add(Node a, Node b)
    {
        if (a.IsLit && b.IsLit) return Int(a.Num + b.Num);
        if (a.IsLit && a.Num == 0) return b;
        if (b.IsLit && b.Num == 0) return a;
        return App(Sort.Int, "+", a, b);
    }

    public Node Mul(Node a, Node b)
    {
        if (a.IsLit && b.IsLit) return Int(a.Num * b.Num);
        if (b.IsLit) (a, b) = (b, a);
        if (a.IsLit && a.Num == 0) return Int(0);
        if (a.IsLit && a.Num == 1) return b;
        return App(Sort.Int, "*", a, b);
    }

    public Node Le(Node a, Node b) => a.IsLit && b.IsLit ? Bool(a.Num <= b.Num) : App(Sort.Bool, "<=", a, b);
    public Node Lt(Node a, Node b) => a.IsLit && b.IsLit ? Bool(a.Num < b.Num) : App(Sort.Bool, "<", a, b);

    public Node Eq(Node a, Node b)
    {
        if (a == b) return True;
        if (a.IsLit && b.IsLit) return Bool(a.Num == b.Num);
        if (a.Sort == Sort.Val && Ctor(a) is { } ca && Ctor(b) is { } cb && ca != cb) return False;
        if (a.Id > b.Id) (a, b) = (b, a);   // = is symmetric: one node per pair
        return App(Sort.Bool, "=", a, b);
    }

    /// <summary>The constructor of a Val node built by a constructor, or null.</summary>
    public static string? Ctor(Node v) => v.Op switch
    {
        Op.Const when v.Name == "Vundef" => "Vundef",
        Op.App when v.Name is "Vint" or "Vptr" or "Vlong" or "Vfloat" => v.Name,
        _ => null,
    };

    // ---- arrays ----
    public Node Select(Node arr, Node idx)
    {
        // read over write with literal indices: skip stores that cannot alias, take the one that does
        while (arr.IsApp("store") && arr.Args[1].IsLit && idx.IsLit)
        {
            if (arr.Args[1].Num == idx.Num) return arr.Args[2];
            arr = arr.Args[0];
        }
        if (arr.IsApp("store") && arr.Args[1] == idx) return arr.Args[2];
        var sort = arr.Sort switch { Sort.Area => Sort.Row, Sort.Row => Sort.Val, _ => Sort.Bool };
        return App(sort, "select", arr, idx);
    }

    public Node Store(Node arr, Node idx, Node v) => App(arr.Sort, "store", arr, idx, v);
}
