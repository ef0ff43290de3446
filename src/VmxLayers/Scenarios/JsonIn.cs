using System.Globalization;
using System.Text.Json;

namespace VmxLayers.Scenarios;

/// <summary>A JSON element with its path, and the typed reads the scenario format needs; every failure is a <see cref="ScenarioError"/>.</summary>
public readonly record struct JsonIn(JsonElement E, string Path)
{
    public ScenarioError Error(string expected) => new(Path, $"expected {expected}, got {Describe()}");

    string Describe() => E.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => Truncate(JsonSerializer.Serialize(E.GetString())),
        JsonValueKind.Number => E.GetRawText(),
        JsonValueKind.True or JsonValueKind.False => E.GetRawText(),
        _ => "null",
    };

    static string Truncate(string s) => s.Length <= 60 ? s : s[..57] + "...";

    /// <summary>The path of a member: $.a.b for identifiers, $['0x681E'] otherwise.</summary>
    public static string Member(string path, string key) =>
        key.Length > 0 && (char.IsLetter(key[0]) || key[0] == '_') && key.All(c => char.IsLetterOrDigit(c) || c == '_')
            ? $"{path}.{key}" : $"{path}['{key.Replace("'", "\\'")}']";

    /// <summary>The members of an object, checking for duplicates and (if `allowed` is given) unknown keys.</summary>
    public IReadOnlyList<(string Key, JsonIn Value)> Members(string what, params string[]? allowed)
    {
        if (E.ValueKind != JsonValueKind.Object) throw Error(what);
        var seen = new HashSet<string>();
        var list = new List<(string, JsonIn)>();
        foreach (var p in E.EnumerateObject())
        {
            var path = Member(Path, p.Name);
            if (!seen.Add(p.Name)) throw new ScenarioError(path, "duplicate key");
            if (allowed is { Length: > 0 } && !allowed.Contains(p.Name))
                throw new ScenarioError(path, $"unknown key \"{p.Name}\" (expected one of: {string.Join(", ", allowed)})");
            list.Add((p.Name, new JsonIn(p.Value, path)));
        }
        return list;
    }

    /// <summary>An object with exactly the allowed keys (some optional), as a lookup.</summary>
    public Dictionary<string, JsonIn> Object(string what, params string[] allowed) =>
        Members(what, allowed).ToDictionary(m => m.Key, m => m.Value);

    public IReadOnlyList<JsonIn> Array(string what)
    {
        if (E.ValueKind != JsonValueKind.Array) throw Error(what);
        var path = Path;
        return E.EnumerateArray().Select((e, i) => new JsonIn(e, $"{path}[{i}]")).ToList();
    }

    public string String(string what) => E.ValueKind == JsonValueKind.String ? E.GetString()! : throw Error(what);

    public bool Bool() => E.ValueKind switch
    {
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => throw Error("true or false"),
    };

    /// <summary>An integer in [min, max] written as a JSON number without fraction or exponent.</summary>
    public long Integer(long min, long max, string what)
    {
        if (E.ValueKind != JsonValueKind.Number || !long.TryParse(E.GetRawText(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v)
            || v < min || v > max)
            throw Error(what);
        return v;
    }

    public uint UInt32(string what = "an unsigned 32-bit integer (0 ≤ n < 2^32)") => (uint)Integer(0, uint.MaxValue, what);
}
