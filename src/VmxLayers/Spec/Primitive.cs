using VmxLayers.Constants;

namespace VmxLayers.Spec;

/// <summary>How a primitive is called: a C function (arguments and a result) or an asm primitive (a register set).</summary>
public enum PrimKind { C, Asm }

/// <summary>
/// A primitive's interface, the same on every layer that has it: its name, kind, number of C arguments, and for an
/// asm primitive the code symbol PC must hold when it is called. Primitives are compared by reference; a layer
/// gives each its spec (<see cref="PrimSpec"/>).
/// </summary>
public sealed class Primitive
{
    public Primitive(string name, PrimKind kind, int arity, string summary, Global? entry = null)
    {
        if (kind == PrimKind.Asm && (arity != 0 || entry is null)) throw new ArgumentException($"{name}: an asm primitive takes a register set (arity 0) and has an entry symbol");
        if (kind == PrimKind.C && entry is not null) throw new ArgumentException($"{name}: a C primitive has no entry symbol");
        Name = name; Kind = kind; Arity = arity; Summary = summary; Entry = entry;
    }

    static int count;

    /// <summary>A dense number for per-primitive tables on hot paths.</summary>
    internal int Id { get; } = Interlocked.Increment(ref count) - 1;

    public string Name { get; }
    public PrimKind Kind { get; }
    /// <summary>Number of C arguments (0 for asm primitives).</summary>
    public int Arity { get; }
    /// <summary>The spec in one line (`show primitives`).</summary>
    public string Summary { get; }
    /// <summary>The code symbol of an asm primitive (its spec requires PC = &amp;Entry).</summary>
    public Global? Entry { get; }

    public bool IsAsm => Kind == PrimKind.Asm;

    public override string ToString() => Name;
}
