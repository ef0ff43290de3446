namespace VmxLayers.Constants;

/// <summary>Intel SDM basic exit reasons (certikos-vmx-layers.md §5.2).</summary>
public static class ExitReasons
{
    public const uint CPUID = 10, HLT = 12, VMCALL = 18, INOUT = 30, EPT_FAULT = 48;

    public static readonly IReadOnlyList<(uint Number, string Name)> All =
    [
        (0, "EXCEPTION"), (1, "EXT_INTR"), (2, "TRIPLE_FAULT"), (3, "INIT"), (4, "SIPI"), (5, "IO_SMI"), (6, "SMI"),
        (7, "INTR_WINDOW"), (8, "NMI_WINDOW"), (9, "TASK_SWITCH"), (10, "CPUID"), (11, "GETSEC"), (12, "HLT"),
        (13, "INVD"), (14, "INVLPG"), (15, "RDPMC"), (16, "RDTSC"), (17, "RSM"), (18, "VMCALL"), (19, "VMCLEAR"),
        (20, "VMLAUNCH"), (21, "VMPTRLD"), (22, "VMPTRST"), (23, "VMREAD"), (24, "VMRESUME"), (25, "VMWRITE"),
        (26, "VMXOFF"), (27, "VMXON"), (28, "CR_ACCESS"), (29, "DR_ACCESS"), (30, "INOUT"), (31, "RDMSR"),
        (32, "WRMSR"), (33, "INVAL_VMCS"), (34, "INVAL_MSR"), (36, "MWAIT"), (37, "MTF"), (39, "MONITOR"),
        (40, "PAUSE"), (41, "MCE"), (43, "TPR"), (44, "APIC"), (46, "GDTR_IDTR"), (47, "LDTR_TR"), (48, "EPT_FAULT"),
        (49, "EPT_MISCONFIG"), (50, "INVEPT"), (51, "RDTSCP"), (52, "VMX_PREEMPT"), (53, "INVVPID"), (54, "WBINVD"),
        (55, "XSETBV"), (57, "RDRAND"), (58, "INVPCID"), (59, "VMFUNC"),
    ];

    public static string Name(long reason) =>
        All.FirstOrDefault(r => r.Number == (reason & 0xFFFF)).Name ?? $"reason {reason}";
}

/// <summary>Fields of the exit qualification of an I/O instruction (SDM Table 27-5).</summary>
public static class IoQualification
{
    public const uint SizeMask = 7, DirectionIn = 1 << 3, String = 1 << 4, Rep = 1 << 5, Immediate = 1 << 6;
    public const int PortShift = 16;

    /// <summary>Encodes an I/O exit qualification; size is 1, 2 or 4 bytes.</summary>
    public static uint Encode(int size, bool isIn, bool isString, bool rep, bool immediate, ushort port) =>
        (uint)(size - 1) | (isIn ? DirectionIn : 0) | (isString ? String : 0) | (rep ? Rep : 0)
        | (immediate ? Immediate : 0) | ((uint)port << PortShift);

    public static int Size(uint q) => (int)(q & SizeMask) + 1;
    public static bool IsIn(uint q) => (q & DirectionIn) != 0;
    public static bool IsString(uint q) => (q & String) != 0;
    public static bool IsRep(uint q) => (q & Rep) != 0;
    /// <summary>True when the port came from an imm8 operand, false when from DX.</summary>
    public static bool IsImmediate(uint q) => (q & Immediate) != 0;
    public static ushort Port(uint q) => (ushort)(q >> PortShift);
}
