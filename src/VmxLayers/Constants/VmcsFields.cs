using System.Collections.Frozen;

namespace VmxLayers.Constants;

/// <summary>
/// Intel's VMCS field encodings (SDM Vol. 3 App. B). 64-bit fields also have their "_HIGH" access
/// encoding (+1). Any other number makes vmcs_readz / vmcs_writez fail.
/// </summary>
public static class VmcsFields
{
    public const int GUEST_RIP = 0x681E, GUEST_RSP = 0x681C, GUEST_RFLAGS = 0x6820;
    public const int EXIT_REASON = 0x4402, EXIT_QUALIFICATION = 0x6400, EXIT_INSTRUCTION_LENGTH = 0x440C;

    static readonly (int Encoding, string Name)[] sixteenAndNatural =
    [
        (0x0000, "VPID"), (0x0002, "POSTED_INTR_NV"), (0x0004, "EPTP_INDEX"),
        (0x0800, "GUEST_ES_SELECTOR"), (0x0802, "GUEST_CS_SELECTOR"), (0x0804, "GUEST_SS_SELECTOR"),
        (0x0806, "GUEST_DS_SELECTOR"), (0x0808, "GUEST_FS_SELECTOR"), (0x080A, "GUEST_GS_SELECTOR"),
        (0x080C, "GUEST_LDTR_SELECTOR"), (0x080E, "GUEST_TR_SELECTOR"), (0x0810, "GUEST_INTR_STATUS"), (0x0812, "PML_INDEX"),
        (0x0C00, "HOST_ES_SELECTOR"), (0x0C02, "HOST_CS_SELECTOR"), (0x0C04, "HOST_SS_SELECTOR"), (0x0C06, "HOST_DS_SELECTOR"),
        (0x0C08, "HOST_FS_SELECTOR"), (0x0C0A, "HOST_GS_SELECTOR"), (0x0C0C, "HOST_TR_SELECTOR"),
        (0x4000, "PIN_BASED_CTLS"), (0x4002, "PRI_PROC_BASED_CTLS"), (0x4004, "EXCEPTION_BITMAP"),
        (0x4006, "PF_ERROR_CODE_MASK"), (0x4008, "PF_ERROR_CODE_MATCH"), (0x400A, "CR3_TARGET_COUNT"),
        (0x400C, "EXIT_CTLS"), (0x400E, "EXIT_MSR_STORE_COUNT"), (0x4010, "EXIT_MSR_LOAD_COUNT"), (0x4012, "ENTRY_CTLS"),
        (0x4014, "ENTRY_MSR_LOAD_COUNT"), (0x4016, "ENTRY_INTR_INFO"), (0x4018, "ENTRY_EXCEPTION_ERROR"),
        (0x401A, "ENTRY_INST_LENGTH"), (0x401C, "TPR_THRESHOLD"), (0x401E, "SEC_PROC_BASED_CTLS"),
        (0x4020, "PLE_GAP"), (0x4022, "PLE_WINDOW"),
        (0x4400, "INSTRUCTION_ERROR"), (0x4402, "EXIT_REASON"), (0x4404, "EXIT_INTERRUPTION_INFO"),
        (0x4406, "EXIT_INTERRUPTION_ERROR"), (0x4408, "IDT_VECTORING_INFO"), (0x440A, "IDT_VECTORING_ERROR"),
        (0x440C, "EXIT_INSTRUCTION_LENGTH"), (0x440E, "EXIT_INSTRUCTION_INFO"),
        (0x4800, "GUEST_ES_LIMIT"), (0x4802, "GUEST_CS_LIMIT"), (0x4804, "GUEST_SS_LIMIT"), (0x4806, "GUEST_DS_LIMIT"),
        (0x4808, "GUEST_FS_LIMIT"), (0x480A, "GUEST_GS_LIMIT"), (0x480C, "GUEST_LDTR_LIMIT"), (0x480E, "GUEST_TR_LIMIT"),
        (0x4810, "GUEST_GDTR_LIMIT"), (0x4812, "GUEST_IDTR_LIMIT"), (0x4814, "GUEST_ES_ACCESS_RIGHTS"),
        (0x4816, "GUEST_CS_ACCESS_RIGHTS"), (0x4818, "GUEST_SS_ACCESS_RIGHTS"), (0x481A, "GUEST_DS_ACCESS_RIGHTS"),
        (0x481C, "GUEST_FS_ACCESS_RIGHTS"), (0x481E, "GUEST_GS_ACCESS_RIGHTS"), (0x4820, "GUEST_LDTR_ACCESS_RIGHTS"),
        (0x4822, "GUEST_TR_ACCESS_RIGHTS"), (0x4824, "GUEST_INTERRUPTIBILITY"), (0x4826, "GUEST_ACTIVITY"),
        (0x4828, "GUEST_SMBASE"), (0x482A, "GUEST_IA32_SYSENTER_CS"), (0x482E, "PREEMPTION_TIMER_VALUE"),
        (0x4C00, "HOST_IA32_SYSENTER_CS"),
        (0x6000, "CR0_MASK"), (0x6002, "CR4_MASK"), (0x6004, "CR0_READ_SHADOW"), (0x6006, "CR4_READ_SHADOW"),
        (0x6008, "CR3_TARGET_VALUE0"), (0x600A, "CR3_TARGET_VALUE1"), (0x600C, "CR3_TARGET_VALUE2"), (0x600E, "CR3_TARGET_VALUE3"),
        (0x6400, "EXIT_QUALIFICATION"), (0x6402, "IO_RCX"), (0x6404, "IO_RSI"), (0x6406, "IO_RDI"), (0x6408, "IO_RIP"),
        (0x640A, "GUEST_LINEAR_ADDRESS"),
        (0x6800, "GUEST_CR0"), (0x6802, "GUEST_CR3"), (0x6804, "GUEST_CR4"), (0x6806, "GUEST_ES_BASE"), (0x6808, "GUEST_CS_BASE"),
        (0x680A, "GUEST_SS_BASE"), (0x680C, "GUEST_DS_BASE"), (0x680E, "GUEST_FS_BASE"), (0x6810, "GUEST_GS_BASE"),
        (0x6812, "GUEST_LDTR_BASE"), (0x6814, "GUEST_TR_BASE"), (0x6816, "GUEST_GDTR_BASE"), (0x6818, "GUEST_IDTR_BASE"),
        (0x681A, "GUEST_DR7"), (0x681C, "GUEST_RSP"), (0x681E, "GUEST_RIP"), (0x6820, "GUEST_RFLAGS"),
        (0x6822, "GUEST_PENDING_DBG_EXCEPTIONS"), (0x6824, "GUEST_IA32_SYSENTER_ESP"), (0x6826, "GUEST_IA32_SYSENTER_EIP"),
        (0x6C00, "HOST_CR0"), (0x6C02, "HOST_CR3"), (0x6C04, "HOST_CR4"), (0x6C06, "HOST_FS_BASE"), (0x6C08, "HOST_GS_BASE"),
        (0x6C0A, "HOST_TR_BASE"), (0x6C0C, "HOST_GDTR_BASE"), (0x6C0E, "HOST_IDTR_BASE"),
        (0x6C10, "HOST_IA32_SYSENTER_ESP"), (0x6C12, "HOST_IA32_SYSENTER_EIP"), (0x6C14, "HOST_RSP"), (0x6C16, "HOST_RIP"),
    ];

    static readonly (int Encoding, string Name)[] sixtyFourBit =
    [
        (0x2000, "IO_BITMAP_A"), (0x2002, "IO_BITMAP_B"), (0x2004, "MSR_BITMAP"), (0x2006, "EXIT_MSR_STORE_ADDR"),
        (0x2008, "EXIT_MSR_LOAD_ADDR"), (0x200A, "ENTRY_MSR_LOAD_ADDR"), (0x200C, "EXECUTIVE_VMCS_PTR"),
        (0x200E, "PML_ADDRESS"), (0x2010, "TSC_OFFSET"), (0x2012, "VIRTUAL_APIC_ADDRESS"), (0x2014, "APIC_ACCESS_ADDRESS"),
        (0x2016, "POSTED_INTR_DESC_ADDR"), (0x2018, "VM_FUNCTION_CTLS"), (0x201A, "EPTP"),
        (0x201C, "EOI_EXIT_BITMAP0"), (0x201E, "EOI_EXIT_BITMAP1"), (0x2020, "EOI_EXIT_BITMAP2"), (0x2022, "EOI_EXIT_BITMAP3"),
        (0x2024, "EPTP_LIST_ADDRESS"), (0x2026, "VMREAD_BITMAP"), (0x2028, "VMWRITE_BITMAP"), (0x202A, "VE_INFO_ADDRESS"),
        (0x202C, "XSS_EXITING_BITMAP"), (0x202E, "ENCLS_EXITING_BITMAP"), (0x2032, "TSC_MULTIPLIER"),
        (0x2400, "GUEST_PHYSICAL_ADDRESS"),
        (0x2800, "VMCS_LINK_POINTER"), (0x2802, "GUEST_IA32_DEBUGCTL"), (0x2804, "GUEST_IA32_PAT"), (0x2806, "GUEST_IA32_EFER"),
        (0x2808, "GUEST_IA32_PERF_GLOBAL_CTRL"), (0x280A, "GUEST_PDPTE0"), (0x280C, "GUEST_PDPTE1"), (0x280E, "GUEST_PDPTE2"),
        (0x2810, "GUEST_PDPTE3"), (0x2812, "GUEST_IA32_BNDCFGS"),
        (0x2C00, "HOST_IA32_PAT"), (0x2C02, "HOST_IA32_EFER"), (0x2C04, "HOST_IA32_PERF_GLOBAL_CTRL"),
    ];

    /// <summary>Every valid encoding with its name, sorted by encoding.</summary>
    public static readonly IReadOnlyList<(int Encoding, string Name)> All =
        sixteenAndNatural
            .Concat(sixtyFourBit)
            .Concat(sixtyFourBit.Select(f => (Encoding: f.Encoding + 1, Name: f.Name + "_HIGH")))
            .OrderBy(f => f.Encoding)
            .ToArray();

    static readonly FrozenDictionary<long, int> ordinal =
        All.Select((f, i) => (f.Encoding, i)).ToFrozenDictionary(x => (long)x.Encoding, x => x.i);
    static readonly FrozenDictionary<string, int> byName =
        All.ToFrozenDictionary(f => f.Name, f => f.Encoding);

    public static int Count => All.Count;

    public static bool IsValid(long encoding) => ordinal.ContainsKey(encoding);

    /// <summary>Dense index of a valid encoding (its position in <see cref="All"/>), or -1.</summary>
    public static int Ordinal(long encoding) => ordinal.TryGetValue(encoding, out var i) ? i : -1;

    public static string Name(long encoding) => ordinal.TryGetValue(encoding, out var i) ? All[i].Name : $"0x{encoding:X4}";

    /// <summary>"0x681E (GUEST_RIP)".</summary>
    public static string Describe(long encoding) => $"0x{encoding:X4} ({Name(encoding)})";

    public static bool TryParse(string name, out int encoding) => byName.TryGetValue(name, out encoding);
}
