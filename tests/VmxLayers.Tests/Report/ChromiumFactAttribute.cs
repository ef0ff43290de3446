namespace VmxLayers.Tests.Report;

/// <summary>A fact reported as skipped, with the reason, when no headless Chromium can be run here (.ci/run installs Debian's `chromium`).</summary>
public sealed class ChromiumFactAttribute : FactAttribute
{
    public ChromiumFactAttribute()
    {
        if (Chromium.Path is null) Skip = $"no Chromium browser ({string.Join(", ", Chromium.Candidates)} not found; Debian: apt-get install chromium)";
    }
}
