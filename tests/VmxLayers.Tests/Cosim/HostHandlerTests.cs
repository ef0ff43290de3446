using VmxLayers.Cosim;
using VmxLayers.Guest;
using VmxLayers.Constants;
using VmxLayers.Layers;
using static VmxLayers.Tests.Cosim.ScriptedGuest;

namespace VmxLayers.Tests.Cosim;

/// <summary>The host's exit handler against scripted exits: what reaches the console and the guest's registers.</summary>
public class HostHandlerTests
{
    static VmExit Out(uint rip, ushort port) => new(ExitReasons.INOUT, IoQualification.Encode(1, false, false, false, false, port), 1, rip);
    static VmExit In(uint rip, ushort port, int size = 1) => new(ExitReasons.INOUT, IoQualification.Encode(size, true, false, false, true, port), 2, rip);
    static VmExit Cpuid(uint rip) => new(ExitReasons.CPUID, 0, 2, rip);
    static VmExit Vmcall(uint rip) => new(ExitReasons.VMCALL, 0, 3, rip);
    static VmExit Hlt(uint rip) => new(ExitReasons.HLT, 0, 1, rip);

    static (SimulationReport Report, ScriptedGuest Guest) Run(string? expected, params (VmExit, uint[])[] script)
    {
        var guest = new ScriptedGuest("scripted", expected, script);
        var report = CoSimulation.Run(new SimulateOptions { Cpus = 1 }, _ => guest);
        return (report, guest);
    }

    [Fact]
    public void EveryServiceReachesTheGuestAndTheConsoleThroughTheVmxLayer()
    {
        var (report, guest) = Run("A42\n",
            (Out(0x1000, HostAbi.SerialPort), R(eax: 0xABCD0041, ebx: 7, esi: 0x5151, edi: 0x7171, ebp: 0x8181)),
            (In(0x1001, HostAbi.LineStatusPort), R(eax: 0x12345678, ecx: 99)),
            (Cpuid(0x1003), R(eax: 0, ecx: 0xC0C0)),
            (Vmcall(0x1005), R(eax: HostAbi.VmcallPrintDecimal, ebx: 42, edx: 3)),
            (Hlt(0x1008), R()));
        Assert.True(report.Passed, report.Failure?.ToString());
        Assert.Equal("A42\n", report.Cpus[0].Output);
        Assert.Equal(5, report.Exits);
        // after the OUT: every saved register comes back unchanged, RIP advanced by the instruction length
        Assert.Equal((0x1001u, R(eax: 0xABCD0041, ebx: 7, esi: 0x5151, edi: 0x7171, ebp: 0x8181)), (guest.Resumed[0].Eip, guest.Resumed[0].Regs), new ResumeComparer());
        // IN from the line status port replaces AL only; ECX is the guest's own (never saved)
        Assert.Equal(0x12345620u, guest.Resumed[1].Regs[X86.Eax]);
        Assert.Equal(99u, guest.Resumed[1].Regs[X86.Ecx]);
        Assert.Equal(0x1003u, guest.Resumed[1].Eip);
        // CPUID leaf 0: EAX, EBX, EDX from the table; ECX stays the guest's
        var leaf0 = CpuidTable.Lookup(0);
        Assert.Equal([leaf0.Eax, 0xC0C0, leaf0.Edx, leaf0.Ebx], guest.Resumed[2].Regs[..4]);
        Assert.Equal(0x1005u, guest.Resumed[2].Eip);
    }

    [Fact]
    public void AWrongCharacterStopsTheRunAsAGuestOutputFailure()
    {
        var (report, _) = Run("B", (Out(0x1000, HostAbi.SerialPort), R(eax: 'A')), (Hlt(0x1001), R()));
        Assert.Equal(FailureKind.GuestOutput, report.Failure?.Kind);
        Assert.Contains("expected 'B', printed 'A'", report.Failure!.Clause);
        Assert.True(report.Related);
    }

    [Fact]
    public void AGuestThatEndsEarlyFailsItsExpectedOutput()
    {
        var (report, _) = Run("AB", (Out(0x1000, HostAbi.SerialPort), R(eax: 'A')), (Hlt(0x1001), R()));
        Assert.Equal(FailureKind.GuestOutput, report.Failure?.Kind);
        Assert.Contains("after 1 of 2", report.Failure!.Clause);
    }

    [Fact]
    public void VmcallZeroEndsTheGuestAndAnUnknownFunctionReturnsAllOnes()
    {
        var (report, guest) = Run("", (Vmcall(0x1000), R(eax: 77)), (Vmcall(0x1003), R(eax: HostAbi.VmcallExit)));
        Assert.True(report.Passed, report.Failure?.ToString());
        Assert.Equal(HostAbi.VmcallUnknown, guest.Resumed[0].Regs[X86.Eax]);
        Assert.Equal(1, report.Cpus[0].CompletedRuns);
    }

    [Fact]
    public void AnUnexpectedExitReasonIsAHostFailure()
    {
        var (report, _) = Run(null, (new VmExit(ExitReasons.EPT_FAULT, 0, 0, 0x1000), R()));
        Assert.Equal(FailureKind.Host, report.Failure?.Kind);
        Assert.Contains("EPT_FAULT", report.Failure!.Clause);
    }

    [Fact]
    public void WithAnExitCapEndedGuestsRestartAndEveryRunIsCompared()
    {
        var script = new (VmExit, uint[])[] { (Out(0x1000, HostAbi.SerialPort), R(eax: 'x')), (Hlt(0x1001), R()) };
        var report = CoSimulation.Run(new SimulateOptions { Cpus = 2, MaxExits = 9 }, _ => new ScriptedGuest("s", "x", script));
        Assert.True(report.Passed, report.Failure?.ToString());
        Assert.Equal(9, report.Exits);
        Assert.True(report.Cpus.Sum(c => c.CompletedRuns) >= 4);
        Assert.Equal("x", report.Cpus[0].Output);
    }

    sealed class ResumeComparer : IEqualityComparer<(uint, uint[])>
    {
        public bool Equals((uint, uint[]) a, (uint, uint[]) b) => a.Item1 == b.Item1 && a.Item2.SequenceEqual(b.Item2);
        public int GetHashCode((uint, uint[]) x) => 0;
    }
}
