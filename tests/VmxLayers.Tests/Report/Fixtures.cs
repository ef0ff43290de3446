using System.Text.Json.Nodes;

namespace VmxLayers.Tests.Report;

/// <summary>
/// Saved `--json` outputs of the default runs too long for the suite (each file's "commandLine" says how it was made;
/// Fixtures/README.md how to refresh them): the report is built from them exactly as `vmxlayers report` does.
/// </summary>
public static class Fixtures
{
    public static string Dir()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "VmxLayers.slnx")))
                return Path.Combine(d.FullName, "tests", "VmxLayers.Tests", "Report", "Fixtures");
        throw new DirectoryNotFoundException("the repository root not found above " + AppContext.BaseDirectory);
    }

    public static string PathOf(string name) => System.IO.Path.Combine(Dir(), name);

    public static JsonObject Load(string name) => JsonNode.Parse(File.ReadAllText(PathOf(name)))!.AsObject();

    /// <summary>`vmxlayers check --mutant exit-skips-edi-store --json` (the run: all primitives, all backends, the proofs).</summary>
    public const string CheckMutant = "check-exit-skips-edi-store.json";
    /// <summary>`vmxlayers prove --mutant exit-skips-edi-store --json` (all six lemmas; vmx_exit REFUTED).</summary>
    public const string ProveMutant = "prove-exit-skips-edi-store.json";
    /// <summary>`vmxlayers mutants --backend all --json` (the whole kill matrix, the spec mutants' and the code mutants').</summary>
    public const string MutantsAll = "mutants-all.json";
    /// <summary>`vmxlayers check --primitive vmx_readz --budget 50 --json` (the layer pair and the code layer, all pass).</summary>
    public const string CheckReadz = "check-readz.json";
    /// <summary>`vmxlayers check --layers code:pvmxintro … --impl impl/mutants/asm-exit-skips-esi-store.o --json` (a composed counterexample).</summary>
    public const string CheckComposedMutant = "check-composed-exit-skips-esi-store.json";
    /// <summary>`vmxlayers prove --impl impl/mutants/c-writez-stdcall.o --primitive vmx_writez --json` (code and composed lemma REFUTED).</summary>
    public const string ProveCodeMutant = "prove-code-writez-stdcall.json";
    /// <summary>`vmxlayers simulate --impl code --cpus 2 --exits 50 --json` (three layers, related).</summary>
    public const string SimulateCode = "simulate-code.json";
    /// <summary>`vmxlayers simulate --impl impl/mutants/asm-exit-skips-esi-store.o --cpus 2 --exits 200 --json` (the code step unrelated).</summary>
    public const string SimulateCodeMutant = "simulate-code-exit-skips-esi-store.json";
}
