namespace VmxLayers.Tests.Code;

/// <summary>The repository's impl/ folder, found from the test binary upwards.</summary>
static class ImplFiles
{
    public static string Dir { get; } = Find();

    static string Find()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "VmxLayers.slnx")) && Directory.Exists(Path.Combine(d.FullName, "impl")))
                return Path.Combine(d.FullName, "impl");
        throw new DirectoryNotFoundException("impl/ not found above " + AppContext.BaseDirectory);
    }

    /// <summary>A path under impl/.</summary>
    public static string In(string relative) => Path.Combine(Dir, relative);

    /// <summary>The names of the mutant directories impl/mutants/NAME/.</summary>
    public static IReadOnlyList<string> MutantNames =>
        [.. Directory.GetDirectories(Path.Combine(Dir, "mutants")).Select(Path.GetFileName).Select(n => n!).Order(StringComparer.Ordinal)];
}
