using System.Globalization;
using System.Text;
using VmxLayers.Constants;

namespace VmxLayers.Smt;

/// <summary>Prints terms and whole queries as SMT-LIB2 text, sharing every node used twice through a define-fun.</summary>
public static class SmtPrinter
{
    /// <summary>The fixed part of every query: the Val datatype, the injection, load_result, val_inject, has_type.</summary>
    public static readonly string Preamble = BuildPreamble();

    static readonly HashSet<string> builtins = ["Vundef", "total_cpu_dummy"];

    static string BuildPreamble()
    {
        var sb = new StringBuilder();
        sb.AppendLine("; CompCert values; 32/64-bit payloads are Ints in [0, 2^32) / [0, 2^64) (every Val in a query is asserted well-formed)");
        sb.AppendLine("(declare-datatypes ((Val 0)) (((Vundef) (Vint (ival Int)) (Vlong (lval Int))");
        sb.AppendLine("  (Vfloat (fbits Int)) (Vptr (blk Int) (ofs Int)))))");
        sb.AppendLine("; well-formed: payloads in range, blocks positive");
        sb.AppendLine("(define-fun wf ((v Val)) Bool (and (=> ((_ is Vint) v) (and (<= 0 (ival v)) (< (ival v) 4294967296)))");
        sb.AppendLine("  (=> ((_ is Vptr) v) (and (<= 1 (blk v)) (<= 0 (ofs v)) (< (ofs v) 4294967296)))");
        sb.AppendLine("  (=> ((_ is Vlong) v) (and (<= 0 (lval v)) (< (lval v) 18446744073709551616)))");
        sb.AppendLine("  (=> ((_ is Vfloat) v) (and (<= 0 (fbits v)) (< (fbits v) 18446744073709551616)))))");
        sb.AppendLine("; the injection f: fdef b <=> f b = Some (fblk b, fdelta b)");
        sb.AppendLine("(declare-fun fdef (Int) Bool)");
        sb.AppendLine("(declare-fun fblk (Int) Int)");
        sb.AppendLine("(declare-fun fdelta (Int) Int)");
        sb.AppendLine("(declare-fun finv_small (Int) Int) ; used only when steering to a replayable model");
        sb.AppendLine("; Val.load_result Mint32");
        sb.AppendLine("(define-fun lr32 ((v Val)) Val (ite (or ((_ is Vint) v) ((_ is Vptr) v)) v Vundef))");
        sb.AppendLine("; val_inject f a b, for an f whose mappings all have delta 0 (a clause of MatchExtcallStates):");
        sb.AppendLine("; ofs b = ofs a + repr (fdelta (blk a)) with fdelta = 0, stated without int2bv (see docs/prover.md)");
        sb.AppendLine("(define-fun vinj ((a Val) (b Val)) Bool (or ((_ is Vundef) a)");
        sb.AppendLine("  (and (not ((_ is Vptr) a)) (= a b))");
        sb.AppendLine("  (and ((_ is Vptr) a) ((_ is Vptr) b) (fdef (blk a)) (= (blk b) (fblk (blk a)))");
        sb.AppendLine("       (= (fdelta (blk a)) 0) (= (ofs b) (ofs a)))))");
        sb.AppendLine("; Val.has_type");
        sb.AppendLine("(define-fun tint ((v Val)) Bool (or ((_ is Vundef) v) ((_ is Vint) v) ((_ is Vptr) v)))");
        sb.AppendLine("(define-fun tlong ((v Val)) Bool (or ((_ is Vundef) v) ((_ is Vlong) v)))");
        sb.AppendLine("(define-fun tfloat ((v Val)) Bool (or ((_ is Vundef) v) ((_ is Vfloat) v)))");
        sb.AppendLine("; the valid VMCS encodings");
        sb.Append("(define-fun valid_enc ((e Int)) Bool (or");
        foreach (var (enc, _) in VmcsFields.All) sb.Append(CultureInfo.InvariantCulture, $" (= e {enc})");
        sb.AppendLine("))");
        return sb.ToString();
    }

    public static string SortText(Sort s) => s switch
    {
        Sort.Bool => "Bool",
        Sort.Int => "Int",
        Sort.Val => "Val",
        Sort.Row => "(Array Int Val)",
        Sort.Area => "(Array Int (Array Int Val))",
        Sort.BoolRow => "(Array Int Bool)",
        _ => throw new InvalidOperationException($"sort {s} is not an SMT sort"),
    };

    static string Lit(Node n) => n.Sort switch
    {
        Sort.Bool => n.Num != 0 ? "true" : "false",
        _ => n.Num < 0 ? $"(- {(-n.Num).ToString(CultureInfo.InvariantCulture)})" : n.Num.ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>A node fully inlined (for messages and small terms).</summary>
    public static string Inline(Node n) => Print(n, null);

    static string Print(Node n, IReadOnlySet<int>? named)
    {
        if (named is not null && named.Contains(n.Id)) return Name(n);
        return n.Op switch
        {
            Op.Const => n.Name,
            Op.Lit => Lit(n),
            Op.App => "(" + n.Name + " " + string.Join(" ", n.Args.Select(a => Print(a, named))) + ")",
            _ => $"<{n.Sort} record>",
        };
    }

    static string Name(Node n) => $"t{n.Id}";

    /// <summary>A standalone query body: declarations, shared definitions and the assertions (no check-sat).</summary>
    public sealed class Query
    {
        readonly StringBuilder sb = new();
        readonly HashSet<int> named = [];

        public Query(IEnumerable<(string? Comment, Node Fact)> assertions, IEnumerable<Node> valueTerms)
        {
            var facts = assertions.ToList();
            var values = valueTerms.ToList();
            var reach = new SortedDictionary<int, Node>();
            var uses = new Dictionary<int, int>();
            var stack = new Stack<Node>(facts.Select(f => f.Fact).Concat(values));
            foreach (var v in values) uses[v.Id] = 2;   // get-value terms are always named
            while (stack.Count > 0)
            {
                var n = stack.Pop();
                if (n.Op == Op.Record) throw new InvalidOperationException("a C#-side record reached an SMT term");
                if (!reach.TryAdd(n.Id, n)) continue;
                foreach (var a in n.Args) { uses[a.Id] = uses.GetValueOrDefault(a.Id) + 1; stack.Push(a); }
            }
            sb.Append(Preamble);
            foreach (var n in reach.Values.Where(n => n.Op == Op.Const && !builtins.Contains(n.Name)))
                sb.AppendLine($"(declare-const {n.Name} {SortText(n.Sort)})");
            foreach (var n in reach.Values.Where(n => n.Op == Op.App && uses.GetValueOrDefault(n.Id) >= 2))
            {
                sb.AppendLine($"(define-fun {Name(n)} () {SortText(n.Sort)} {Print(n, named)})");
                named.Add(n.Id);
            }
            foreach (var (comment, fact) in facts)
            {
                if (comment is not null) sb.AppendLine("; " + comment.Replace('\n', ' '));
                sb.AppendLine($"(assert {Print(fact, named)})");
            }
        }

        /// <summary>How a term is referred to after the definitions (for get-value).</summary>
        public string Ref(Node n) => Print(n, named);
        public string Text => sb.ToString();
    }
}
