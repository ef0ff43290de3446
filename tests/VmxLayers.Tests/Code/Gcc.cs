using System.Diagnostics;

namespace VmxLayers.Tests.Code;

/// <summary>gcc -m32 (Debian's gcc-multilib) for tests that build small objects; <see cref="IsAvailable"/> says why not.</summary>
static class Gcc
{
    /// <summary>The flags of impl/build.sh for C sources.</summary>
    public static readonly string[] ImplFlags =
        ["-m32", "-O2", "-fno-pic", "-fno-pie", "-ffreestanding", "-fno-asynchronous-unwind-tables", "-fcf-protection=none"];

    static readonly Lazy<string?> unavailable = new(Probe);

    public static bool IsAvailable(out string why)
    {
        why = unavailable.Value ?? "";
        return unavailable.Value is null;
    }

    static string? Probe()
    {
        try
        {
            Compile("int f(void) { return 1; }", ".c", ["-m32", "-c"]);
            return null;
        }
        catch (Exception e) { return e.Message; }
    }

    /// <summary>Compiles (or, with <paramref name="flags"/> lacking -c, links) <paramref name="source"/> and returns the output file's bytes.</summary>
    public static byte[] Compile(string source, string extension, IEnumerable<string> flags)
    {
        var dir = Directory.CreateTempSubdirectory("vmxlayers-gcc-");
        try
        {
            string src = Path.Combine(dir.FullName, "src" + extension), output = Path.Combine(dir.FullName, "out");
            File.WriteAllText(src, source);
            Run("gcc", [.. flags, src, "-o", output], dir.FullName);
            return File.ReadAllBytes(output);
        }
        finally { dir.Delete(recursive: true); }
    }

    /// <summary>Runs a tool; its exit code must be 0.</summary>
    public static string Run(string tool, IEnumerable<string> args, string workDir)
    {
        var psi = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = workDir };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi) ?? throw new InvalidOperationException($"{tool} did not start");
        var stdout = p.StandardOutput.ReadToEndAsync();
        string stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"{tool} {string.Join(' ', args)} failed ({p.ExitCode}): {stderr.Trim()}");
        return stdout.Result;
    }
}

/// <summary>A fact reported as skipped, with the reason, when gcc -m32 cannot build objects here.</summary>
public sealed class GccFactAttribute : FactAttribute
{
    public GccFactAttribute()
    {
        if (!Gcc.IsAvailable(out var why)) Skip = $"gcc -m32 unavailable (install gcc-multilib): {why}";
    }
}

/// <summary>A theory reported as skipped, with the reason, when gcc -m32 cannot build objects here.</summary>
public sealed class GccTheoryAttribute : TheoryAttribute
{
    public GccTheoryAttribute()
    {
        if (!Gcc.IsAvailable(out var why)) Skip = $"gcc -m32 unavailable (install gcc-multilib): {why}";
    }
}
