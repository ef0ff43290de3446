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

    /// <summary>A shipped guest by name, or a file by path (names win), in <paramref name="memorySize"/> bytes of guest memory.</summary>
    public static GuestProgram Resolve(string nameOrFile, int memorySize = GuestCpu.DefaultMemorySize)
    {
        if (!Contains(nameOrFile)) return LoadFile(nameOrFile, memorySize: memorySize);
        var p = Get(nameOrFile) with { MemorySize = memorySize };
        p.CheckFits();
        return p;
    }

    /// <summary>
    /// A user guest file: an ELF32 i386 executable (its PT_LOAD segments and entry point), or else a flat binary
    /// loaded and entered at <paramref name="loadAddress"/>. PATH.expected or PATH-without-extension + .expected next
    /// to it, when present, gives the expected output. Throws <see cref="GuestLoadException"/> with the file name when
    /// it is missing, empty, malformed or too large for <paramref name="memorySize"/> bytes of guest memory.
    /// </summary>
    public static GuestProgram LoadFile(string path, uint loadAddress = GuestProgram.DefaultLoadAddress, int memorySize = GuestCpu.DefaultMemorySize)
    {
        if (!File.Exists(path)) throw new GuestLoadException($"{path}: guest binary not found");
        // read at most what can be loaded (an ELF file may carry symbols beyond its segments): a device such as
        // /dev/zero or a huge file is refused, never read whole
        long room = Math.Max(memorySize - (long)loadAddress, MaxElfFile);
        byte[] code;
        try { code = Io.InputFile.ReadBytes(path, room, $"a guest image (flat at 0x{loadAddress:X} in {memorySize} bytes of guest memory, or ELF)"); }
        catch (Io.InputFileException e) { throw new GuestLoadException(e.Message); }
        if (code.Length == 0) throw new GuestLoadException($"{path}: guest binary is empty");
        string? expectedPath = new[] { Path.ChangeExtension(path, ".expected"), path + ".expected" }.FirstOrDefault(File.Exists);
        string expected;
        try { expected = expectedPath is null ? "" : Io.InputFile.ReadText(expectedPath, 16 << 20, "an expected output"); }
        catch (Io.InputFileException e) { throw new GuestLoadException(e.Message); }
        if (ElfImage.IsElf(code)) return ElfImage.Read(path, code, expected, expectedPath is not null, memorySize);
        if ((ulong)loadAddress + (ulong)code.Length > (ulong)memorySize)
            throw new GuestLoadException($"{path}: {code.Length} bytes at 0x{loadAddress:X} do not fit in {memorySize} bytes of guest memory (--guest-memory)");
        return new GuestProgram(Path.GetFileNameWithoutExtension(path), code, loadAddress, loadAddress, expected)
        { HasExpectedOutput = expectedPath is not null, MemorySize = memorySize };
    }

    /// <summary>Largest ELF file read (its segments must still fit in guest memory).</summary>
    const long MaxElfFile = 64 << 20;

    static byte[]? ReadResource(string resource)
    {
        using var s = Asm.GetManifestResourceStream(resource);
        if (s is null) return null;
        using var ms = new MemoryStream();
        s.CopyTo(ms);
        return ms.ToArray();
    }
}
