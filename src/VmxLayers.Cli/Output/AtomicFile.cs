using System.Text;
using VmxLayers.Io;

namespace VmxLayers.Cli.Output;

/// <summary>
/// Output files written whole or not at all: the text goes to a temporary file in the same directory, which is then
/// renamed over the target (a reader sees the old file or the new one, never a mix of two writers' bytes). A target
/// that is not a regular file (a terminal, a pipe, /dev/null) is written directly.
/// </summary>
public static class AtomicFile
{
    /// <summary>Null when <paramref name="path"/> can be written (checked before any work starts), else the reason.</summary>
    public static string? WhyNotWritable(string path)
    {
        if (path.Length == 0) return "empty file name";
        try
        {
            if (Directory.Exists(path)) return "is a directory";
            var full = Path.GetFullPath(path);
            var dir = Path.GetDirectoryName(full) ?? "/";
            if (!Directory.Exists(dir)) return $"no such directory {InputFile.Show(dir)}";
            if (File.Exists(full) && !IsRegular(full))
            {
                using var device = new FileStream(full, FileMode.Open, FileAccess.Write);
                return null;
            }
            if (File.Exists(full)) { using var existing = new FileStream(full, FileMode.Open, FileAccess.Write); }
            var probe = TempName(full);
            using (new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose)) { }
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return InputFile.Reason(e);
        }
    }

    /// <summary>Writes <paramref name="text"/> (UTF-8) atomically; null on success, else the reason.</summary>
    public static string? Write(string path, string text)
    {
        string? temp = null;
        try
        {
            var full = Path.GetFullPath(path);
            var info = new FileInfo(full);
            var target = info.LinkTarget is null ? full : info.ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? full;
            var bytes = new UTF8Encoding(false).GetBytes(text);
            if (File.Exists(target) && !IsRegular(target))
            {
                using var device = new FileStream(target, FileMode.Open, FileAccess.Write);
                device.Write(bytes);
                return null;
            }
            temp = TempName(target);
            using (var f = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                f.Write(bytes);
                f.Flush(flushToDisk: true);
            }
            File.Move(temp, target, overwrite: true);
            temp = null;
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            return Directory.Exists(path) ? "is a directory" : InputFile.Reason(e);
        }
        finally
        {
            if (temp is not null) try { File.Delete(temp); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    /// <summary>
    /// False for a device (/dev/stdout, /dev/null, /dev/full …), which is written in place, never replaced by a rename.
    /// .NET shows no file type, and opening a FIFO to probe it would block, so the rule is the path: /dev and /proc.
    /// </summary>
    static bool IsRegular(string path) =>
        !path.StartsWith("/dev/", StringComparison.Ordinal) && !path.StartsWith("/proc/", StringComparison.Ordinal);

    static string TempName(string target) =>
        Path.Combine(Path.GetDirectoryName(target) ?? "/", $".{Path.GetFileName(target)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
}
