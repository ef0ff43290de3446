using System.Collections.Concurrent;
using System.Runtime.CompilerServices;

namespace VmxLayers.Spec;

/// <summary>
/// Failure texts of the specs, built once instead of on every call: the concrete domain runs the specs
/// millions of times (co-simulation), and an interpolated message is formatted even when the guard holds.
/// </summary>
public static class SpecText
{
    static readonly ConcurrentDictionary<(string Op, string Field, string Tail), string> cache = new();

    // The same three string objects (literals, field-name tables) come back on every call: finding them by identity
    // skips hashing three strings. Bounded, since a caller may build its strings afresh each time.
    static readonly ConcurrentDictionary<(string Op, string Field, string Tail), string> byIdentity = new(new IdentityComparer());
    const int MaxIdentityEntries = 4096;

    /// <summary>One text per VMX slot.</summary>
    public static string[] PerSlot(Func<int, string> text) => [.. Enumerable.Range(0, Constants.VmxSlots.Size).Select(text)];

    /// <summary>op + "(" + field + ")" + rest, cached.</summary>
    public static string Of(string op, string field, string rest)
    {
        var key = (op, field, rest);
        if (byIdentity.TryGetValue(key, out var text)) return text;
        text = cache.GetOrAdd(key, k => $"{k.Op}({k.Field}){k.Tail}");
        if (byIdentity.Count < MaxIdentityEntries) byIdentity.TryAdd(key, text);
        return text;
    }

    sealed class IdentityComparer : IEqualityComparer<(string Op, string Field, string Tail)>
    {
        public bool Equals((string Op, string Field, string Tail) x, (string Op, string Field, string Tail) y) =>
            ReferenceEquals(x.Op, y.Op) && ReferenceEquals(x.Field, y.Field) && ReferenceEquals(x.Tail, y.Tail);

        public int GetHashCode((string Op, string Field, string Tail) k) =>
            HashCode.Combine(RuntimeHelpers.GetHashCode(k.Op), RuntimeHelpers.GetHashCode(k.Field), RuntimeHelpers.GetHashCode(k.Tail));
    }
}

/// <summary>
/// A guard's failure text, formatted only when it is needed (a failed concrete guard, a symbolic obligation):
/// a plain text, or op(field)tail. A passing concrete guard costs nothing but the struct.
/// </summary>
public readonly struct GuardText
{
    readonly string text;
    readonly string? field, tail;

    GuardText(string text, string? field, string? tail) { this.text = text; this.field = field; this.tail = tail; }

    public static implicit operator GuardText(string text) => new(text, null, null);

    /// <summary>op + "(" + field + ")" + tail.</summary>
    public static GuardText Of(string op, string field, string tail) => new(op, field, tail);

    public override string ToString() => field is null ? text : SpecText.Of(text, field, tail!);
}
