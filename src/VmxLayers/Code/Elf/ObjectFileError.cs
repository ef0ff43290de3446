namespace VmxLayers.Code.Elf;

/// <summary>
/// Bad input in an object file or in the set of objects given for the code layer (exit 2). The message is the
/// one line to print: the file, then where (section+offset or symbol), then what is wrong.
/// </summary>
public sealed class ObjectFileError(string file, string message) : Exception($"{file}: {message}")
{
    /// <summary>The object the error is about.</summary>
    public string File { get; } = file;
}
