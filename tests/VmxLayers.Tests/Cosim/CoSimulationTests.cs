using VmxLayers.Cosim;
using VmxLayers.Guest;
using VmxLayers.Mutants;
using VmxLayers.Spec;

namespace VmxLayers.Tests.Cosim;

/// <summary>Real IA-32 guests through the VMX layer pair in lockstep.</summary>
public class CoSimulationTests
{
    public static TheoryData<int, Interleave> Configurations => new()
    {
        { 1, Interleave.RoundRobin }, { 2, Interleave.RoundRobin }, { 2, Interleave.Random }, { 8, Interleave.RoundRobin }, { 8, Interleave.Random },
    };

    [Theory, MemberData(nameof(Configurations))]
    public void EveryGuestPrintsItsExpectedOutputAndTheLayersStayRelated(int cpus, Interleave interleave)
    {
        var report = CoSimulation.Run(new SimulateOptions { Cpus = cpus, Interleave = interleave, Seed = 7 });
        Assert.True(report.Passed, report.Failure?.ToString());
        string[] defaults = [.. SimulateOptions.DefaultGuests];
        foreach (var c in report.Cpus)
        {
            Assert.Equal(defaults[c.Cpu % defaults.Length], c.Guest);
            Assert.Equal(GuestLibrary.Get(c.Guest).ExpectedOutput, c.Output);
            Assert.Equal(1, c.CompletedRuns);
        }
        Assert.Equal(report.Exits, report.GuestSteps);
        Assert.True(report.Checks.Incremental >= report.PrimitiveCalls + report.GuestSteps);
        Assert.True(report.Checks.Full >= 2);
    }

    public static TheoryData<string> LibraryGuests => [.. GuestLibrary.Names];

    [Theory, MemberData(nameof(LibraryGuests))]
    public void EachLibraryGuestAloneOnOneAndOnTwoRandomlyInterleavedCpus(string guest)
    {
        foreach (var options in new[] { new SimulateOptions { Cpus = 1 }, new SimulateOptions { Cpus = 2, Interleave = Interleave.Random, Seed = 11 } })
        {
            var report = CoSimulation.Run(options with { Guests = [guest] });
            Assert.True(report.Passed, report.Failure?.ToString());
            Assert.All(report.Cpus, c => Assert.Equal(GuestLibrary.Get(guest).ExpectedOutput, c.Output));
        }
    }

    [Fact]
    public void EveryLibraryGuestTogetherOnEightCpus()
    {
        var report = CoSimulation.Run(new SimulateOptions { Cpus = 8, Guests = [.. GuestLibrary.Names], Interleave = Interleave.Random, Seed = 5 });
        Assert.True(report.Passed, report.Failure?.ToString());
        Assert.Equal(GuestLibrary.Names.Count, report.Cpus.Select(c => c.Guest).Distinct().Count());
        Assert.All(report.Cpus, c => Assert.Equal(GuestLibrary.Get(c.Guest).ExpectedOutput, c.Output));
    }

    [Fact]
    public void TheRegsGuestRunsAloneOnEveryCpuWithRandomInterleaving()
    {
        var report = CoSimulation.Run(new SimulateOptions { Cpus = 2, Guests = ["regs"], Interleave = Interleave.Random, Seed = 3 });
        Assert.True(report.Passed, report.Failure?.ToString());
        Assert.All(report.Cpus, c => Assert.Equal("regs ok\n", c.Output));
    }

    public static TheoryData<string, string> SaveRestoreMutants => new()
    {
        { "exit-stores-ebx-into-slot4", "vmx_exit" },
        { "exit-skips-edi-store", "vmx_exit" },
        { "enter-swaps-ebx-edx", "vmx_enter" },
        { "exit-swaps-host-ebp-edi", "vmx_exit" },
        { "enter-pc-from-slot12", "vmx_enter" },
        { "exit-post-stores-reason-into-slot28", "vmx_exit_post" },
        { "enter-pre-writes-guest-rsp", "vmx_enter_pre" },
    };

    [Theory, MemberData(nameof(SaveRestoreMutants))]
    public void MutantsThatBreakSaveOrRestoreAreCaughtAtTheirPrimitive(string name, string step)
    {
        Assert.True(MutantCatalog.TryParse(name, out var mutant));
        // regs gives every saved register a distinct non-zero value, so a lost or misplaced one shows
        var report = CoSimulation.Run(new SimulateOptions { Cpus = 2, Guests = ["regs"], Refinement = mutant.On(Prims.Real), MutantName = mutant.Name });
        Assert.True(report.Killed);
        Assert.Equal(FailureKind.Unrelated, report.Failure!.Kind);
        Assert.Equal(step, report.Failure.Step);
        Assert.False(report.Related);
    }

    [Fact]
    public void AnExtraStoreIntoAnotherCpusSaveAreaIsCaughtByTheIncrementalCheck()
    {
        // CPU 0's vmx_exit also writes CPU 1's slot 0: only the diff of the low memory reveals it
        // (CPU 0 exits first under round robin; regs' EAX differs from CPU 1's saved EAX)
        var report = CoSimulation.Run(new SimulateOptions { Cpus = 3, Guests = ["regs"], Refinement = Prims.Under("exit-stores-into-next-cpu"), FullCheckEvery = long.MaxValue });
        Assert.Equal(FailureKind.Unrelated, report.Failure?.Kind);
        Assert.Contains("slot 0 (G_RAX)", report.Failure!.Clause);
        Assert.Equal("vmx_exit", report.Failure.Step);
    }

    [Fact]
    public void ALowSpecThatOnlyGetsWeakerSurvives()
    {
        var report = CoSimulation.Run(new SimulateOptions { Cpus = 1, Guests = ["hello"], Refinement = Prims.Under("exit-drops-ecx-check") });
        Assert.True(report.Passed, report.Failure?.ToString());
    }

    [Fact]
    public void AnExitCapRestartsFinishedGuestsAndCountsExactly()
    {
        var report = CoSimulation.Run(new SimulateOptions { Cpus = 2, Guests = ["hello"], MaxExits = 200, FullCheckEvery = 50 });
        Assert.True(report.Passed, report.Failure?.ToString());
        Assert.Equal(200, report.Exits);
        Assert.True(report.Cpus.All(c => c.CompletedRuns >= 2));
        Assert.True(report.Checks.Full >= 200 / 50);
    }
}
