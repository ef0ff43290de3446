namespace VmxLayers.Spec;

/// <summary>
/// Wrong variants compiled into the specs and the relation, off by default (QuickChick-style
/// mutation testing). Descriptions and classification live in <see cref="Mutants.MutantCatalog"/>.
/// </summary>
public enum MutantId
{
    None = 0,
    // low specs
    ExitStoresEbxIntoSlot4,
    ExitSkipsEdiStore,
    ExitLoadsHostEbpFromSlot32,
    ExitSwapsHostEbpEdi,
    ExitDropsEcxCheck,
    ExitWrongStride38,
    ExitStoresIntoNextCpu,
    WritezRangeLe38,
    WritezStoresIntoSlotPlus1,
    ReadzIgnoresIhost,
    ReadzNoVintCheck,
    EnterSkipsHostout,
    EnterDropsEspCheck,
    EnterPcFromSlot12,
    EnterLoadsRaxAfterStoringEbpIntoIt,
    EnterSwapsEbxEdx,
    EnterPreWritesGuestRsp,
    EnterPreLoadsSlot15,
    ExitPostStoresReasonIntoSlot28,
    ExitPostSkipsLaunched,
    ExitPostReadsQualificationFromExitReason,
    // high specs
    HighWritezDropsIhostCheck,
    HighExitSavesEcx,
    HighEnterKeepsIhost,
    HighExitDropsEcxCheck,
    HighEnterDropsEspCheck,
    HighExitPostLaunchedZero,
    HighReadzSignedRange,
    // relation
    MatchOnlyCurrentCpu,
    RelateIgnoresVmcs,
    MatchIgnoresWritable,
    MatchOmitsLoadResult,
}
