using System.Diagnostics;

namespace VmxLayers.Tests.Guest;

/// <summary>The guests/ folder of the repository: assembly guests (NAME.s) and C guests (c/NAME.c built at three levels).</summary>
internal static class GuestFiles
{
    public static readonly string Dir = Find();

    public static readonly string[] Levels = ["O0", "O2", "Os"];

    static string Find()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "guests", "build.sh"))) return Path.Combine(d.FullName, "guests");
        throw new DirectoryNotFoundException("guests/ not found above " + AppContext.BaseDirectory);
    }

    public static IEnumerable<string> AssemblyGuests =>
        Directory.GetFiles(Dir, "*.s").Select(f => Path.GetFileNameWithoutExtension(f)!).Order(StringComparer.Ordinal);

    /// <summary>The C programs (guests/c/NAME.c).</summary>
    public static IEnumerable<string> CPrograms =>
        Directory.GetFiles(Path.Combine(Dir, "c"), "*.c").Select(f => Path.GetFileNameWithoutExtension(f)!).Order(StringComparer.Ordinal);

    /// <summary>Every C guest: NAME-O0, NAME-O2, NAME-Os.</summary>
    public static IEnumerable<string> CGuests => CPrograms.SelectMany(p => Levels.Select(l => $"{p}-{l}"));

    /// <summary>Runs a tool; returns its exit code, standard output and standard error.</summary>
    public static (int Code, string Out, string Err) Run(string tool, params string[] args)
    {
        var psi = new ProcessStartInfo(tool) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEndAsync();
        string output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, output, err.Result);
    }

    public static bool OnPath(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Any(d => File.Exists(Path.Combine(d, tool)));
}

/// <summary>
/// A fact that is reported as skipped, with the reason, unless gcc can build 32-bit freestanding code and is the
/// version recorded in guests/c/gcc-version.txt (another gcc emits other, equally valid, bytes).
/// </summary>
public sealed class RequiresRecordedGccFactAttribute : FactAttribute
{
    public RequiresRecordedGccFactAttribute()
    {
        if (!GuestFiles.OnPath("gcc") || !GuestFiles.OnPath("objcopy")) { Skip = "gcc/objcopy not installed: cannot rebuild the C guests"; return; }
        string recorded = File.ReadAllText(Path.Combine(GuestFiles.Dir, "c", "gcc-version.txt")).Trim();
        var (code, output, _) = GuestFiles.Run("gcc", "--version");
        string installed = code == 0 ? output.Split('\n')[0].Trim() : "";
        if (installed != recorded) { Skip = $"installed gcc is '{installed}', the checked-in C guests were built by '{recorded}'"; return; }
        if (!File.Exists(GuestFiles.Run("gcc", "-m32", "-print-libgcc-file-name").Out.Trim()))
            Skip = "gcc has no 32-bit libgcc (install gcc-multilib)";
    }
}
