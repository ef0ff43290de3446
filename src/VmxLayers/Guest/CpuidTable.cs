namespace VmxLayers.Guest;

/// <summary>Registers returned by one CPUID leaf.</summary>
public readonly record struct CpuidResult(uint Eax, uint Ebx, uint Ecx, uint Edx);

/// <summary>
/// The host's CPUID answers (guests/README.md). Only EAX, EBX, EDX reach the guest through the VMX save
/// area; guest ECX is saved/restored by neither layer, so the host leaves it unchanged.
/// </summary>
public static class CpuidTable
{
    /// <summary>Vendor "VmxLayersCPU" split as EBX, EDX, ECX (CPUID's order).</summary>
    public const uint VendorEbx = 0x4C786D56, VendorEdx = 0x72657961, VendorEcx = 0x55504373; // "VmxL" "ayer" "sCPU"

    /// <summary>Highest basic leaf.</summary>
    public const uint MaxLeaf = 1;

    /// <summary>Leaf 1 EAX: family 6, model 0x3A, stepping 9 (Ivy Bridge).</summary>
    public const uint Leaf1Eax = 0x000306A9;

    /// <summary>Leaf 1 ECX bit 5: VMX supported.</summary>
    public const uint Leaf1Ecx = 1u << 5;

    /// <summary>The answer for <paramref name="leaf"/>; leaves above <see cref="MaxLeaf"/> answer all zeros.</summary>
    public static CpuidResult Lookup(uint leaf) => leaf switch
    {
        0 => new(MaxLeaf, VendorEbx, VendorEcx, VendorEdx),
        1 => new(Leaf1Eax, 0, Leaf1Ecx, 0),
        _ => new(0, 0, 0, 0),
    };
}
