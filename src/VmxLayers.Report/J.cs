using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace VmxLayers.Report;

/// <summary>Reads a --json document's members; a missing or mistyped required member is a <see cref="ReportInputException"/> naming its JSON path.</summary>
static class J
{
    public static JsonNode Req(JsonNode parent, string key) =>
        parent is JsonObject o && o[key] is { } v ? v : throw Bad(parent, key, "a value");

    public static JsonObject Obj(JsonNode parent, string key) => Req(parent, key) as JsonObject ?? throw Bad(parent, key, "an object");

    public static JsonObject? OptObj(JsonNode parent, string key) => Opt(parent, key) is { } v ? v as JsonObject ?? throw Bad(parent, key, "an object") : null;

    public static JsonArray Arr(JsonNode parent, string key) => Req(parent, key) as JsonArray ?? throw Bad(parent, key, "an array");

    /// <summary>The array, or an empty one when the member is absent or null.</summary>
    public static IEnumerable<JsonNode> Items(JsonNode parent, string key) =>
        Opt(parent, key) is { } v ? (v as JsonArray ?? throw Bad(parent, key, "an array")).Select((x, i) => x ?? throw new ReportInputException($"{v.GetPath()}[{i}]: expected a value, got null")) : [];

    public static string Str(JsonNode parent, string key) => OptStr(parent, key) ?? throw Bad(parent, key, "a string");

    public static string? OptStr(JsonNode parent, string key) => Opt(parent, key) switch
    {
        null => null,
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        _ => throw Bad(parent, key, "a string"),
    };

    public static double Num(JsonNode parent, string key) => OptNum(parent, key) ?? throw Bad(parent, key, "a number");

    public static double? OptNum(JsonNode parent, string key) => Opt(parent, key) switch
    {
        null => null,
        // as text: a document built in memory holds longs and ints, a parsed one JsonElements
        JsonValue v when v.GetValueKind() == JsonValueKind.Number => double.Parse(v.ToJsonString(), CultureInfo.InvariantCulture),
        _ => throw Bad(parent, key, "a number"),
    };

    public static long Long(JsonNode parent, string key) => (long)Num(parent, key);

    public static bool Bool(JsonNode parent, string key) => OptBool(parent, key) ?? throw Bad(parent, key, "true or false");

    public static bool? OptBool(JsonNode parent, string key) => Opt(parent, key) switch
    {
        null => null,
        JsonValue v when v.GetValueKind() is JsonValueKind.True or JsonValueKind.False => v.GetValue<bool>(),
        _ => throw Bad(parent, key, "true or false"),
    };

    /// <summary>A string array member (absent: empty).</summary>
    public static IEnumerable<string> Strings(JsonNode parent, string key) =>
        Items(parent, key).Select(x => x is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : throw new ReportInputException($"{x.GetPath()}: expected a string"));

    /// <summary>The members of an object member as (name, number) pairs, in document order (absent: none).</summary>
    public static IEnumerable<(string Key, double Value)> Counts(JsonNode parent, string key) =>
        OptObj(parent, key) is { } o ? o.Select(kv => (kv.Key, Num(o, kv.Key))) : [];

    static JsonNode? Opt(JsonNode parent, string key) => parent is JsonObject o ? o[key] : throw new ReportInputException($"{parent.GetPath()}: expected an object");

    static ReportInputException Bad(JsonNode parent, string key, string what) =>
        new($"{parent.GetPath()}.{key}: expected {what}{(parent is JsonObject o && o.ContainsKey(key) ? "" : " (missing)")}");

    /// <summary>Invariant-culture number text: integers with thousands separators, others with the given decimals.</summary>
    public static string N(double x, int decimals = 0) => x.ToString(decimals == 0 ? "#,0" : "#,0." + new string('0', decimals), CultureInfo.InvariantCulture);

    /// <summary>A duration in milliseconds as "17.6 ms" or "2.35 s".</summary>
    public static string Ms(double ms) => ms < 1000 ? $"{N(ms, 1)} ms" : $"{N(ms / 1000, 2)} s";
}
