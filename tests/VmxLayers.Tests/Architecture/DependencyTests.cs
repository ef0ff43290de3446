using System.Text.RegularExpressions;

namespace VmxLayers.Tests.Architecture;

/// <summary>
/// The folders of src/VmxLayers depend on each other only downward, level by level (docs/architecture.md): a
/// reference to a folder at the same or a higher level is a cycle waiting to happen, and fails here.
/// </summary>
public partial class DependencyTests
{
    /// <summary>The levels, lowest first; a folder may use folders of lower levels only.</summary>
    static readonly string[][] levels =
    [
        ["Io"],
        ["Semantics", "Isa"],
        ["Constants"],
        ["Spec", "Guest"],
        ["Primitives", "Refinement"],
        ["Machine"],
        ["Cases"],
        ["Layers"],
        ["Checking", "Smt", "Cosim", "Code"],
        ["SymbolicCode", "Composition"],
        ["Mutants"],
        ["Scenarios"],
    ];

    static readonly Dictionary<string, int> level = levels.SelectMany((fs, k) => fs.Select(f => (f, k))).ToDictionary(x => x.f, x => x.k);

    [GeneratedRegex(@"\bVmxLayers\.(\w+)")]
    private static partial Regex Reference();

    static string Src => Path.Combine(Repo.Root, "src", "VmxLayers");

    /// <summary>(from folder, to folder, file) for every reference to another folder's namespace.</summary>
    static IEnumerable<(string From, string To, string File)> References() =>
        from file in Directory.EnumerateFiles(Src, "*.cs", SearchOption.AllDirectories)
        let rel = Path.GetRelativePath(Src, file)
        where !rel.StartsWith("bin", StringComparison.Ordinal) && !rel.StartsWith("obj", StringComparison.Ordinal) && rel.Contains(Path.DirectorySeparatorChar)
        let folder = rel.Split(Path.DirectorySeparatorChar)[0]
        from Match m in Reference().Matches(File.ReadAllText(file))
        let to = m.Groups[1].Value
        where to != folder && Directory.Exists(Path.Combine(Src, to))
        select (folder, to, rel);

    [Fact]
    public void EveryFolderHasALevel()
    {
        var folders = Directory.EnumerateDirectories(Src).Select(Path.GetFileName).Where(f => f is not ("bin" or "obj")).ToList();
        var unplaced = folders.Where(f => !level.ContainsKey(f!)).ToList();
        Assert.True(unplaced.Count == 0, $"folders without a level: {string.Join(", ", unplaced)}");
    }

    [Fact]
    public void FoldersDependOnlyOnLowerLevels()
    {
        var upward = References().Where(r => level[r.To] >= level[r.From]).Select(r => $"{r.File}: {r.From} → {r.To}").Distinct().ToList();
        Assert.Empty(upward);
    }

    /// <summary>The check is not vacuous: the real code has references across levels, and an upward one would be caught.</summary>
    [Fact]
    public void TheScanSeesTheRealReferences()
    {
        var edges = References().Select(r => (r.From, r.To)).ToHashSet();
        Assert.Contains(("Smt", "Refinement"), edges);
        Assert.Contains(("Primitives", "Spec"), edges);
        Assert.True(level["Spec"] < level["Primitives"] && level["Mutants"] > level["Smt"]);
    }
}

/// <summary>The repository root (the folder holding the solution file), found from the test's working directory.</summary>
static class Repo
{
    public static string Root { get; } = Find();

    static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "VmxLayers.slnx"))) return dir.FullName;
        throw new InvalidOperationException("the repository root (VmxLayers.slnx) was not found above " + AppContext.BaseDirectory);
    }
}
