using System.Diagnostics;

namespace VmxLayers.Tests.Report;

/// <summary>
/// The system's headless Chromium, run as a user would open a file: `--dump-dom` prints the page after it loaded and
/// ran, `--screenshot` saves what it rendered (both in one launch). As root it needs --no-sandbox and, in containers,
/// --disable-dev-shm-usage.
/// </summary>
public static class Chromium
{
    public static readonly string[] Candidates = ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"];

    public static string? Path { get; } = Candidates.FirstOrDefault(File.Exists);

    /// <summary>Loads <paramref name="page"/>, saves a screenshot of <paramref name="width"/>×<paramref name="height"/> pixels, returns the DOM after load.</summary>
    public static string DumpDomAndScreenshot(string page, string screenshot, int width, int height)
    {
        var psi = new ProcessStartInfo(Path ?? throw new InvalidOperationException("no Chromium"))
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
        };
        foreach (var a in new[]
        {
            "--headless", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--no-first-run", "--disable-extensions",
            "--allow-file-access-from-files", "--hide-scrollbars", $"--window-size={width},{height}", $"--screenshot={screenshot}",
            "--virtual-time-budget=10000", "--dump-dom", new Uri(page).AbsoluteUri,
        }) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEndAsync();
        string dom = p.StandardOutput.ReadToEnd();
        if (!p.WaitForExit(TimeSpan.FromMinutes(1))) { p.Kill(entireProcessTree: true); throw new TimeoutException("chromium did not exit within a minute"); }
        if (p.ExitCode != 0) throw new InvalidOperationException($"chromium exited {p.ExitCode}: {err.Result}");
        return dom;
    }
}
