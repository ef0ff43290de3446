using BenchmarkDotNet.Attributes;
using VmxLayers.Cosim;

namespace VmxLayers.Bench.Cosim;

/// <summary>
/// simulate's own workload: 4 CPUs running hello, fib, sieve and regs round robin one step at a time, 20,000 exits
/// (190,851 checked primitive calls: checked calls/s = 190,851 / mean), on the world updated in place (what simulate
/// runs) and on the persistent world (what the checkers use). Run:
/// dotnet run -c Release --project bench/VmxLayers.Bench -- --filter *SimulateBench*
/// </summary>
[MemoryDiagnoser]
public class SimulateBench
{
    [Params(false, true)]
    public bool Persistent { get; set; }

    [Benchmark]
    public long DefaultGuests20000Exits()
    {
        var report = CoSimulation.Run(new SimulateOptions { Cpus = 4, MaxExits = 20_000, Persistent = Persistent });
        if (!report.Passed) throw new InvalidOperationException(report.Failure?.ToString() ?? "a guest's output differs");
        return report.PrimitiveCalls;
    }
}
