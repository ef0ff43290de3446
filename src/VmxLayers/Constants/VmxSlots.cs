namespace VmxLayers.Constants;

/// <summary>The VMX save area of one CPU: 38 32-bit slots, 152 bytes apart per CPU (SPEC §2).</summary>
public static class VmxSlots
{
    /// <summary>VMX_Size': slots per CPU.</summary>
    public const int Size = 38;
    /// <summary>Bytes between two CPUs' save areas (38 × 4).</summary>
    public const int Stride = 152;
    /// <summary>TOTAL_CPU when nothing else is configured.</summary>
    public const int DefaultTotalCpu = 8;

    public const int G_RAX = 0, G_RBX = 2, G_RCX = 4, G_RDX = 6, G_RSI = 8, G_RDI = 10, G_RBP = 12, G_RIP = 14;
    public const int G_CR2 = 16, G_DR0 = 17, G_DR1 = 18, G_DR2 = 19, G_DR3 = 20, G_DR6 = 21;
    public const int ENTER_TSC = 22, EXIT_TSC = 24, VPID = 26, EXIT_REASON = 27, EXIT_QUALIFICATION = 28;
    public const int PENDING_INTR = 30, LAUNCHED = 31, FAILED = 32, HOST_EBP = 33, HOST_EDI = 34, HOST_EIP = 35;

    static readonly string[] names = BuildNames();

    static string[] BuildNames()
    {
        var n = new string[Size];
        (int Slot, string Name)[] named =
        [
            (G_RAX, "G_RAX"), (G_RBX, "G_RBX"), (G_RCX, "G_RCX"), (G_RDX, "G_RDX"), (G_RSI, "G_RSI"),
            (G_RDI, "G_RDI"), (G_RBP, "G_RBP"), (G_RIP, "G_RIP"), (G_CR2, "G_CR2"), (G_DR0, "G_DR0"),
            (G_DR1, "G_DR1"), (G_DR2, "G_DR2"), (G_DR3, "G_DR3"), (G_DR6, "G_DR6"), (ENTER_TSC, "ENTER_TSC"),
            (ENTER_TSC + 1, "ENTER_TSC_HI"), (EXIT_TSC, "EXIT_TSC"), (EXIT_TSC + 1, "EXIT_TSC_HI"), (VPID, "VPID"),
            (EXIT_REASON, "EXIT_REASON"), (EXIT_QUALIFICATION, "EXIT_QUALIFICATION"), (PENDING_INTR, "PENDING_INTR"),
            (LAUNCHED, "LAUNCHED"), (FAILED, "FAILED"), (HOST_EBP, "HOST_EBP"), (HOST_EDI, "HOST_EDI"), (HOST_EIP, "HOST_EIP"),
        ];
        foreach (var (slot, name) in named) n[slot] = name;
        for (int i = 0; i < Size; i++)
            n[i] ??= i is 36 or 37 ? $"RESERVED{i}" : $"{n[i - 1]}_HI";
        return n;
    }

    /// <summary>The slot's name, e.g. 12 → "G_RBP"; odd high words of 64-bit fields end in _HI.</summary>
    public static string Name(long slot) => slot is >= 0 and < Size ? names[slot] : $"slot {slot}";

    /// <summary>"slot 12 (G_RBP)".</summary>
    public static string Describe(long slot) => $"slot {slot} ({Name(slot)})";

    /// <summary>Byte offset of slot i of CPU c in VMX_LOC.</summary>
    public static long Offset(long cpu, long slot) => Stride * cpu + 4 * slot;

    public static bool TryParse(string name, out int slot)
    {
        slot = Array.IndexOf(names, name);
        return slot >= 0;
    }
}
