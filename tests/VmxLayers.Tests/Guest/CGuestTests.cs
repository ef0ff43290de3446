using VmxLayers.Cosim;
using VmxLayers.Guest;

namespace VmxLayers.Tests.Guest;

/// <summary>The C guests (guests/c): rebuilt byte for byte, run standalone and under simulate on 1 and 4 CPUs.</summary>
public class CGuestTests
{
    public static TheoryData<string> CGuests => new(GuestFiles.CGuests);

    [RequiresRecordedGccFact]
    public void CheckedInBinariesEqualAFreshBuild()
    {
        var tmp = Directory.CreateTempSubdirectory("cguests");
        try
        {
            var (code, _, err) = GuestFiles.Run("sh", Path.Combine(GuestFiles.Dir, "c", "build.sh"), "-o", tmp.FullName);
            Assert.True(code == 0, "build.sh failed: " + err);
            foreach (var name in GuestFiles.CGuests)
                Assert.True(File.ReadAllBytes(Path.Combine(GuestFiles.Dir, name + ".bin")).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(tmp.FullName, name + ".bin"))),
                    $"{name}.bin differs from a fresh build");
        }
        finally { tmp.Delete(true); }
    }

    [Theory, MemberData(nameof(CGuests))]
    public void RunsStandaloneAndPrintsItsExpectedOutput(string name)
    {
        var p = GuestLibrary.Get(name);
        var (output, exits) = StandaloneHost.Run(GuestCpu.Load(p));
        Assert.Equal(p.ExpectedOutput, output);
        Assert.Equal(p.ExpectedOutput.Length + 1, exits);   // one `out` per character, then hlt
    }

    [Theory, MemberData(nameof(CGuests))]
    public void RunsUnderSimulateOnOneCpu(string name)
    {
        var report = CoSimulation.Run(new SimulateOptions { Cpus = 1, Guests = [name] });
        Assert.True(report.Passed, report.Failure?.ToString());
        Assert.Equal(GuestLibrary.Get(name).ExpectedOutput, report.Cpus[0].Output);
    }

    [Theory]
    [InlineData(Interleave.RoundRobin)]
    [InlineData(Interleave.Random)]
    public void AllRunUnderSimulateOnFourCpus(Interleave interleave)
    {
        var names = GuestFiles.CGuests.ToArray();
        // four CPUs, each running its share of the C guests one after the other
        for (int start = 0; start < names.Length; start += 4)
        {
            var batch = names[start..Math.Min(start + 4, names.Length)];
            var report = CoSimulation.Run(new SimulateOptions { Cpus = 4, Guests = batch, Interleave = interleave, Seed = start + 1 });
            Assert.True(report.Passed, report.Failure?.ToString());
            Assert.All(report.Cpus, c => Assert.Equal(GuestLibrary.Get(c.Guest).ExpectedOutput, c.Output));
            Assert.All(report.Cpus, c => Assert.Equal(1, c.CompletedRuns));
        }
    }
}
