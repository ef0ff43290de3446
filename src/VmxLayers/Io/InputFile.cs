using System.Text;

namespace VmxLayers.Io;

/// <summary>An input file that cannot be used; the message is "PATH: reason" on one line.</summary>
public sealed class InputFileException(string path, string reason) : Exception($"{InputFile.Show(path)}: {reason}")
{
    /// <summary>Why, without the path: "is a directory", "larger than …".</summary>
    public string Reason { get; } = reason;
}

/// <summary>
/// Reads user files with a size limit (a device such as /dev/zero or a huge file is refused after limit + 1 bytes,
/// never read into memory whole), strict UTF-8 for text, and one-line reasons: "is a directory", "no such file",
/// "permission denied", "larger than …", "not valid UTF-8 at byte N".
/// </summary>
public static class InputFile
{
    /// <summary>At most <paramref name="limit"/> bytes of the file; more is an error naming <paramref name="what"/>.</summary>
    public static byte[] ReadBytes(string path, long limit, string what)
    {
        if (Directory.Exists(path)) throw new InputFileException(path, "is a directory");
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1, FileOptions.SequentialScan);
            if (stream.CanSeek && stream.Length > limit) throw TooLarge(path, limit, what);
            var buffer = new MemoryStream();
            var chunk = new byte[64 * 1024];
            int n;
            while ((n = stream.Read(chunk, 0, (int)Math.Min(chunk.Length, limit + 1 - buffer.Length))) > 0)
            {
                buffer.Write(chunk, 0, n);
                if (buffer.Length > limit) throw TooLarge(path, limit, what);
            }
            return buffer.ToArray();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new InputFileException(path, Reason(e));
        }
    }

    /// <summary>The file as strict UTF-8 text (a leading byte-order mark skipped), at most <paramref name="limit"/> bytes.</summary>
    public static string ReadText(string path, long limit, string what) => Decode(ReadBytes(path, limit, what), path);

    /// <summary>Strict UTF-8: an invalid byte is an error with its offset, never a silent U+FFFD.</summary>
    public static string Decode(byte[] bytes, string path)
    {
        var src = bytes.AsSpan();
        int start = src.StartsWith(Encoding.UTF8.Preamble) ? 3 : 0;
        var chars = new char[bytes.Length - start];
        var status = System.Text.Unicode.Utf8.ToUtf16(src[start..], chars, out int read, out int written, replaceInvalidSequences: false);
        if (status != System.Buffers.OperationStatus.Done)
            throw new InputFileException(path, $"not valid UTF-8 at byte offset {start + read}");
        return new string(chars, 0, written);
    }

    /// <summary>Why a file operation failed, in a few words (a directory is "is a directory", not "access denied").</summary>
    public static string Reason(Exception e) => e switch
    {
        InputFileException f => f.Reason,
        FileNotFoundException => "no such file",
        DirectoryNotFoundException => "no such file or directory",
        UnauthorizedAccessException => "permission denied",
        PathTooLongException => "path too long",
        _ => Printable.OneLine(e.Message),
    };

    /// <summary>A path as messages echo it: control characters escaped, on one line.</summary>
    public static string Show(string path) => Printable.OneLine(path);

    static InputFileException TooLarge(string path, long limit, string what) =>
        new(path, $"larger than {limit:N0} bytes, the limit for {what}");
}
