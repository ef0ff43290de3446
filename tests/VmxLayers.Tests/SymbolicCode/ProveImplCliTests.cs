using VmxLayers.Cli;
using VmxLayers.Tests.Code;
using VmxLayers.Tests.Smt;
using VmxLayers.Tests.Smt.Solvers;

namespace VmxLayers.Tests.SymbolicCode;

/// <summary>prove --impl: a user's object proved, a wrong one refuted with its replayed counterexample, and the bad inputs.</summary>
[Collection("Console")]
public class ProveImplCliTests
{
    static (int Code, string Out, string Err) Run(params string[] args) => Tests.Cli.InProcessCli.Run(args);

    static string Impl(string name) => Path.Combine(ImplFiles.Dir, name);

    [SolverTheory("libz3")]
    [InlineData("vmx.o", 0, "PROVED")]
    [InlineData("mutants/c-writez-stdcall.o", 1, "REFUTED")]
    public void ProveImplGivesTheVerdictAndExitCode(string file, int exit, string verdict)
    {
        var (code, output, _) = Run("prove", "--impl", Impl(file), "--primitive", "vmx_writez");
        Assert.Equal(exit, code);
        Assert.Contains("code ⊑ VMCSInit", output);
        Assert.Matches($@"vmx_writez\s+{verdict}", output);
        if (exit == 1) Assert.Contains("counterexample: replayed concretely: fails", output);
    }

    [Theory]
    [InlineData("--mutant", "exit-skips-edi-store")]
    [InlineData("--save-counterexample", "x.json")]
    public void OptionsAboutTheLayerPairAreBadInputWithImpl(string option, string value)
    {
        var (code, _, err) = Run("prove", "--impl", Impl("vmx.o"), option, value);
        Assert.Equal(2, code);
        Assert.Single(err.Trim().Split('\n'));
        Assert.Contains("--impl", err);
    }

    [Fact]
    public void AnUnreadableObjectIsBadInput()
    {
        var (code, _, err) = Run("prove", "--impl", "/nonexistent/x.o");
        Assert.Equal(2, code);
        Assert.Contains("prove: --impl: /nonexistent/x.o", err);
    }
}

/// <summary>prove's --layers: by default all three refinements, the composition PROVED iff both steps are, and the JSON keys that carry them.</summary>
[Collection("Console")]
public class ProveLayersCliTests
{
    static (int Code, string Out, string Err) Run(params string[] args) => Tests.Cli.InProcessCli.Run(args);

    [SolverFact("libz3")]
    public void ByDefaultThePairTheCodeAndTheirCompositionAreProved()
    {
        var (code, output, _) = Run("prove", "--primitive", "vmx_writez");
        Assert.Equal(0, code);
        Assert.Contains("VMCSInit ⊑ PVMXIntro\n", output);
        Assert.Contains("code ⊑ VMCSInit — code (impl/vmx.o)", output);
        Assert.Contains("code ⊑ PVMXIntro — code (impl/vmx.o) ⊑ VMCSInit ⊑ PVMXIntro", output);
        Assert.Equal(3, System.Text.RegularExpressions.Regex.Matches(output, @"^vmx_writez\s+PROVED", System.Text.RegularExpressions.RegexOptions.Multiline).Count);
    }

    [SolverFact("libz3")]
    public void AWrongObjectRefutesTheCompositionWithACaseTheComposedCheckFails()
    {
        var (code, output, _) = Run("prove", "--impl", Path.Combine(ImplFiles.Dir, "mutants/c-writez-stdcall.o"), "--primitive", "vmx_writez", "--json");
        Assert.Equal(1, code);
        var doc = System.Text.Json.Nodes.JsonNode.Parse(output)!;
        Assert.Equal(["VMCSInit ⊑ PVMXIntro", "code ⊑ VMCSInit", "code ⊑ PVMXIntro"], doc["refinements"]!.AsArray().Select(x => (string)x!));
        Assert.Equal("PROVED", (string)doc["lemmas"]![0]!["verdict"]!);
        Assert.Equal("REFUTED", (string)doc["code"]!["lemmas"]![0]!["verdict"]!);
        var composed = doc["composed"]!["lemmas"]![0]!;
        Assert.Equal("REFUTED", (string)composed["verdict"]!);
        Assert.Equal("code ⊑ VMCSInit", (string)composed["counterexample"]!["failingStep"]!);
        Assert.False((bool)doc["proved"]!);

        // the code counterexample's reproduce command names the object (no scenario: --save-counterexample is the pair's) and fails again
        var reproduce = doc["code"]!["lemmas"]![0]!["counterexample"]!["reproduce"]!.AsArray().Select(x => (string)x!).ToList();
        var line = Assert.Single(reproduce);
        Assert.Contains("--impl ", line);
        Assert.Equal(1, Run([.. line.Split(' ').Skip(1)]).Code);   // the object's path is absolute here (no spaces in the test tree)
    }

    [SolverFact("libz3")]
    public void OneStepAloneIsProvedAlone()
    {
        var (code, output, _) = Run("prove", "--layers", "code:vmcsinit", "--primitive", "vmx_readz", "--json");
        Assert.Equal(0, code);
        var doc = System.Text.Json.Nodes.JsonNode.Parse(output)!;
        Assert.Equal(["code ⊑ VMCSInit"], doc["refinements"]!.AsArray().Select(x => (string)x!));
        Assert.Null(doc["composed"]);
    }

    [SolverFact("libz3")]
    public void EachRefinementsQueriesAreEmittedWithoutOverwritingTheOthers()
    {
        string dir = Path.Combine(Path.GetTempPath(), $"vmx-emit-{Guid.NewGuid():N}");
        try
        {
            var (code, _, err) = Run("prove", "--primitive", "vmx_readz", "--emit-smt", dir);
            Assert.True(code == 0, err);
            foreach (var d in new[] { dir, Path.Combine(dir, "code") })
            {
                Assert.True(File.Exists(Path.Combine(d, "vmx_readz__premises_satisfiable.smt2")), d);
                Assert.Contains(Directory.GetFiles(d, "vmx_readz__*.smt2"), f => !f.EndsWith("premises_satisfiable.smt2", StringComparison.Ordinal));
            }
            // the code's queries are about two VMCSInit memories (the spec's VMX_LOC words too); the pair's high side has none
            Assert.Contains("words_H", File.ReadAllText(Path.Combine(dir, "code", "vmx_readz__premises_satisfiable.smt2")));
            Assert.DoesNotContain("words_H", File.ReadAllText(Path.Combine(dir, "vmx_readz__premises_satisfiable.smt2")));
        }
        finally { if (Directory.Exists(dir)) Directory.Delete(dir, true); }
    }

    [Theory]
    [InlineData("--layers", "code:pvmxintro", "--mutant", "exit-skips-edi-store")]
    [InlineData("--layers", "code:vmcsinit,vmcsinit:pvmxintro", "--mutant", "exit-skips-edi-store")]
    [InlineData("--layers", "code:pvmxintro,foo", "--primitive", "vmx_readz")]
    [InlineData("--layers", "code:vmcsinit", "--save-counterexample", "x.json")]
    [InlineData("--layers", "vmcsinit:pvmxintro", "--impl", "impl/vmx.o")]
    public void ContradictoryLayersAreBadInput(string o1, string v1, string o2, string v2)
    {
        var (code, _, err) = Run("prove", o1, v1, o2, v2);
        Assert.Equal(2, code);
        Assert.Single(err.Trim().Split('\n'));
        Assert.StartsWith("vmxlayers prove: --", err.Trim());
    }
}
