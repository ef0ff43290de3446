using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace VmxLayers.Cli.Output;

/// <summary>What a report's header says of a run besides the tool: the command line, the date, the machine (the same members in every document that has a report).</summary>
public static partial class RunInfo
{
    /// <summary>The arguments the tool was started with (set by <see cref="CliApp.Run"/>).</summary>
    public static IReadOnlyList<string> Args { get; set; } = [];

    /// <summary>The command line as a shell would take it back: "vmxlayers check --mutant exit-skips-edi-store".</summary>
    public static string CommandLine => string.Join(" ", Args.Prepend("vmxlayers").Select(Quote));

    /// <summary>Adds "commandLine", "date" (UTC, to the second) and "machine" to a document.</summary>
    public static JsonObject AddTo(JsonObject doc)
    {
        doc["commandLine"] = CommandLine;
        doc["date"] = DateTimeOffset.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        doc["machine"] = new JsonObject
        {
            ["os"] = RuntimeInformation.OSDescription,
            ["arch"] = RuntimeInformation.OSArchitecture.ToString().ToLowerInvariant(),
            ["cores"] = Environment.ProcessorCount,
            ["runtime"] = RuntimeInformation.FrameworkDescription,
        };
        return doc;
    }

    [GeneratedRegex(@"^[A-Za-z0-9_./:=,+@%-]+$")]
    private static partial Regex Plain();

    static string Quote(string a) => Plain().IsMatch(a) ? a : "'" + a.Replace("'", "'\\''") + "'";
}
