using System.Numerics;
using VmxLayers.Semantics;

namespace VmxLayers.Smt;

/// <summary>
/// A value of the SMT datatype Val. Payloads are unbounded integers, as in the SMT encoding: a term may denote an
/// ill-formed value (a Vint of 2^32), which only <c>wf</c> rules out.
/// </summary>
public readonly record struct SmtVal(ValTag Tag, BigInteger Payload, BigInteger Ofs)
{
    public static readonly SmtVal Vundef = new(ValTag.Vundef, 0, 0);
    public static SmtVal Vint(BigInteger i) => new(ValTag.Vint, i, 0);
    public static SmtVal Vptr(BigInteger block, BigInteger ofs) => new(ValTag.Vptr, block, ofs);

    /// <summary>The SMT value of a CompCert value (a Vfloat by its IEEE bits).</summary>
    public static SmtVal Of(Val v) => v.Tag switch
    {
        ValTag.Vundef => Vundef,
        ValTag.Vint => Vint(v.IntValue.Bits),
        ValTag.Vlong => new(ValTag.Vlong, v.LongValue.Bits, 0),
        ValTag.Vfloat => new(ValTag.Vfloat, v.RawBits, 0),
        ValTag.Vptr => Vptr(v.Block, v.Ofs.Bits),
        _ => throw new ArgumentOutOfRangeException(nameof(v), v.Tag, "unknown value constructor"),
    };

    public override string ToString() => Tag switch
    {
        ValTag.Vundef => "Vundef",
        ValTag.Vptr => $"(Vptr {Payload} {Ofs})",
        _ => $"({Tag} {Payload})",
    };
}

/// <summary>
/// An SMT array value over Int indices: a default (a constant array) with finitely many stores. Built once from a table,
/// then each store is a link on top (the encoding stores a few words per step), so building and reading stay cheap.
/// </summary>
public sealed class SmtArray
{
    readonly object @default;
    readonly Dictionary<BigInteger, object>? table;   // the bottom of the chain; never changed once built
    readonly SmtArray? under;                          // a store: (index, value) on top of `under`
    readonly BigInteger index;
    readonly object? value;

    public SmtArray(object defaultValue) : this(defaultValue, []) { }

    SmtArray(object defaultValue, Dictionary<BigInteger, object> table) { @default = defaultValue; this.table = table; }

    SmtArray(SmtArray under, BigInteger index, object value) { @default = under.@default; this.under = under; this.index = index; this.value = value; }

    /// <summary>The default with these stores (later ones win).</summary>
    public static SmtArray Of(object defaultValue, IEnumerable<(BigInteger Index, object Value)> stores)
    {
        var table = new Dictionary<BigInteger, object>();
        foreach (var (i, v) in stores) table[i] = v;
        return new(defaultValue, table);
    }

    public object Default => @default;

    public object this[BigInteger i]
    {
        get
        {
            var a = this;
            for (; a.under is not null; a = a.under)
                if (a.index == i) return a.value!;
            return a.table!.TryGetValue(i, out var v) ? v : @default;
        }
    }

    public SmtArray Store(BigInteger i, object v) => new(this, i, v);

    /// <summary>Every index some store wrote (elsewhere the array holds its default).</summary>
    public IEnumerable<BigInteger> Indices
    {
        get
        {
            var seen = new HashSet<BigInteger>();
            var a = this;
            for (; a.under is not null; a = a.under)
                if (seen.Add(a.index)) yield return a.index;
            foreach (var i in a.table!.Keys)
                if (seen.Add(i)) yield return i;
        }
    }

    /// <summary>Extensional equality: equal defaults and equal values at every index either array stores at.</summary>
    public static bool Same(SmtArray a, SmtArray b) =>
        ReferenceEquals(a, b) || (TermEvaluator.Same(a.@default, b.@default) && a.Indices.Concat(b.Indices).All(i => TermEvaluator.Same(a[i], b[i])));

    public override string ToString() =>
        $"[{string.Join(", ", Indices.Order().Select(i => $"{i} ↦ {this[i]}"))}; else {@default}]";
}
