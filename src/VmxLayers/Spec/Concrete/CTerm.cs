using VmxLayers.Semantics;

namespace VmxLayers.Spec.Concrete;

/// <summary>A concrete term: a Bool/Z/Int in <see cref="Z"/>, a value in <see cref="V"/>, or a state object.</summary>
public readonly struct CTerm
{
    public readonly long Z;
    public readonly Val V;
    public readonly object? O;

    public CTerm(long z) { Z = z; V = default; O = null; }
    public CTerm(Val v) { Z = 0; V = v; O = null; }
    public CTerm(object o) { Z = 0; V = default; O = o; }

    public bool B => Z != 0;
    public static CTerm Of(bool b) => new(b ? 1 : 0);
    public T As<T>() where T : class => (T)O!;
    public override string ToString() => O?.ToString() ?? (V.IsUndef && Z != 0 ? Z.ToString() : V.ToString());
}

/// <summary>A register set as a concrete term (boxed once per asm step).</summary>
public sealed class RegBox(RegSet regs)
{
    public RegSet Regs { get; } = regs;
    public override string ToString() => Regs.ToString();
}
