using System.Text.Json.Nodes;
using VmxLayers.Cli;
using VmxLayers.Tests.Smt.Solvers;

namespace VmxLayers.Tests.Checking;

/// <summary>`check` proves each selected primitive alongside the concrete backends.</summary>
[Collection("Console")]
public class CheckProofTests
{
    static (int Code, JsonNode Doc) RunJson(params string[] args)
    {
        var o = new StringWriter();
        var old = Console.Out;
        Console.SetOut(o);
        int code;
        try { code = CliApp.Run(args); }
        finally { Console.SetOut(old); }
        return (code, JsonNode.Parse(o.ToString())!);
    }

    [SolverFact("libz3")]
    public void TheJsonReportCarriesEachPrimitivesProof()
    {
        var (code, doc) = RunJson("check", "--primitive", "vmx_enter_pre", "--budget", "100", "--json");
        Assert.Equal(0, code);
        var proof = Assert.Single(doc["proofs"]!.AsArray())!;
        Assert.Equal("vmx_enter_pre", (string?)proof["primitive"]);
        Assert.Equal("PROVED", (string?)proof["verdict"]);
        Assert.True((bool)doc["proved"]!);
    }

    [SolverFact("libz3")]
    public void UnderAMutantTheProverRefutesToo()
    {
        var (code, doc) = RunJson("check", "--primitive", "vmx_enter_pre", "--backend", "exhaustive", "--mutant", "enter-pre-loads-slot15", "--json");
        Assert.Equal(1, code);
        var proof = doc["proofs"]![0]!;
        Assert.Equal("REFUTED", (string?)proof["verdict"]);
        Assert.True((bool)proof["counterexampleConfirmed"]!);
    }

    [Fact]
    public void NoProveLeavesTheProofsOut()
    {
        var (code, doc) = RunJson("check", "--primitive", "vmx_readz", "--backend", "random", "--budget", "50", "--no-prove", "--json");
        Assert.Equal(0, code);
        Assert.Null(doc["proofs"]);
    }

    [Fact]
    public void AnUnknownSolverIsBadInput()
    {
        var err = new StringWriter();
        var old = Console.Error;
        Console.SetError(err);
        try { Assert.Equal(2, CliApp.Run(["check", "--solver", "nope"])); }
        finally { Console.SetError(old); }
        Assert.Contains("--solver", err.ToString());
    }
}
