namespace VmxLayers.Code;

/// <summary>The primitives of the underlay VMCSInit that code of this layer may call (external calls).</summary>
public enum UnderlayPrimitive { get_CPU_ID, vmcs_readz, vmcs_writez, hostout, hostin }

/// <summary>The symbols code of this layer may leave undefined: the underlay's primitives and the save area.</summary>
public static class UnderlaySymbols
{
    /// <summary>The layer's save area, a data symbol resolved to the VMX_LOC block.</summary>
    public const string VmxLoc = "VMX_LOC";

    public static readonly UnderlayPrimitive[] Primitives = Enum.GetValues<UnderlayPrimitive>();

    /// <summary>The number of integer arguments an underlay primitive takes from the stack.</summary>
    public static int Arity(UnderlayPrimitive p) => p switch
    {
        UnderlayPrimitive.vmcs_readz => 1,
        UnderlayPrimitive.vmcs_writez => 2,
        UnderlayPrimitive.get_CPU_ID or UnderlayPrimitive.hostout or UnderlayPrimitive.hostin => 0,
        _ => throw new ArgumentOutOfRangeException(nameof(p), p, "not an underlay primitive"),
    };

    /// <summary>"get_CPU_ID, vmcs_readz, vmcs_writez, hostout, hostin".</summary>
    public static string PrimitiveList => string.Join(", ", Primitives);

    /// <summary>Exact names only (Enum.TryParse alone would accept "3").</summary>
    public static bool TryParse(string name, out UnderlayPrimitive primitive)
    {
        primitive = default;
        return Array.IndexOf(Enum.GetNames<UnderlayPrimitive>(), name) >= 0 && Enum.TryParse(name, false, out primitive);
    }

    /// <summary>True for a name an object may use without defining it.</summary>
    public static bool IsExternal(string name) => name == VmxLoc || TryParse(name, out _);
}
