using BenchmarkDotNet.Attributes;
using VmxLayers.Cosim;
using VmxLayers.Constants;
using VmxLayers.Layers;
using VmxLayers.Machine;

namespace VmxLayers.Bench.Cosim;

/// <summary>
/// One full VM-exit round trip on both layers with the incremental relation check after every step: guest step
/// (hostin + VMCS exit fields), vmx_exit, vmx_exit_post, vmx_readz ×4, vmcs_readz, vmx_writez, vmx_enter_pre,
/// vmx_enter: 9 checked calls of PVMXIntro primitives (checked calls/s = 9 / mean) plus the vmcs_readz passthrough.
/// The guest is a stub that always exits with an `out` to an unused port,
/// so the figure is the host and checking cost alone; the world is updated in place (<see cref="World.Owned"/>), as in simulate. Run: dotnet run -c Release --project bench/VmxLayers.Bench -- --filter *ExitRoundTrip*
/// </summary>
[MemoryDiagnoser]
public class ExitRoundTripBench
{
    CpuRunner runner = null!;
    CheckedWorld world = null!;

    [Params(1, 8, 64)]
    public int Cpus { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        world = new CheckedWorld(World.Initial(Cpus, stackBlocks: Cpus), VmxLayerPair.Refinement);
        runner = new CpuRunner(world, Cpus - 1, new PortStub(), () => false);
        RoundTrip();   // launch and first exit
    }

    /// <summary>From just after one guest step to just after the next.</summary>
    [Benchmark]
    public long RoundTrip()
    {
        long e = runner.Exits;
        while (runner.Exits == e) runner.Advance();
        return runner.Exits;
    }

    /// <summary>The full relation over every CPU (run every 250 exits per CPU by simulate).</summary>
    [Benchmark]
    public void FullRelationCheck() => world.FullCheck("bench");

    /// <summary>A guest that exits forever with `out 0x80, al` (a port the host ignores).</summary>
    sealed class PortStub : IGuest
    {
        public string Name => "port-stub";
        public string? ExpectedOutput => null;
        public uint[] Regs { get; } = [1, 2, 3, 4, 0x10000, 6, 7, 8];
        public uint Eip { get; set; } = 0x1000;
        public VmExit RunUntilExit() => new(ExitReasons.INOUT, IoQualification.Encode(1, false, false, false, true, 0x80), 2, Eip);
        public IGuest Restart() => new PortStub();
    }
}
