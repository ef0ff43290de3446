using System.Reflection;
using System.Text;

namespace VmxLayers.Guest;

/// <summary>The guests shipped under guests/ (embedded resources "guests/NAME.bin" + "guests/NAME.expected"), and user .bin files.</summary>
public static class GuestLibrary
{
    const string Prefix = "guests/";
    static readonly Assembly Asm = typeof(GuestLibrary).Assembly;

    /// <summary>Names of the embedded guests, sorted.</summary>
    public static IReadOnlyList<string> Names { get; } =
        [.. Asm.GetManifestResourceNames()
            .Where(n => n.StartsWith(Prefix, StringComparison.Ordinal) && n.EndsWith(".bin", StringComparison.Ordinal))
            .Select(n => n[Prefix.Length..^4])
            .Order(StringComparer.Ordinal)];

    /// <summary>The embedded guest <paramref name="name"/>; throws <see cref="GuestLoadException"/> naming the known guests otherwise.</summary>
    public static GuestProgram Get(string name)
    {
        var code = ReadResource($"{Prefix}{name}.bin")
            ?? throw new GuestLoadException($"unknown guest '{name}' (known: {string.Join(", ", Names)})");
        var expected = ReadResource($"{Prefix}{name}.expected");
        return new GuestProgram(name, code, GuestProgram.DefaultLoadAddress, GuestProgram.DefaultLoadAddress,
            expected is null ? "" : Encoding.UTF8.GetString(expected)) { HasExpectedOutput = expected is not null };
    }

    /// <summary>True when <paramref name="name"/> is an embedded guest.</summary>
    public static bool Contains(string name) => Names.Contains(name, StringComparer.Ordinal);

    /// <summary>
    /// A user flat binary (loaded and entered at <paramref name="loadAddress"/>); PATH.expected or
    /// PATH-without-.bin + .expected next to it, when present, gives the expected output.
    /// Throws <see cref="GuestLoadException"/> with the file name when it is missing, empty or too large.
    /// </summary>
    public static GuestProgram LoadFile(string path, uint loadAddress = GuestProgram.DefaultLoadAddress)
    {
        if (!File.Exists(path)) throw new GuestLoadException($"{path}: guest binary not found");
        // read at most what fits: a device such as /dev/zero or a huge file is refused, never read whole
        long room = GuestCpu.DefaultMemorySize - (long)loadAddress;
        byte[] code;
        try { code = Io.InputFile.ReadBytes(path, Math.Max(0, room), $"a guest image at 0x{loadAddress:X} in {GuestCpu.DefaultMemorySize} bytes of guest memory"); }
        catch (Io.InputFileException e) { throw new GuestLoadException(e.Message); }
        if (code.Length == 0) throw new GuestLoadException($"{path}: guest binary is empty");
        string? expectedPath = new[] { Path.ChangeExtension(path, ".expected"), path + ".expected" }.FirstOrDefault(File.Exists);
        string expected;
        try { expected = expectedPath is null ? "" : Io.InputFile.ReadText(expectedPath, 16 << 20, "an expected output"); }
        catch (Io.InputFileException e) { throw new GuestLoadException(e.Message); }
        return new GuestProgram(Path.GetFileNameWithoutExtension(path), code, loadAddress, loadAddress, expected)
        { HasExpectedOutput = expectedPath is not null };
    }

    static byte[]? ReadResource(string resource)
    {
        using var s = Asm.GetManifestResourceStream(resource);
        if (s is null) return null;
        using var ms = new MemoryStream();
        s.CopyTo(ms);
        return ms.ToArray();
    }
}
