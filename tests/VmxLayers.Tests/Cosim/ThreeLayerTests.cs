using VmxLayers.Cli;
using VmxLayers.Code;
using VmxLayers.Code.Layering;
using VmxLayers.Cosim;
using VmxLayers.Guest;

namespace VmxLayers.Tests.Cosim;

/// <summary>simulate with the machine code under VMCSInit and PVMXIntro: three layers in lockstep, every relation checked.</summary>
[Collection("Console")]
public class ThreeLayerTests
{
    static SimulateOptions Options(int cpus, params string[] guests) => new() { Cpus = cpus, Guests = guests, Code = CodeLayer.Default };

    static void AssertRelatedWithOutput(SimulationReport r)
    {
        Assert.True(r.Passed, r.Failure?.ToString());
        Assert.Equal(r.PrimitiveCalls, r.CodeCalls);
        Assert.All(r.Cpus, c => Assert.Equal(c.ExpectedOutput, c.Output));
    }

    /// <summary>Every guest on 1 CPU (the C guests at -O2, their other levels differ only in instruction mix, not in exits).</summary>
    public static TheoryData<string> Guests => new(GuestLibrary.Names.Where(n => !n.EndsWith("-O0", StringComparison.Ordinal) && !n.EndsWith("-Os", StringComparison.Ordinal)));

    [Theory, MemberData(nameof(Guests))]
    public void EveryGuestIsRelatedThroughoutOnOneCpu(string guest) => AssertRelatedWithOutput(CoSimulation.Run(Options(1, guest)));

    [Theory]
    [InlineData(Interleave.RoundRobin, "hello", "fib", "sieve", "regs")]
    [InlineData(Interleave.Random, "rfib", "crc32-O2", "sort-Os", "strings-O0")]
    public void FourCpusAreRelatedThroughout(Interleave interleave, params string[] guests) =>
        AssertRelatedWithOutput(CoSimulation.Run(Options(4, guests) with { Interleave = interleave, Seed = 7, FullCheckEvery = 50 }));

    [Theory]
    [InlineData("asm-exit-skips-esi-store", "vmx_exit")]
    [InlineData("c-exit-post-skips-launched", "vmx_exit_post")]
    [InlineData("c-enter-pre-clobbers-ebx", "vmx_enter_pre")]
    [InlineData("asm-enter-skips-hostout", "vmx_enter")]
    public void ACodeMutantIsCaughtByTheCodeStepsRelation(string mutant, string at)
    {
        var code = CodeLayer.Refinement(ImplementationLinker.Link([ImplObjects.Mutants.Single(m => m.Name == mutant).Object], ImplObjects.Default));
        var r = CoSimulation.Run(new SimulateOptions { Cpus = 2, Guests = ["hello"], Code = code });
        Assert.True(r.Killed);
        Assert.Equal(FailureKind.Unrelated, r.Failure!.Kind);
        Assert.Equal(at, r.Failure.Step);
        Assert.StartsWith("code ⊑ VMCSInit", r.Failure.Clause);
    }

    public static TheoryData<string> CodeMutants => new(ImplObjects.Mutants.Select(m => m.Name));

    /// <summary>The incremental check of the code step stops where its full state goals after every call stop (same CPU, step and count), on every code mutant.</summary>
    [Theory, MemberData(nameof(CodeMutants))]
    public void TheIncrementalCodeCheckAgreesWithTheFullOne(string mutant)
    {
        var code = CodeLayer.Refinement(ImplementationLinker.Link([ImplObjects.Mutants.Single(m => m.Name == mutant).Object], ImplObjects.Default));
        var options = new SimulateOptions { Cpus = 2, Guests = ["hello", "regs"], MaxExits = 300, Code = code };
        var (incremental, full) = (CoSimulation.Run(options), CoSimulation.Run(options with { CodeFullEveryCall = true }));
        Assert.Equal(full.Passed, incremental.Passed);
        Assert.Equal((full.Failure?.Cpu, full.Failure?.Step, full.PrimitiveCalls), (incremental.Failure?.Cpu, incremental.Failure?.Step, incremental.PrimitiveCalls));
    }

    [Fact]
    public void WithoutTheCodeTheMutantGoesUnnoticed()
    {
        // the same guest and CPUs as above on two layers: the code is what was caught, not the layers
        var r = CoSimulation.Run(new SimulateOptions { Cpus = 2, Guests = ["hello"] });
        Assert.True(r.Passed);
        Assert.Equal(0, r.CodeCalls);
    }

    static int Cli(params string[] args)
    {
        var (stdout, stderr) = (Console.Out, Console.Error);
        Console.SetOut(TextWriter.Null);
        Console.SetError(TextWriter.Null);
        try { return CliApp.Run(args); }
        finally { Console.SetOut(stdout); Console.SetError(stderr); }
    }

    [Fact]
    public void TheCommandsExitCodes()
    {
        Assert.Equal(0, Cli("simulate", "--impl", "code", "--cpus", "1", "--guest", "hello"));
        Assert.Equal(1, Cli("simulate", "--impl", VmxLayers.Tests.Code.ImplFiles.In("mutants/asm-exit-skips-esi-store.o"), "--cpus", "1", "--guest", "hello"));
        Assert.Equal(2, Cli("simulate", "--impl", "code", "--mutant", "exit-skips-edi-store"));   // a VMCSInit mutant: the code's underlay would differ
        Assert.Equal(2, Cli("simulate", "--impl", "code", "no-such.o"));
        Assert.Equal(2, Cli("simulate", "--impl", "no-such.o"));
        Assert.Equal(2, Cli("prove", "--layers", "code:pvmxintro", "--impl", "no-such.o"));
        Assert.Equal(2, Cli("prove", "--layers", "code:vmcsinit", "--mutant", "exit-skips-edi-store"));
        Assert.Equal(2, Cli("check", "--layers", "code:nothing"));
        Assert.Equal(2, Cli("check", "--layers", "code:pvmxintro", "--mutant", "exit-skips-edi-store"));
        Assert.Equal(1, Cli("check", "--layers", "code:pvmxintro", "--impl", VmxLayers.Tests.Code.ImplFiles.In("mutants/asm-exit-skips-esi-store.o"),
            "--primitive", "vmx_exit", "--backend", "random", "--budget", "300", "--seed", "0000000000001", "--shrink-seconds", "0"));
        Assert.Equal(0, Cli("check", "--layers", "code:pvmxintro,code:vmcsinit", "--primitive", "vmx_enter", "--backend", "random", "--budget", "100"));
    }
}
