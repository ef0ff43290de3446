using VmxLayers.Layers;
using VmxLayers.Primitives;
using VmxLayers.Refinement;
using VmxLayers.Spec;

namespace VmxLayers.Mutants;

/// <summary>What a mutant changes.</summary>
public enum MutantTarget { LowSpec, HighSpec, Relation }

/// <summary>
/// A wrong variant of the refinement: one named step of one spec, or one named clause of the relation, replaced
/// (the variants are the classes in this folder). <see cref="Equivalent"/> is non-null when the mutant cannot be
/// told apart from the real system by the simulation statement, with the argument why (docs/mutants.md).
/// </summary>
public sealed record Mutant(string Name, MutantTarget Target, Primitive? Primitive, string Description, Func<RefinementDef, RefinementDef> Apply, string? Equivalent = null)
{
    /// <summary>The refinement with this mutant in place of the real step or clause.</summary>
    public RefinementDef On(RefinementDef r) => Apply(r) with { Name = $"{r.Name} [mutant {Name}]" };

    public override string ToString() => Name;
}

/// <summary>Every mutant, selectable by name with --mutant.</summary>
public static class MutantCatalog
{
    const string LowWeaker = "the low spec only gets weaker: it succeeds in more states, and refinement only requires the low side to succeed whenever the high side does; results are unchanged";

    static Mutant Low(string name, PrimSpec variant, string description, string? equivalent = null) =>
        new(name, MutantTarget.LowSpec, variant.Primitive, description, r => r.WithLower(variant), equivalent);

    static Mutant High(string name, PrimSpec variant, string description, string? equivalent = null) =>
        new(name, MutantTarget.HighSpec, variant.Primitive, description, r => r.WithUpper(variant), equivalent);

    static Mutant Rel(string name, RelationDef variant, string description, string? equivalent = null) =>
        new(name, MutantTarget.Relation, null, description, r => r.WithRelation(variant), equivalent);

    public static readonly IReadOnlyList<Mutant> All =
    [
        Low("exit-stores-ebx-into-slot4", new ExitStoresEbxIntoSlot4(), "vmx_exit stores guest EBX into slot 4 (G_RCX) instead of slot 2 (G_RBX): an off-by-two slot index"),
        Low("exit-skips-edi-store", new ExitSkipsEdiStore(), "vmx_exit forgets to store guest EDI (a missing store)"),
        Low("exit-loads-host-ebp-from-slot32", new ExitLoadsHostEbpFromSlot32(), "vmx_exit restores host EBP from slot 32 (FAILED) instead of 33 (HOST_EBP)"),
        Low("exit-swaps-host-ebp-edi", new ExitSwapsHostEbpEdi(), "vmx_exit restores host EBP and EDI swapped"),
        Low("exit-drops-ecx-check", new ExitDropsEcxCheck(), "low vmx_exit does not check ECX = 152·cpu", LowWeaker),
        Low("exit-wrong-stride38", new ExitWrongStride38(), "low vmx_exit uses a stride of 38 bytes per CPU instead of 38 words (152 bytes)"),
        Low("exit-stores-into-next-cpu", new ExitStoresIntoNextCpu(), "low vmx_exit also stores EAX into the next CPU's slot 0 (an extra store into another CPU's area; only match_all sees it, so replay and the co-simulation kill it)"),
        Low("writez-range-le38", new WritezRangeLe38(), "low vmx_writez checks i <= 38 instead of i < 38 (off-by-one range check)", LowWeaker + "; i = 38 is rejected by the high spec, so the extra store never happens in a case the statement covers"),
        Low("writez-stores-into-slot-plus1", new WritezStoresIntoSlotPlus1(), "low vmx_writez stores into slot i+1 (wrong slot)"),
        Low("readz-ignores-ihost", new ReadzIgnoresIhost(), "low vmx_readz checks only ikern, not ihost (a missing flag check)", LowWeaker),
        Low("readz-no-vint-check", new ReadzNoVintCheck(), "low vmx_readz returns the loaded value without checking it is a Vint", "whenever the high spec succeeds the high slot is a Vint, and a Vint injects only into the same Vint, so the low load returns exactly that Vint"),
        Low("enter-skips-hostout", new EnterSkipsHostout(), "low vmx_enter forgets to call hostout (ihost stays true)"),
        Low("enter-drops-esp-check", new EnterDropsEspCheck(), "low vmx_enter does not check ESP", LowWeaker),
        Low("enter-pc-from-slot12", new EnterPcFromSlot12(), "low vmx_enter jumps to slot 12 (G_RBP) instead of slot 14 (G_RIP)"),
        Low("enter-loads-rax-after-storing-ebp-into-it", new EnterLoadsRaxAfterStoringEbpIntoIt(), "low vmx_enter saves host EBP into slot 0 (G_RAX) and then loads guest EAX from it: a store before a load that changes its result"),
        Low("enter-swaps-ebx-edx", new EnterSwapsEbxEdx(), "low vmx_enter restores guest EBX and EDX swapped"),
        Low("enter-pre-writes-guest-rsp", new EnterPreWritesGuestRsp(), "low vmx_enter_pre writes VMCS GUEST_RSP (0x681C) instead of GUEST_RIP (0x681E): a wrong VMCS encoding"),
        Low("enter-pre-loads-slot15", new EnterPreLoadsSlot15(), "low vmx_enter_pre loads slot 15 (the high word of G_RIP) instead of 14"),
        Low("exit-post-stores-reason-into-slot28", new ExitPostStoresReasonIntoSlot28(), "low vmx_exit_post stores the exit reason into slot 28 (EXIT_QUALIFICATION) instead of 27"),
        Low("exit-post-skips-launched", new ExitPostSkipsLaunched(), "low vmx_exit_post forgets to set LAUNCHED (slot 31) to 1"),
        Low("exit-post-reads-qualification-from-exit-reason", new ExitPostReadsQualificationFromExitReason(), "low vmx_exit_post reads the qualification from VMCS EXIT_REASON (a wrong VMCS encoding)"),
        High("high-writez-drops-ihost-check", new HighWritezDropsIhostCheck(), "high vmx_writez does not require ihost (a missing flag check in the spec)"),
        High("high-exit-saves-ecx", new HighExitSavesEcx(), "high vmx_exit also saves ECX into slot 4, which the implementation never does"),
        High("high-enter-keeps-ihost", new HighEnterKeepsIhost(), "high vmx_enter forgets to clear ihost"),
        High("high-exit-post-launched-zero", new HighExitPostLaunchedZero(), "high vmx_exit_post sets LAUNCHED to 0 instead of 1"),
        High("high-readz-signed-range", new HighReadzSignedRange(), "high vmx_readz checks the index with a signed comparison i < 38 (signed/unsigned confusion: 0xFFFFFFFF passes)"),
        High("high-exit-drops-ecx-check", new HighExitDropsEcxCheck(), "high vmx_exit does not require ECX = 152·cpu (the ECX check dropped from the spec)"),
        High("high-enter-drops-esp-check", new HighEnterDropsEspCheck(), "high vmx_enter does not require a defined stack ESP (the ESP check dropped from the spec)"),
        Rel("relate-ignores-vmcs", new RelateIgnoresVmcs(), "relate ignores the VMCS"),
        Rel("match-ignores-writable", new MatchIgnoresWritable(), "match does not require the VMX words to be writable"),
        Rel("match-omits-load-result", new MatchOmitsLoadResult(), "match compares the raw high slot instead of load_result Mint32 of it", "the layer invariant makes every slot Vundef, Vint or Vptr, on which load_result Mint32 is the identity"),
        Rel("match-all-skips-last-cpu", new MatchAllSkipsLastCpu(), "match_all (the global invariant replay and the co-simulation check) skips the last CPU's save area: a store into another CPU's area there goes unseen"),
        Rel("match-all-only-current-cpu", new MatchAllOnlyCurrentCpu(), "match_all looks only at the current CPU's save area (the seed's local match used as the global invariant)"),
    ];

    /// <summary>The mutant of that name, or null.</summary>
    public static bool TryParse(string name, out Mutant mutant)
    {
        mutant = All.FirstOrDefault(m => m.Name == name)!;
        return mutant is not null;
    }

    public static Mutant Get(string name) => TryParse(name, out var m) ? m : throw new KeyNotFoundException($"unknown mutant '{name}'");

    /// <summary>The refinement under the named mutant (null = the real one).</summary>
    public static RefinementDef Refinement(string? name) => name is null ? VmxLayerPair.Refinement : Get(name).On(VmxLayerPair.Refinement);
}
