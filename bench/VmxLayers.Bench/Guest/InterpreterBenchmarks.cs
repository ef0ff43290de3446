using BenchmarkDotNet.Attributes;
using VmxLayers.Guest;

namespace VmxLayers.Bench.Guest;

/// <summary>
/// Guest interpreter throughput. Tight loop: a 1,000,000-iteration ALU + memory + branch loop
/// (5 instructions per iteration, one exit at the end) → instructions/s = 5e6 / mean time.
/// Exit-heavy: the regs guest run to completion with a minimal host (2009 exits, ~95k instructions).
/// </summary>
[MemoryDiagnoser]
public class InterpreterBenchmarks
{
    // mov ecx,1000000; L: add eax,[0x2000]; xor edx,eax; mov [0x2004],edx; dec ecx; jnz L; hlt
    static readonly byte[] LoopCode = Convert.FromHexString("B940420F00" + "030500200000" + "31C2" + "891504200000" + "49" + "75EF" + "F4");
    public const int LoopInstructions = 1 + 5 * 1_000_000;

    GuestCpu loop = null!;
    GuestProgram regs = null!;

    [GlobalSetup]
    public void Setup()
    {
        loop = GuestCpu.Load(new GuestProgram("loop", LoopCode, 0x1000, 0x1000, ""));
        regs = GuestLibrary.Get("regs");
    }

    [Benchmark(OperationsPerInvoke = LoopInstructions)]
    public int TightLoop()
    {
        loop.Eip = 0x1000;
        return Interpreter.RunUntilExit(loop).Reason;
    }

    [Benchmark]
    public long RegsGuestWithExits()
    {
        var cpu = GuestCpu.Load(regs);
        while (true)
        {
            var e = Interpreter.RunUntilExit(cpu);
            switch (e.Reason)
            {
                case 10: (cpu.Regs[0], cpu.Regs[3], cpu.Regs[2]) = (1, CpuidTable.VendorEbx, CpuidTable.VendorEdx); break;
                case 30: cpu.Regs[0] = (cpu.Regs[0] & ~0xFFu) | 0x20; break;
                default: return cpu.InstructionsExecuted;
            }
            cpu.Eip = e.GuestRip + e.InstructionLength;
        }
    }
}
