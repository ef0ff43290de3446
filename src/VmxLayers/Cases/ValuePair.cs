using VmxLayers.Semantics;

namespace VmxLayers.Cases;

/// <summary>A value on the high layer and the value standing for it on the low layer (val_inject f High Low).</summary>
public readonly record struct ValuePair(Val High, Val Low)
{
    /// <summary>The same value on both sides (an integer, Vundef, or a pointer to a global).</summary>
    public static ValuePair Same(Val v) => new(v, v);

    public static ValuePair Int(uint n) => Same(Val.Vint(n));

    public static readonly ValuePair Undef = Same(Val.Vundef);

    public override string ToString() => High == Low ? High.ToString() : $"{High} ↦ {Low}";
}
