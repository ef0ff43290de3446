using VmxLayers.Cli;
using VmxLayers.Tests.Code;
using VmxLayers.Tests.Smt;

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
