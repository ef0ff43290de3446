using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace VmxLayers.Scenarios;

/// <summary>Indented JSON that keeps short arrays and objects (values such as {"ptr": ["VMX_LOC", 152]}) on one line.</summary>
public static class JsonPretty
{
    const int Inline = 100;
    static readonly JsonSerializerOptions compact = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string Write(JsonNode node)
    {
        var sb = new StringBuilder();
        Write(sb, node, 0);
        return sb.ToString();
    }

    static void Write(StringBuilder sb, JsonNode? node, int depth)
    {
        var flat = Compact(node);
        if (node is not (JsonObject or JsonArray) || flat.Length + 2 * depth <= Inline) { sb.Append(flat); return; }
        string pad = new(' ', 2 * (depth + 1));
        bool first = true;
        if (node is JsonObject o)
        {
            sb.Append('{');
            foreach (var (key, value) in o)
            {
                sb.Append(first ? "\n" : ",\n").Append(pad).Append(JsonSerializer.Serialize(key, compact)).Append(": ");
                Write(sb, value, depth + 1);
                first = false;
            }
            sb.Append('\n').Append(' ', 2 * depth).Append('}');
            return;
        }
        sb.Append('[');
        foreach (var item in (JsonArray)node)
        {
            sb.Append(first ? "\n" : ",\n").Append(pad);
            Write(sb, item, depth + 1);
            first = false;
        }
        sb.Append('\n').Append(' ', 2 * depth).Append(']');
    }

    /// <summary>One-line JSON with a space after ':' and ',' for readability.</summary>
    static string Compact(JsonNode? node) => node switch
    {
        null => "null",
        JsonObject o => "{" + string.Join(", ", o.Select(p => JsonSerializer.Serialize(p.Key, compact) + ": " + Compact(p.Value))) + "}",
        JsonArray a => "[" + string.Join(", ", a.Select(Compact)) + "]",
        _ => node.ToJsonString(compact),
    };
}
