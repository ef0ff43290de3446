using System.Collections.Immutable;
using System.Globalization;
using System.Numerics;
using System.Text;

namespace VmxLayers.Smt.Solvers;

/// <summary>An SMT-LIB2 s-expression: an atom (symbol, numeral, bit-vector literal, string) or a list.</summary>
public abstract record SExpr
{
    /// <summary>An atom kept exactly as written, including <c>|quotes|</c> and string quotes.</summary>
    public sealed record Atom(string Text) : SExpr
    {
        public override string ToString() => Text;
    }

    /// <summary>A parenthesised list.</summary>
    public sealed record List(ImmutableArray<SExpr> Items) : SExpr
    {
        public bool Equals(List? other) => other is not null && Items.SequenceEqual(other.Items);

        public override int GetHashCode() => Items.Aggregate(17, (h, x) => h * 31 + x.GetHashCode());

        public override string ToString() => "(" + string.Join(" ", Items) + ")";
    }

    public static SExpr Sym(string text) => new Atom(text);

    public static SExpr Of(params SExpr[] items) => new List([.. items]);

    /// <summary>Parses exactly one s-expression (comments and whitespace around it allowed).</summary>
    public static SExpr Parse(string text)
    {
        var all = ParseMany(text);
        return all.Count == 1 ? all[0] : throw new FormatException($"expected one s-expression, found {all.Count}");
    }

    /// <summary>Parses a sequence of s-expressions.</summary>
    public static IReadOnlyList<SExpr> ParseMany(string text) => new SExprParser(text).ParseAll();

    /// <summary>The atom's text, or null for a list.</summary>
    public string? AtomText => this is Atom a ? a.Text : null;

    /// <summary>The list's items, or empty for an atom.</summary>
    public ImmutableArray<SExpr> Elements => this is List l ? l.Items : [];

    /// <summary>A symbol with its <c>|quotes|</c> removed, or null for a list or a string literal.</summary>
    public string? SymbolName => AtomText is { } t && !t.StartsWith('"')
        ? (t.Length >= 2 && t[0] == '|' && t[^1] == '|' ? t[1..^1] : t)
        : null;

    /// <summary>
    /// An Int or bit-vector literal as an integer: numerals, <c>(- n)</c>, <c>#x..</c>, <c>#b..</c>,
    /// <c>(_ bvN w)</c>. Bit-vectors come back unsigned. Null for anything else.
    /// </summary>
    public BigInteger? AsBigInteger()
    {
        switch (this)
        {
            case Atom { Text: var t } when t.StartsWith("#x", StringComparison.Ordinal) && t.Length > 2:
                return BigInteger.TryParse("0" + t[2..], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var h) ? h : null;
            case Atom { Text: var t } when t.StartsWith("#b", StringComparison.Ordinal) && t.Length > 2:
                return ParseBinary(t[2..]);
            case Atom { Text: var t } when t.Length > 0 && t.All(char.IsAsciiDigit):
                return BigInteger.Parse(t, CultureInfo.InvariantCulture);
            case List { Items: [Atom { Text: "-" }, var x] } when x.AsBigInteger() is { } n:
                return -n;
            case List { Items: [Atom { Text: "_" }, Atom { Text: var bv }, Atom] } when bv.StartsWith("bv", StringComparison.Ordinal) && bv.Length > 2 && bv[2..].All(char.IsAsciiDigit):
                return BigInteger.Parse(bv[2..], CultureInfo.InvariantCulture);
            default:
                return null;
        }
    }

    /// <summary>The bit width of a bit-vector literal, or null.</summary>
    public int? BitWidth => this switch
    {
        Atom { Text: var t } when t.StartsWith("#x", StringComparison.Ordinal) => 4 * (t.Length - 2),
        Atom { Text: var t } when t.StartsWith("#b", StringComparison.Ordinal) => t.Length - 2,
        List { Items: [Atom { Text: "_" }, Atom { Text: var bv }, Atom { Text: var w }] } when bv.StartsWith("bv", StringComparison.Ordinal)
            && int.TryParse(w, NumberStyles.None, CultureInfo.InvariantCulture, out var n) => n,
        _ => null,
    };

    /// <summary>true / false atoms as a bool, or null.</summary>
    public bool? AsBool() => AtomText switch { "true" => true, "false" => false, _ => null };

    static BigInteger? ParseBinary(string digits)
    {
        BigInteger r = 0;
        foreach (char c in digits)
        {
            if (c is not ('0' or '1')) return null;
            r = (r << 1) + (c - '0');
        }
        return r;
    }
}

/// <summary>A recursive-descent reader for SMT-LIB2 concrete syntax.</summary>
sealed class SExprParser(string text)
{
    int pos;

    public List<SExpr> ParseAll()
    {
        var result = new List<SExpr>();
        while (true)
        {
            SkipTrivia();
            if (pos >= text.Length) return result;
            result.Add(ParseOne());
        }
    }

    SExpr ParseOne()
    {
        SkipTrivia();
        if (pos >= text.Length) throw Error("unexpected end of input");
        char c = text[pos];
        if (c == ')') throw Error("unexpected ')'");
        if (c != '(') return new SExpr.Atom(ReadAtom());
        pos++;
        var items = ImmutableArray.CreateBuilder<SExpr>();
        while (true)
        {
            SkipTrivia();
            if (pos >= text.Length) throw Error("unclosed '('");
            if (text[pos] == ')') { pos++; return new SExpr.List(items.ToImmutable()); }
            items.Add(ParseOne());
        }
    }

    string ReadAtom()
    {
        int start = pos;
        char c = text[pos];
        if (c == '|') return ReadDelimited('|', "unclosed |quoted symbol|", doubledEscape: false, start);
        if (c == '"') return ReadDelimited('"', "unclosed string literal", doubledEscape: true, start);
        while (pos < text.Length && !char.IsWhiteSpace(text[pos]) && text[pos] is not ('(' or ')' or ';' or '"' or '|')) pos++;
        return text[start..pos];
    }

    /// <summary>Reads up to the closing delimiter; SMT-LIB strings escape a quote by doubling it.</summary>
    string ReadDelimited(char delim, string unclosed, bool doubledEscape, int start)
    {
        pos++;
        while (true)
        {
            if (pos >= text.Length) throw Error(unclosed, start);
            if (text[pos] == delim)
            {
                if (doubledEscape && pos + 1 < text.Length && text[pos + 1] == delim) { pos += 2; continue; }
                pos++;
                return text[start..pos];
            }
            pos++;
        }
    }

    void SkipTrivia()
    {
        while (pos < text.Length)
        {
            if (char.IsWhiteSpace(text[pos])) pos++;
            else if (text[pos] == ';') { while (pos < text.Length && text[pos] != '\n') pos++; }
            else return;
        }
    }

    FormatException Error(string what, int? at = null) => new($"s-expression: {what} at offset {at ?? pos}");
}

/// <summary>Reads whole s-expressions from a solver's output stream, one at a time.</summary>
sealed class SExprStreamReader(TextReader reader)
{
    /// <summary>The raw text of the next complete s-expression, or null at end of stream.</summary>
    public string? ReadRaw()
    {
        var sb = new StringBuilder();
        int depth = 0;
        while (true)
        {
            int ci = reader.Read();
            if (ci < 0) return sb.Length == 0 || depth > 0 ? null : sb.ToString();
            char c = (char)ci;
            if (sb.Length == 0 && char.IsWhiteSpace(c)) continue;
            if (sb.Length == 0 && c == ';') { reader.ReadLine(); continue; }
            if (c is '"' or '|') { sb.Append(c); if (!ReadUntil(sb, c)) return null; }
            else if (c == '(') { depth++; sb.Append(c); }
            else if (c == ')') { depth--; sb.Append(c); if (depth <= 0) return sb.ToString(); }
            else if (char.IsWhiteSpace(c) && depth == 0) return sb.ToString();
            else sb.Append(c); // an atom at depth 0 ends at whitespace: solvers end every answer with a newline
        }
    }

    bool ReadUntil(StringBuilder sb, char delim)
    {
        while (true)
        {
            int ci = reader.Read();
            if (ci < 0) return false;
            sb.Append((char)ci);
            if (ci == delim) return true;
        }
    }
}
