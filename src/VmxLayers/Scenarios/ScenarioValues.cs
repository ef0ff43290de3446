using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using VmxLayers.Constants;
using VmxLayers.Semantics;
using VmxLayers.Spec;
using VmxLayers.Spec.Concrete;

namespace VmxLayers.Scenarios;

/// <summary>
/// Values, VMCS field keys, slot keys and register names as the scenario and replay formats write them
/// (SPEC §6): a number is Vint, "undef" is Vundef, {"ptr": [block or global, ofs]} is Vptr; extensions
/// {"long": n} and {"float": "0x…"} (IEEE bits) keep any CompCert value writable.
/// </summary>
public static class ScenarioValues
{
    const string ValueForms = "a value: an unsigned 32-bit number, \"undef\", or {\"ptr\": [block or global, offset]}";

    public static Val Parse(JsonIn j)
    {
        switch (j.E.ValueKind)
        {
            case JsonValueKind.Number: return Val.Vint(j.UInt32());
            case JsonValueKind.String when j.E.GetString() == "undef": return Val.Vundef;
            case JsonValueKind.Object: break;
            default: throw j.Error(ValueForms);
        }
        var members = j.Members(ValueForms, "ptr", "long", "float");
        if (members.Count != 1) throw j.Error(ValueForms);
        var (key, v) = members[0];
        return key switch
        {
            "ptr" => Pointer(v),
            "long" => Val.Vlong(new Semantics.Int64(ULong(v))),
            _ => Val.Vfloat(BitConverter.UInt64BitsToDouble(FloatBits(v))),
        };
    }

    static Val Pointer(JsonIn j)
    {
        var parts = j.Array("[block or global name, offset]");
        if (parts.Count != 2) throw j.Error("[block or global name, offset] (two elements)");
        int block = parts[0].E.ValueKind == JsonValueKind.String
            ? Global(parts[0])
            : (int)parts[0].Integer(1, Scenario.MaxBlock, $"a block number in [1, {Scenario.MaxBlock}] or a global name (vmx_enter, vmx_exit, VMX_LOC)");
        return Val.Vptr(block, parts[1].UInt32("an unsigned 32-bit offset"));
    }

    static int Global(JsonIn j) => Enum.TryParse<Global>(j.E.GetString(), false, out var g) && Enum.IsDefined(g)
        ? Genv.BlockOf(g)
        : throw j.Error("a global name (vmx_enter, vmx_exit, VMX_LOC)");

    static ulong ULong(JsonIn j)
    {
        if (j.E.ValueKind == JsonValueKind.Number && ulong.TryParse(j.E.GetRawText(), NumberStyles.None, CultureInfo.InvariantCulture, out var v)) return v;
        throw j.Error("an unsigned 64-bit integer");
    }

    static ulong FloatBits(JsonIn j)
    {
        var s = j.E.ValueKind == JsonValueKind.String ? j.E.GetString()! : "";
        if (s.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
            && ulong.TryParse(s.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var bits)) return bits;
        throw j.Error("the IEEE-754 bits of a double as a hex string \"0x…\"");
    }

    /// <summary>A value written as the input writes it; pointers to globals use the global's name.</summary>
    public static JsonNode? Write(Val v) => v.Tag switch
    {
        ValTag.Vundef => JsonValue.Create("undef"),
        ValTag.Vint => JsonValue.Create(v.IntValue.Bits),
        ValTag.Vptr => new JsonObject { ["ptr"] = new JsonArray(BlockNode(v.Block), JsonValue.Create(v.Ofs.Bits)) },
        ValTag.Vlong => new JsonObject { ["long"] = JsonValue.Create(v.LongValue.Bits) },
        _ => new JsonObject { ["float"] = JsonValue.Create($"0x{v.RawBits:X16}") },
    };

    static JsonNode BlockNode(int block) => Genv.GlobalOf(block) is { } g ? JsonValue.Create(g.ToString()) : JsonValue.Create(block);

    /// <summary>
    /// A VMCS field key: a name (GUEST_RIP), a hex string (0x681E) or a decimal number. An encoding is 32 bits:
    /// hex 0x0–0xFFFFFFFF and decimal −2^31…2^32−1 are taken modulo 2^32 (0xFFFFFFFF and -1 are the same field).
    /// </summary>
    public static int ParseField(string key, string path)
    {
        if (VmcsFields.TryParse(key, out var enc)) return enc;
        if (key.StartsWith("0x", StringComparison.OrdinalIgnoreCase) && key.Length > 2
            && uint.TryParse(key.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var hex))
            return unchecked((int)hex);
        if (long.TryParse(key, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var dec) && dec >= int.MinValue && dec <= uint.MaxValue)
            return unchecked((int)dec);
        throw new ScenarioError(path, $"unknown VMCS field \"{key}\" (expected a field name such as GUEST_RIP, a 32-bit hex encoding such as \"0x681E\", or a number)");
    }

    /// <summary>The output key of a VMCS field: "0x681E" (uppercase, at least 4 hex digits).</summary>
    public static string FieldKey(int encoding) => encoding >= 0 ? $"0x{encoding:X4}" : encoding.ToString(CultureInfo.InvariantCulture);

    /// <summary>A slot key: an index 0..37 or a slot name (G_RIP).</summary>
    public static int ParseSlot(string key, string path)
    {
        if (VmxSlots.TryParse(key, out var slot)) return slot;
        if (int.TryParse(key, NumberStyles.None, CultureInfo.InvariantCulture, out var i) && i < VmxSlots.Size) return i;
        throw new ScenarioError(path, $"unknown VMX slot \"{key}\" (expected an index 0..37 or a slot name such as G_RIP)");
    }

    public static Preg ParseReg(string key, string path) => PregInfo.TryParse(key, out var r)
        ? r
        : throw new ScenarioError(path, $"unknown register \"{key}\" (expected one of: {string.Join(", ", PregInfo.All)})");
}
