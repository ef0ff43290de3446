using VmxLayers.Refinement;
using VmxLayers.Spec;

namespace VmxLayers.Mutants;

/// <summary>What a mutant changes.</summary>
public enum MutantTarget { LowSpec, HighSpec, Relation }

/// <summary>
/// A compiled-in wrong variant. <see cref="Equivalent"/> is non-null when the mutant cannot be told apart
/// from the real system by the simulation statement, with the argument why (docs/mutants.md).
/// </summary>
public sealed record Mutant(MutantId Id, MutantTarget Target, Prim? Primitive, string Description, string? Equivalent = null)
{
    /// <summary>The run-time name, e.g. "exit-stores-ebx-into-slot4".</summary>
    public string Name => MutantCatalog.NameOf(Id);
}

/// <summary>Every mutant, selectable by name with --mutant.</summary>
public static class MutantCatalog
{
    const string LowWeaker = "the low spec only gets weaker: it succeeds in more states, and refinement only requires the low side to succeed whenever the high side does; results are unchanged";

    public static readonly IReadOnlyList<Mutant> All =
    [
        new(MutantId.ExitStoresEbxIntoSlot4, MutantTarget.LowSpec, Prim.vmx_exit, "vmx_exit stores guest EBX into slot 4 (G_RCX) instead of slot 2 (G_RBX): an off-by-two slot index"),
        new(MutantId.ExitSkipsEdiStore, MutantTarget.LowSpec, Prim.vmx_exit, "vmx_exit forgets to store guest EDI (a missing store)"),
        new(MutantId.ExitLoadsHostEbpFromSlot32, MutantTarget.LowSpec, Prim.vmx_exit, "vmx_exit restores host EBP from slot 32 (FAILED) instead of 33 (HOST_EBP)"),
        new(MutantId.ExitSwapsHostEbpEdi, MutantTarget.LowSpec, Prim.vmx_exit, "vmx_exit restores host EBP and EDI swapped"),
        new(MutantId.ExitDropsEcxCheck, MutantTarget.LowSpec, Prim.vmx_exit, "low vmx_exit does not check ECX = 152·cpu", LowWeaker),
        new(MutantId.ExitWrongStride38, MutantTarget.LowSpec, Prim.vmx_exit, "low vmx_exit uses a stride of 38 bytes per CPU instead of 38 words (152 bytes)"),
        new(MutantId.ExitStoresIntoNextCpu, MutantTarget.LowSpec, Prim.vmx_exit, "low vmx_exit also stores EAX into the next CPU's slot 0 (an extra store into another CPU's area)"),
        new(MutantId.WritezRangeLe38, MutantTarget.LowSpec, Prim.vmx_writez, "low vmx_writez checks i <= 38 instead of i < 38 (off-by-one range check)", LowWeaker + "; i = 38 is rejected by the high spec, so the extra store never happens in a case the statement covers"),
        new(MutantId.WritezStoresIntoSlotPlus1, MutantTarget.LowSpec, Prim.vmx_writez, "low vmx_writez stores into slot i+1 (wrong slot)"),
        new(MutantId.ReadzIgnoresIhost, MutantTarget.LowSpec, Prim.vmx_readz, "low vmx_readz checks only ikern, not ihost (a missing flag check)", LowWeaker),
        new(MutantId.ReadzNoVintCheck, MutantTarget.LowSpec, Prim.vmx_readz, "low vmx_readz returns the loaded value without checking it is a Vint", "whenever the high spec succeeds the high slot is a Vint, and a Vint injects only into the same Vint, so the low load returns exactly that Vint"),
        new(MutantId.EnterSkipsHostout, MutantTarget.LowSpec, Prim.vmx_enter, "low vmx_enter forgets to call hostout (ihost stays true)"),
        new(MutantId.EnterDropsEspCheck, MutantTarget.LowSpec, Prim.vmx_enter, "low vmx_enter does not check ESP", LowWeaker),
        new(MutantId.EnterPcFromSlot12, MutantTarget.LowSpec, Prim.vmx_enter, "low vmx_enter jumps to slot 12 (G_RBP) instead of slot 14 (G_RIP)"),
        new(MutantId.EnterLoadsRaxAfterStoringEbpIntoIt, MutantTarget.LowSpec, Prim.vmx_enter, "low vmx_enter saves host EBP into slot 0 (G_RAX) and then loads guest EAX from it: a store before a load that changes its result"),
        new(MutantId.EnterSwapsEbxEdx, MutantTarget.LowSpec, Prim.vmx_enter, "low vmx_enter restores guest EBX and EDX swapped"),
        new(MutantId.EnterPreWritesGuestRsp, MutantTarget.LowSpec, Prim.vmx_enter_pre, "low vmx_enter_pre writes VMCS GUEST_RSP (0x681C) instead of GUEST_RIP (0x681E): a wrong VMCS encoding"),
        new(MutantId.EnterPreLoadsSlot15, MutantTarget.LowSpec, Prim.vmx_enter_pre, "low vmx_enter_pre loads slot 15 (the high word of G_RIP) instead of 14"),
        new(MutantId.ExitPostStoresReasonIntoSlot28, MutantTarget.LowSpec, Prim.vmx_exit_post, "low vmx_exit_post stores the exit reason into slot 28 (EXIT_QUALIFICATION) instead of 27"),
        new(MutantId.ExitPostSkipsLaunched, MutantTarget.LowSpec, Prim.vmx_exit_post, "low vmx_exit_post forgets to set LAUNCHED (slot 31) to 1"),
        new(MutantId.ExitPostReadsQualificationFromExitReason, MutantTarget.LowSpec, Prim.vmx_exit_post, "low vmx_exit_post reads the qualification from VMCS EXIT_REASON (a wrong VMCS encoding)"),
        new(MutantId.HighWritezDropsIhostCheck, MutantTarget.HighSpec, Prim.vmx_writez, "high vmx_writez does not require ihost (a missing flag check in the spec)"),
        new(MutantId.HighExitSavesEcx, MutantTarget.HighSpec, Prim.vmx_exit, "high vmx_exit also saves ECX into slot 4, which the implementation never does"),
        new(MutantId.HighEnterKeepsIhost, MutantTarget.HighSpec, Prim.vmx_enter, "high vmx_enter forgets to clear ihost"),
        new(MutantId.HighExitPostLaunchedZero, MutantTarget.HighSpec, Prim.vmx_exit_post, "high vmx_exit_post sets LAUNCHED to 0 instead of 1"),
        new(MutantId.HighReadzSignedRange, MutantTarget.HighSpec, Prim.vmx_readz, "high vmx_readz checks the index with a signed comparison i < 38 (signed/unsigned confusion: 0xFFFFFFFF passes)"),
        new(MutantId.HighExitDropsEcxCheck, MutantTarget.HighSpec, Prim.vmx_exit, "high vmx_exit does not require ECX = 152·cpu (the ECX check dropped from the spec)"),
        new(MutantId.HighEnterDropsEspCheck, MutantTarget.HighSpec, Prim.vmx_enter, "high vmx_enter does not require a defined stack ESP (the ESP check dropped from the spec)"),
        new(MutantId.MatchOnlyCurrentCpu, MutantTarget.Relation, null, "match only looks at the current CPU's slots (the seed's local view)", "every primitive reads and writes only the current CPU's save area and VMCS, and the current-CPU clause alone already forces 0 ≤ cpu < TOTAL_CPU (the Mint32 load at 152·cpu + 4i must succeed), so each step's statement holds with the weaker relation in both hypothesis and conclusion; only a multi-CPU run that assumes match for another CPU could tell them apart"),
        new(MutantId.RelateIgnoresVmcs, MutantTarget.Relation, null, "relate ignores the VMCS"),
        new(MutantId.MatchIgnoresWritable, MutantTarget.Relation, null, "match does not require the VMX words to be writable"),
        new(MutantId.MatchOmitsLoadResult, MutantTarget.Relation, null, "match compares the raw high slot instead of load_result Mint32 of it", "the layer invariant makes every slot Vundef, Vint or Vptr, on which load_result Mint32 is the identity"),
    ];

    public static Mutant Get(MutantId id) => All.First(m => m.Id == id);

    /// <summary>Kebab-case name of a mutant id.</summary>
    public static string NameOf(MutantId id) =>
        string.Concat(id.ToString().Select((ch, i) => char.IsUpper(ch) && i > 0 ? "-" + char.ToLowerInvariant(ch) : char.ToLowerInvariant(ch).ToString()));

    public static bool TryParse(string name, out Mutant mutant)
    {
        mutant = All.FirstOrDefault(m => m.Name == name || m.Id.ToString() == name)!;
        return mutant is not null;
    }
}
