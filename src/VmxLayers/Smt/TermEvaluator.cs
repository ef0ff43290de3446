using System.Collections.Immutable;
using System.Numerics;
using VmxLayers.Constants;
using VmxLayers.Semantics;

namespace VmxLayers.Smt;

/// <summary>A constant whose value is computed from other terms in the scope it is read in (e.g. a named offset's slot).</summary>
public delegate object DerivedConstant(TermEvaluator scope);

/// <summary>
/// An interpreter of symbolic terms (<see cref="Node"/> trees) under an assignment of their constants: what a model
/// of the query says each term denotes. Values: bool (Bool), BigInteger (Int), <see cref="SmtVal"/> (Val),
/// <see cref="SmtArray"/> (arrays). It knows SMT-LIB's core and integer operators, the Val datatype's constructors,
/// testers and selectors, arrays, and the functions the preamble defines (<see cref="Preamble"/>, mirroring
/// <see cref="SmtPrinter.Preamble"/>). Everything else — uninterpreted functions (fdef, fblk, fdelta) and selectors
/// applied to another constructor's value, which SMT-LIB leaves to the model — comes from the assignment; an unknown
/// constant or symbol throws <see cref="KeyNotFoundException"/>, never a default.
/// </summary>
public sealed class TermEvaluator
{
    readonly IReadOnlyDictionary<string, object> constants;   // in a bound scope: the bound variables only
    readonly IReadOnlyDictionary<string, Func<object[], object>> functions;
    readonly IReadOnlyDictionary<string, Func<TermEvaluator, object[], object>> definitions;
    readonly Binder? binder;   // set in a scope that binds some constants (see Over)
    object?[] memo = new object?[64];   // by node id (ids are dense)
    readonly List<int> memoized = [];
    static readonly object True = true, False = false;   // boxed once: most values are propositions

    /// <param name="constants">Each constant's value by name (or a <see cref="DerivedConstant"/>).</param>
    /// <param name="functions">The uninterpreted functions by name; a selector's entry gives its value on other constructors.</param>
    /// <param name="definitions">The defined functions (default: <see cref="Preamble"/>).</param>
    public TermEvaluator(IReadOnlyDictionary<string, object> constants, IReadOnlyDictionary<string, Func<object[], object>> functions,
        IReadOnlyDictionary<string, Func<TermEvaluator, object[], object>>? definitions = null)
    {
        this.constants = constants;
        this.functions = functions;
        this.definitions = definitions ?? Preamble;
    }

    TermEvaluator(TermEvaluator outer, Binder binder, Dictionary<string, object> bound)
        : this(bound, outer.functions, outer.definitions)
    {
        this.binder = binder;
    }

    public object Eval(Node n)
    {
        if (n.Id < memo.Length && memo[n.Id] is { } v) return v;
        // in a scope that binds constants, a term that mentions none of them has its enclosing scope's value
        if (binder is not null && !binder.Depends(n)) return binder.Outer.Eval(n);
        v = n.Op switch
        {
            Op.Lit => n.Sort == Sort.Bool ? Box(n.Num != 0) : new BigInteger(n.Num),
            Op.Const => Constant(n),
            Op.App => Apply(n),
            Op.Record => throw new InvalidOperationException($"a C#-side {n.Sort} record is no SMT term"),
            _ => throw new ArgumentOutOfRangeException(nameof(n), n.Op, "unknown node kind"),
        };
        Fix(n, v);
        return v;
    }

    /// <summary>
    /// Fixes a term's value in this scope: what <see cref="Eval"/> does with every value it computes, and what a caller
    /// does for a term that stands for more than its syntax says (a skolemized quantifier's instance read as the quantifier).
    /// </summary>
    public void Fix(Node n, object value)
    {
        CheckSort(n, value);
        if (n.Id >= memo.Length) System.Array.Resize(ref memo, Math.Max(n.Id + 1, 2 * memo.Length));
        memo[n.Id] = value;
        memoized.Add(n.Id);
    }

    public bool Bool(Node n) => (bool)Eval(n);
    public BigInteger Int(Node n) => (BigInteger)Eval(n);
    public SmtVal Val(Node n) => (SmtVal)Eval(n);
    public SmtArray Array(Node n) => (SmtArray)Eval(n);

    /// <summary>Applies an uninterpreted function of the assignment (what the preamble only declares).</summary>
    public object Call(string f, params object[] args) =>
        functions.TryGetValue(f, out var fn) ? fn(args) : throw new KeyNotFoundException($"the assignment gives no function '{f}'");

    /// <summary>Scopes binding the given constants (e.g. a quantifier's bound variables); see <see cref="Binder.At"/>.</summary>
    public Binder Over(params Node[] vars) => new(this, vars);

    /// <summary>Whether <paramref name="body"/> holds at every point, each point binding <paramref name="vars"/> in order.</summary>
    public bool Forall(Node body, Node[] vars, IEnumerable<BigInteger[]> points) => Forall([body], vars, points)[0];

    /// <summary>For each body, whether it holds at every point (the points are visited once for all bodies, which share their sub-terms).</summary>
    public bool[] Forall(IReadOnlyList<Node> bodies, Node[] vars, IEnumerable<BigInteger[]> points)
    {
        var holds = new bool[bodies.Count];
        System.Array.Fill(holds, true);
        var b = Over(vars);
        foreach (var p in points)
        {
            var scope = b.Reuse(p);
            for (int k = 0; k < bodies.Count; k++)
                if (holds[k] && !scope.Bool(bodies[k])) holds[k] = false;
        }
        return holds;
    }

    /// <summary>Scopes of one evaluator that bind the same constants, sharing which terms mention them.</summary>
    public sealed class Binder
    {
        readonly HashSet<string> names;
        readonly Node[] vars;
        sbyte[] depends = new sbyte[64];   // by node id: 0 unknown, 1 no, 2 yes
        TermEvaluator? reused;

        internal Binder(TermEvaluator outer, Node[] vars)
        {
            Outer = outer;
            this.vars = vars;
            names = [.. vars.Select(v => v.Op == Op.Const ? v.Name : throw new ArgumentException($"{v} is not a constant"))];
        }

        internal TermEvaluator Outer { get; }

        /// <summary>The scope where the variables have these values.</summary>
        public TermEvaluator At(params BigInteger[] values) => new(Outer, this, Bind(values, []));

        /// <summary>Like <see cref="At"/>, but one scope rebound at each call (the previous one must no longer be used).</summary>
        internal TermEvaluator Reuse(BigInteger[] values)
        {
            if (reused is null) return reused = At(values);
            Bind(values, (Dictionary<string, object>)reused.constants);
            foreach (int id in reused.memoized) reused.memo[id] = null;
            reused.memoized.Clear();
            return reused;
        }

        Dictionary<string, object> Bind(BigInteger[] values, Dictionary<string, object> bound)
        {
            if (values.Length != vars.Length) throw new ArgumentException($"{vars.Length} variables, {values.Length} values");
            for (int k = 0; k < vars.Length; k++) bound[vars[k].Name] = values[k];
            return bound;
        }

        /// <summary>Whether a term mentions a bound variable or a derived constant (whose value may depend on one).</summary>
        internal bool Depends(Node n)
        {
            if (n.Id < depends.Length && depends[n.Id] != 0) return depends[n.Id] == 2;
            bool d = n.Op == Op.Const ? names.Contains(n.Name) || Outer.IsDerived(n.Name) : AnyDepends(n.Args);
            if (n.Id >= depends.Length) System.Array.Resize(ref depends, Math.Max(n.Id + 1, 2 * depends.Length));
            depends[n.Id] = d ? (sbyte)2 : (sbyte)1;
            return d;
        }

        bool AnyDepends(Node[] args)
        {
            bool any = false;
            foreach (var a in args) any |= Depends(a);   // every argument, so each gets its entry
            return any;
        }
    }

    /// <summary>A constant's assigned value: bound in this scope, else in the enclosing ones.</summary>
    object? Lookup(string name) =>
        constants.TryGetValue(name, out var v) ? v : binder?.Outer.Lookup(name);

    bool IsDerived(string name) => Lookup(name) is DerivedConstant;

    object Constant(Node n)
    {
        if (n.Sort == Sort.Val && n.Name == "Vundef") return SmtVal.Vundef;   // the datatype's nullary constructor
        var v = Lookup(n.Name) ?? throw new KeyNotFoundException($"the assignment gives no value for the constant {n.Name}");
        return v is DerivedConstant derived ? derived(this) : v;
    }

    static object Box(bool b) => b ? True : False;

    object Apply(Node n)
    {
        var a = n.Args;
        switch (n.Name)
        {
            case "and": foreach (var x in a) if (!Bool(x)) return False; return True;
            case "or": foreach (var x in a) if (Bool(x)) return True; return False;
            case "not": return Box(!Bool(a[0]));
            case "=>": return Box(!Bool(a[0]) || Bool(a[1]));
            case "ite": return Bool(a[0]) ? Eval(a[1]) : Eval(a[2]);
            case "=": return Box(Same(Eval(a[0]), Eval(a[1])));
            case "+": { var s = BigInteger.Zero; foreach (var x in a) s += Int(x); return s; }
            case "*": { var p = BigInteger.One; foreach (var x in a) p *= Int(x); return p; }
            case "<=": return Box(Int(a[0]) <= Int(a[1]));
            case "<": return Box(Int(a[0]) < Int(a[1]));
            case "mod": return Mod(Int(a[0]), Int(a[1]));
            case "Vint": return SmtVal.Vint(Int(a[0]));
            case "Vlong": return new SmtVal(ValTag.Vlong, Int(a[0]), 0);
            case "Vfloat": return new SmtVal(ValTag.Vfloat, Int(a[0]), 0);
            case "Vptr": return SmtVal.Vptr(Int(a[0]), Int(a[1]));
            case "ival": return Selector(n.Name, ValTag.Vint, Val(a[0]), ofs: false);
            case "lval": return Selector(n.Name, ValTag.Vlong, Val(a[0]), ofs: false);
            case "fbits": return Selector(n.Name, ValTag.Vfloat, Val(a[0]), ofs: false);
            case "blk": return Selector(n.Name, ValTag.Vptr, Val(a[0]), ofs: false);
            case "ofs": return Selector(n.Name, ValTag.Vptr, Val(a[0]), ofs: true);
            case "select": return Array(a[0])[Int(a[1])];
            case "store": return Array(a[0]).Store(Int(a[1]), Eval(a[2]));
        }
        if (Tester(n.Name) is { } tag) return Box(Val(a[0]).Tag == tag);
        if (n.Name.StartsWith("(as const ", StringComparison.Ordinal)) return new SmtArray(Eval(a[0]));
        var args = new object[a.Length];
        for (int k = 0; k < a.Length; k++) args[k] = Eval(a[k]);
        if (definitions.TryGetValue(n.Name, out var def)) return def(this, args);
        return Call(n.Name, args);
    }

    /// <summary>SMT-LIB's Int mod: the result is in [0, |d|) (Euclidean division).</summary>
    static BigInteger Mod(BigInteger x, BigInteger d)
    {
        if (d.IsZero) throw new DivideByZeroException("mod by 0 is unspecified in SMT-LIB; no encoding should produce it");
        var r = BigInteger.Remainder(x, d);
        return r.Sign < 0 ? r + BigInteger.Abs(d) : r;
    }

    /// <summary>A selector: its field on its own constructor; on another, what the assignment says (SMT-LIB leaves it open).</summary>
    object Selector(string name, ValTag own, SmtVal v, bool ofs) =>
        v.Tag == own ? (ofs ? v.Ofs : v.Payload) : Call(name, v);

    static ValTag? Tester(string name) => name switch
    {
        "(_ is Vundef)" => ValTag.Vundef,
        "(_ is Vint)" => ValTag.Vint,
        "(_ is Vlong)" => ValTag.Vlong,
        "(_ is Vfloat)" => ValTag.Vfloat,
        "(_ is Vptr)" => ValTag.Vptr,
        _ => null,
    };

    /// <summary>Equality of two values of one sort (arrays extensionally).</summary>
    public static bool Same(object a, object b) => a is SmtArray x && b is SmtArray y ? SmtArray.Same(x, y) : a.Equals(b);

    static void CheckSort(Node n, object v)
    {
        bool ok = n.Sort switch
        {
            Sort.Bool => v is bool,
            Sort.Int => v is BigInteger,
            Sort.Val => v is SmtVal,
            Sort.Row or Sort.Area or Sort.BoolRow => v is SmtArray,
            _ => false,
        };
        if (!ok) throw new InvalidOperationException($"{n} of sort {n.Sort} evaluated to {v} ({v.GetType().Name})");
    }

    static readonly BigInteger Two32 = BigInteger.One << 32, Two64 = BigInteger.One << 64;

    static bool InRange(BigInteger x, BigInteger lo, BigInteger hi) => lo <= x && x < hi;

    /// <summary>The functions <see cref="SmtPrinter.Preamble"/> defines, with the same meaning (a test checks them against Z3).</summary>
    public static readonly ImmutableDictionary<string, Func<TermEvaluator, object[], object>> Preamble =
        new Dictionary<string, Func<TermEvaluator, object[], object>>
        {
            ["wf"] = (_, x) => WellFormed((SmtVal)x[0]),
            ["lr32"] = (_, x) => x[0] is SmtVal { Tag: ValTag.Vint or ValTag.Vptr } ? x[0] : SmtVal.Vundef,
            ["vinj"] = (e, x) => ValInject(e, (SmtVal)x[0], (SmtVal)x[1]),
            ["tint"] = (_, x) => ((SmtVal)x[0]).Tag is ValTag.Vundef or ValTag.Vint or ValTag.Vptr,
            ["tlong"] = (_, x) => ((SmtVal)x[0]).Tag is ValTag.Vundef or ValTag.Vlong,
            ["tfloat"] = (_, x) => ((SmtVal)x[0]).Tag is ValTag.Vundef or ValTag.Vfloat,
            ["valid_enc"] = (_, x) => (BigInteger)x[0] is var e && e >= long.MinValue && e <= long.MaxValue && VmcsFields.IsValid((long)e),
        }.ToImmutableDictionary();

    static bool WellFormed(SmtVal v) => v.Tag switch
    {
        ValTag.Vint => InRange(v.Payload, 0, Two32),
        ValTag.Vptr => v.Payload >= 1 && InRange(v.Ofs, 0, Two32),
        ValTag.Vlong or ValTag.Vfloat => InRange(v.Payload, 0, Two64),
        _ => true,
    };

    /// <summary>vinj: val_inject for an f whose mappings have delta 0 (the preamble's definition).</summary>
    static bool ValInject(TermEvaluator e, SmtVal a, SmtVal b)
    {
        if (a.Tag == ValTag.Vundef) return true;
        if (a.Tag != ValTag.Vptr) return a == b;
        return b.Tag == ValTag.Vptr && (bool)e.Call("fdef", a.Payload) && b.Payload == (BigInteger)e.Call("fblk", a.Payload)
            && ((BigInteger)e.Call("fdelta", a.Payload)).IsZero && b.Ofs == a.Ofs;
    }
}
