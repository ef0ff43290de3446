using VmxLayers.Semantics;

namespace VmxLayers.Constants;

/// <summary>The global symbols of the layer pair (their blocks are fixed by <see cref="Genv"/>).</summary>
public enum Global { vmx_enter, vmx_exit, VMX_LOC }

/// <summary>
/// The global environment: function symbols vmx_enter (block 1), vmx_exit (block 2) and the data
/// symbol VMX_LOC (block 3, 152 × TOTAL_CPU bytes); genv_next = 4.
/// </summary>
public sealed record Genv(int TotalCpu)
{
    public const int VmxEnterBlock = 1, VmxExitBlock = 2, VmxLocBlock = 3, Next = 4;

    public static int BlockOf(Global g) => g switch
    {
        Global.vmx_enter => VmxEnterBlock,
        Global.vmx_exit => VmxExitBlock,
        Global.VMX_LOC => VmxLocBlock,
        _ => throw new ArgumentOutOfRangeException(nameof(g), g, "not a global symbol"),
    };

    public static Global? GlobalOf(int block) => block switch
    {
        VmxEnterBlock => Global.vmx_enter,
        VmxExitBlock => Global.vmx_exit,
        VmxLocBlock => Global.VMX_LOC,
        _ => null,
    };

    public long VmxLocSize => (long)VmxSlots.Stride * TotalCpu;

    /// <summary>The globals in memory: code blocks with Nonempty permission, VMX_LOC Writable (low) or none (high).</summary>
    /// <param name="lowFreeable">Low side only: leave VMX_LOC Freeable (the caller fills it, then drops permissions itself).</param>
    public Mem InitialMemory(bool high, bool lowFreeable = false)
    {
        var m = Mem.Empty;
        foreach (var _ in new[] { Global.vmx_enter, Global.vmx_exit })
        {
            (m, int b) = m.Alloc(0, 1);
            m = m.DropPerm(b, 0, 1, Permission.Nonempty)!;
        }
        (m, int loc) = m.Alloc(0, VmxLocSize);
        if (!high && lowFreeable) return m;
        m = high ? m.Free(loc, 0, VmxLocSize)! : m.DropPerm(loc, 0, VmxLocSize, Permission.Writable)!;
        return m;
    }
}
