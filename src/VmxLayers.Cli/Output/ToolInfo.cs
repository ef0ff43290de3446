using System.Reflection;
using System.Text.Json.Nodes;

namespace VmxLayers.Cli.Output;

/// <summary>The tool's version and the git commit it was built from (embedded at build time; "unknown" without git).</summary>
public static class ToolInfo
{
    static readonly Assembly Self = typeof(ToolInfo).Assembly;

    public static string Version { get; } =
        (Self.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown").Split('+')[0];

    public static string Commit { get; } =
        Self.GetCustomAttributes<AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == "Commit")?.Value ?? "unknown";

    /// <summary>The "tool" member of every --json document.</summary>
    public static JsonObject Json() => new() { ["name"] = "vmxlayers", ["version"] = Version, ["commit"] = Commit };
}
