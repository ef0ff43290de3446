using System.Reflection;
using System.Text;
using VmxLayers.Code.Elf;

namespace VmxLayers.Code;

/// <summary>
/// A wrong implementation built from a mutated source (impl/mutants/NAME/). <see cref="EquivalentBecause"/> is
/// the argument why no checker of the per-step statement can kill it, for the few that are equivalent.
/// </summary>
public sealed record CodeMutant(string Name, string Description, string? EquivalentBecause, ObjectImage Object);

/// <summary>
/// The checked-in objects shipped inside the tool (embedded resources "impl/vmx.o", "impl/mutants/NAME.o" with
/// NAME/DESCRIPTION and NAME/EQUIVALENT), so that the code layer works from any directory.
/// </summary>
public static class ImplObjects
{
    /// <summary>The name the built-in implementation goes by in messages.</summary>
    public const string DefaultName = "impl/vmx.o";
    const string MutantPrefix = "impl/mutants/";
    static readonly Assembly Asm = typeof(ImplObjects).Assembly;
    static readonly Lazy<ObjectImage> defaultObject = new(() => Load(DefaultName));
    static readonly Lazy<IReadOnlyList<CodeMutant>> mutants = new(LoadMutants);

    /// <summary>impl/vmx.o: vmx.c and vmx_asm.S, all six primitives.</summary>
    public static ObjectImage Default => defaultObject.Value;

    /// <summary>The code of all six primitives from impl/vmx.o.</summary>
    public static CodeImplementation DefaultImplementation => ImplementationLinker.Link([], Default);

    /// <summary>Every code mutant, sorted by name.</summary>
    public static IReadOnlyList<CodeMutant> Mutants => mutants.Value;

    static ObjectImage Load(string resource) => ElfObjectReader.Read(resource, Read(resource)
        ?? throw new InvalidOperationException($"internal error: the resource {resource} is missing from the build"));

    static IReadOnlyList<CodeMutant> LoadMutants() =>
        [.. Asm.GetManifestResourceNames()
            .Where(n => n.StartsWith(MutantPrefix, StringComparison.Ordinal) && n.EndsWith(".o", StringComparison.Ordinal))
            .Select(n => n[MutantPrefix.Length..^2])
            .Order(StringComparer.Ordinal)
            .Select(name => new CodeMutant(name,
                Text($"{MutantPrefix}{name}/DESCRIPTION") ?? throw new InvalidOperationException($"internal error: code mutant {name} has no DESCRIPTION"),
                Text($"{MutantPrefix}{name}/EQUIVALENT"),
                Load($"{MutantPrefix}{name}.o")))];

    static string? Text(string resource) => Read(resource) is { } b ? Encoding.UTF8.GetString(b).Trim() : null;

    static byte[]? Read(string resource)
    {
        using var s = Asm.GetManifestResourceStream(resource);
        if (s is null) return null;
        using var m = new MemoryStream();
        s.CopyTo(m);
        return m.ToArray();
    }
}
