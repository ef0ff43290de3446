using VmxLayers.Smt;

namespace VmxLayers.SymbolicCode;

/// <summary>
/// CompCert's value arithmetic (Val.add, Val.sub, Val.mul, Val.cmpu, …: <c>Semantics/ValAlu</c>) over SMT terms of one
/// path. A 32-bit payload is an SMT Int in [0, 2^32); a result is kept linear where its range allows: known bounds of
/// the atoms (payloads, CPU ids bounded by the path's decisions) decide whether a sum wraps, and when a linear sum may
/// or may not wrap, the path forks on it (no wrap: the sum itself; wrap: mod 2^32). A value whose constructor is not
/// known forks on it (Vint, Vptr, anything else). Forms outside this (bitwise operations on unknown payloads, division)
/// end the path as a limit: unknown, never proved.
/// </summary>
sealed class SymbolicArith(Terms t, Paths paths)
{
    public const long Modulus = 1L << 32;
    readonly Dictionary<int, (Int128 Lo, Int128 Hi)> bounds = [];

    public Terms T => t;

    public void Reset() => bounds.Clear();

    // ---- values ----
    public Node Vundef => t.Const("Vundef", Sort.Val);
    public Node Vint(Node payload) => t.App(Sort.Val, "Vint", payload);
    public Node Vint(long n) => Vint(t.Int(n));
    public Node Vptr(Node block, Node ofs) => t.App(Sort.Val, "Vptr", block, ofs);
    public static Node? Payload(Node v) => v.IsApp("Vint") ? v.Args[0] : null;

    /// <summary>The value's constructor, forking on it when unknown: the value is rewritten to constructor form (Vint p, Vptr b o) or left as it is ("other": Vundef, Vlong, Vfloat).</summary>
    public string Shape(ref Node v)
    {
        if (Terms.Ctor(v) is { } c) return c;
        var x = v.IsApp("lr32") ? v.Args[0] : v;   // load_result Mint32: Vint and Vptr stay, anything else is Vundef
        if (paths.Decide(t.App(Sort.Bool, "(_ is Vint)", x))) { v = Vint(t.App(Sort.Int, "ival", x)); return "Vint"; }
        if (paths.Decide(t.App(Sort.Bool, "(_ is Vptr)", x))) { v = Vptr(t.App(Sort.Int, "blk", x), t.App(Sort.Int, "ofs", x)); return "Vptr"; }
        if (x != v) { v = Vundef; return "Vundef"; }
        return "other";
    }

    // ---- ranges of linear integer terms ----
    (Int128 Lo, Int128 Hi)? AtomRange(Node a)
    {
        if (bounds.TryGetValue(a.Id, out var b)) return b;
        if (a.IsApp("ival") || a.IsApp("ofs") || (a.IsApp("mod") && a.Args[1].IsLit && a.Args[1].Num == Modulus)) return (0, Modulus - 1);
        if (a.IsApp("mod") && a.Args[1].IsLit && a.Args[1].Num > 0) return (0, a.Args[1].Num - 1);
        if (a.IsApp("ite") && a.Args[1].IsLit && a.Args[2].IsLit) return (Math.Min(a.Args[1].Num, a.Args[2].Num), Math.Max(a.Args[1].Num, a.Args[2].Num));
        return null;
    }

    /// <summary>The range of a linear term from its atoms' ranges, or null when an atom is unbounded.</summary>
    public (Int128 Lo, Int128 Hi)? Range(Node e)
    {
        var (atoms, k) = Linear.Of(e);
        Int128 lo = k, hi = k;
        foreach (var (atom, coef) in atoms)
        {
            if (AtomRange(atom) is not { } r) return null;
            Int128 x = coef * r.Lo, y = coef * r.Hi;
            lo += Int128.Min(x, y); hi += Int128.Max(x, y);
        }
        return (lo, hi);
    }

    /// <summary>Records lo ≤ a·x + k ≤ hi on this path for the single atom of e (other shapes teach nothing).</summary>
    void Learn(Node e, Int128 lo, Int128 hi)
    {
        var (atoms, k) = Linear.Of(e);
        if (atoms.Count != 1) return;
        var (x, a) = atoms[0];
        var old = AtomRange(x) ?? (Int128.MinValue / 4, Int128.MaxValue / 4);
        Int128 l = a > 0 ? CeilDiv(lo - k, a) : CeilDiv(hi - k, a), h = a > 0 ? FloorDiv(hi - k, a) : FloorDiv(lo - k, a);
        bounds[x.Id] = (Int128.Max(old.Lo, l), Int128.Min(old.Hi, h));
    }

    static Int128 FloorDiv(Int128 n, Int128 d) { var q = n / d; return (n % d != 0 && (n < 0) != (d < 0)) ? q - 1 : q; }
    static Int128 CeilDiv(Int128 n, Int128 d) => -FloorDiv(-n, d);

    /// <summary>Decides a condition, learning what it says about the atoms' bounds on this path.</summary>
    public bool Decide(Node cond)
    {
        cond = Fold(cond);
        bool v = paths.Decide(cond);
        LearnFrom(cond, v);
        return v;
    }

    void LearnFrom(Node c, bool v)
    {
        if (c.IsApp("not")) { LearnFrom(c.Args[0], !v); return; }
        if (c.IsApp("and") && v) { LearnFrom(c.Args[0], true); LearnFrom(c.Args[1], true); return; }
        Int128 inf = Int128.MaxValue / 4;
        if (c.IsApp("<")) { var d = Diff(c.Args[0], c.Args[1]); if (v) Learn(d, -inf, -1); else Learn(d, 0, inf); }
        else if (c.IsApp("<=")) { var d = Diff(c.Args[0], c.Args[1]); if (v) Learn(d, -inf, 0); else Learn(d, 1, inf); }
        else if (c.IsApp("=") && v && c.Args[0].Sort == Sort.Int) Learn(Diff(c.Args[0], c.Args[1]), 0, 0);
    }

    Node Diff(Node a, Node b) => t.Add(a, t.Mul(t.Int(-1), b));

    /// <summary>A comparison the ranges decide, as a literal; any other condition as it is.</summary>
    public Node Fold(Node c)
    {
        if (c.IsApp("<") || c.IsApp("<="))
        {
            if (Range(Diff(c.Args[0], c.Args[1])) is { } r)
            {
                bool strict = c.IsApp("<");
                if (strict ? r.Hi < 0 : r.Hi <= 0) return t.True;
                if (strict ? r.Lo >= 0 : r.Lo > 0) return t.False;
            }
        }
        else if (c.IsApp("=") && c.Args[0].Sort == Sort.Int && Range(Diff(c.Args[0], c.Args[1])) is { } r && (r.Lo > 0 || r.Hi < 0)) return t.False;
        else if (c.IsApp("and")) return t.And(Fold(c.Args[0]), Fold(c.Args[1]));
        else if (c.IsApp("not")) return t.Not(Fold(c.Args[0]));
        return c;
    }

    /// <summary>Int.repr of a term: itself when its range is 32-bit, shifted by 2^32 when it surely wraps once, else mod 2^32 (exact; an address undoes it with <see cref="Unwrap"/>).</summary>
    public Node Wrap(Node e)
    {
        if (e.IsLit) return t.Int(((e.Num % Modulus) + Modulus) % Modulus);
        if (Range(e) is { } x)
        {
            if (x.Lo >= 0 && x.Hi < Modulus) return e;
            if (x.Lo >= Modulus && x.Hi < 2 * Modulus) return t.Add(e, t.Int(-Modulus));
            if (x.Lo >= -Modulus && x.Hi < 0) return t.Add(e, t.Int(Modulus));
        }
        return t.App(Sort.Int, "mod", e, t.Int(Modulus));
    }

    /// <summary>
    /// An address offset without its wraps: every mod 2^32 inside replaced by its argument, on the path where none of them
    /// wraps (one fork for all; the bounds it implies are learned). Null on the other path: an address computed with
    /// wrapping arithmetic is not explored.
    /// </summary>
    public Node? Unwrap(Node ofs)
    {
        var conds = new List<Node>();
        var plain = Strip(ofs, conds);
        if (conds.Count == 0) return ofs;
        return Decide(t.And(conds)) ? plain : null;
    }

    Node Strip(Node e, List<Node> conds)
    {
        if (e.IsApp("mod") && e.Args[1].IsLit && e.Args[1].Num == Modulus)
        {
            var inner = Strip(e.Args[0], conds);
            conds.Add(t.And(t.Le(t.Int(0), inner), t.Lt(inner, t.Int(Modulus))));
            return inner;
        }
        if (e.IsApp("+")) return t.Add(Strip(e.Args[0], conds), Strip(e.Args[1], conds));
        if (e.IsApp("*") && e.Args[0].IsLit) return t.Mul(e.Args[0], Strip(e.Args[1], conds));
        return e;
    }

    /// <summary>Whether a term contains a wrapped (mod 2^32) part: an address computed so is not explored.</summary>
    public static bool Wrapped(Node e) => Linear.Of(e).Atoms.Any(a => a.Atom.IsApp("mod") || a.Atom.IsApp("*") || a.Atom.IsApp("div"));

    /// <summary>The 0/1 payload of a condition.</summary>
    public Node Bit(Node cond) { cond = Fold(cond); return cond.IsLit ? t.Int(cond.Num) : t.Ite(cond, t.Int(1), t.Int(0)); }

    /// <summary>The condition a 0/1 payload stands for (nonzero).</summary>
    public Node Truth(Node payload) =>
        payload.IsLit ? t.Bool(payload.Num != 0)
        : payload.IsApp("ite") && payload.Args[1].IsLit && payload.Args[2].IsLit && payload.Args[1].Num == 1 && payload.Args[2].Num == 0 ? payload.Args[0]
        : t.Not(t.Eq(payload, t.Int(0)));

    static bool IsBit(Node p) => (p.IsLit && p.Num is 0 or 1) || (p.IsApp("ite") && p.Args[1].IsLit && p.Args[2].IsLit && p.Args[1].Num is 0 or 1 && p.Args[2].Num is 0 or 1);

    /// <summary>Bitwise and/or/xor of two payloads: literals folded, 0/1 values as propositions, a low mask as mod; else a limit.</summary>
    public Node Bitwise(string op, Node a, Node b)
    {
        if (a.IsLit && b.IsLit)
        {
            uint x = (uint)a.Num, y = (uint)b.Num;
            return t.Int(op switch { "and" => x & y, "or" => x | y, "xor" => x ^ y, _ => throw new ArgumentOutOfRangeException(nameof(op)) });
        }
        if (a.IsLit) (a, b) = (b, a);
        if (IsBit(a) && IsBit(b))
            return Bit(op switch { "and" => t.And(Truth(a), Truth(b)), "or" => t.Or(Truth(a), Truth(b)), _ => t.Not(t.Eq(Truth(a), Truth(b))) });
        if (b.IsLit)
        {
            long m = b.Num;
            if (op == "and" && m == 0) return t.Int(0);
            if (op == "and" && m == Modulus - 1) return a;
            if (op is "or" or "xor" && m == 0) return a;
            if (op == "and" && ((m + 1) & m) == 0) return Range(a) is { } r && r.Lo >= 0 && r.Hi <= m ? a : t.App(Sort.Int, "mod", a, t.Int(m + 1));   // a low mask
        }
        if (a == b) return op == "xor" ? t.Int(0) : a;
        throw PathEnd.Limit($"a bitwise {op} of payloads the symbolic executor does not model ({a}, {b})");
    }

    /// <summary>The signed reading of a payload.</summary>
    public Node Signed(Node p) => p.IsLit ? t.Int(p.Num >= Modulus / 2 ? p.Num - Modulus : p.Num)
        : Range(p) is { } r && r.Hi < Modulus / 2 ? p : t.Ite(t.Lt(p, t.Int(Modulus / 2)), p, t.Add(p, t.Int(-Modulus)));
}
