namespace VmxLayers.Spec;

/// <summary>The names of the layers, as specs and messages give them.</summary>
public static class LayerNames
{
    /// <summary>The upper layer: the VMX save area is abstract state.</summary>
    public const string PVMXIntro = "PVMXIntro";
    /// <summary>The lower layer: the VMX save area lives in the memory block VMX_LOC.</summary>
    public const string VMCSInit = "VMCSInit";
}
