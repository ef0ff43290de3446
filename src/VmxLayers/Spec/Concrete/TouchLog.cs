namespace VmxLayers.Spec.Concrete;

/// <summary>
/// Where the concrete domain's state updates wrote since the last <see cref="Clear"/>: high save-area slots, low
/// VMX_LOC stores and VMCS fields. Generic spec code can build new state only through the domain's
/// <c>SetSlot</c>, <c>StoreVmxLoc</c> and <c>SetVmcsField</c>, so the log names every place a step changed; the
/// co-simulation's incremental relation check reads it instead of diffing the persistent structures.
/// </summary>
public sealed class TouchLog
{
    internal readonly List<(long Cpu, long Slot)> Slots = [];
    /// <summary>Byte offsets in VMX_LOC of successful Mint32 stores.</summary>
    internal readonly List<long> VmxLocStores = [];
    internal readonly List<(long Cpu, long Encoding)> VmcsFields = [];

    public void Clear()
    {
        Slots.Clear();
        VmxLocStores.Clear();
        VmcsFields.Clear();
    }
}
