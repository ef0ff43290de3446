using System.Collections.Immutable;
using LibObjectFile.Elf;

namespace VmxLayers.Code.Elf;

/// <summary>
/// Reads an ELF32 i386 relocatable object (gcc -m32 -c) into an <see cref="ObjectImage"/> through LibObjectFile.
/// Anything the code layer cannot run faithfully — another file kind, PIC relocations, sections other than
/// .text/.data/.rodata/.bss with content, a corrupt file — is an <see cref="ObjectFileError"/> with one line.
/// </summary>
public static class ElfObjectReader
{
    /// <summary>Reads the object at <paramref name="path"/>; errors name the path as given.</summary>
    public static ObjectImage ReadFile(string path)
    {
        byte[] bytes;
        try { bytes = File.ReadAllBytes(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            throw new ObjectFileError(path, $"cannot read the object: {e.Message}");
        }
        return Read(path, bytes);
    }

    /// <summary>Reads an object from its bytes; <paramref name="file"/> names it in the model and in errors.</summary>
    public static ObjectImage Read(string file, byte[] bytes)
    {
        ElfHeaderCheck.Check(file, bytes);
        var elf = Parse(file, bytes);
        return new ElfObjectLoading(file, elf).Load();
    }

    static ElfFile Parse(string file, byte[] bytes)
    {
        try
        {
            using var stream = new MemoryStream(bytes, writable: false);
            bool read = ElfFile.TryRead(stream, out var elf, out var diagnostics);
            if (read && elf is not null && diagnostics is not { HasErrors: true }) return elf;
            var first = diagnostics?.Messages.FirstOrDefault(m => m.Kind == LibObjectFile.Diagnostics.DiagnosticKind.Error);
            throw new ObjectFileError(file, $"truncated or corrupt ELF object: {OneLine(first?.Message ?? "unreadable")}");
        }
        catch (Exception e) when (e is not ObjectFileError)
        {
            // the parser's own exceptions on malformed input are bad input too, not a bug of this tool
            throw new ObjectFileError(file, $"truncated or corrupt ELF object: {OneLine(e.Message)}");
        }
    }

    internal static string OneLine(string s) => string.Join(' ', s.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries)).Trim();
}
