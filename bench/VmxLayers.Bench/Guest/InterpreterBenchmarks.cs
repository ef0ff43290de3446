using BenchmarkDotNet.Attributes;
using VmxLayers.Guest;

namespace VmxLayers.Bench.Guest;

/// <summary>
/// Guest interpreter throughput (the Isa semantics instantiated for the guest machine). Each figure is per guest
/// instruction (OperationsPerInvoke = instructions per invocation, checked in setup):
/// Sha256 — the benchmark guest sha256-O2 (SHA-256 of 64 KiB generated data, gcc -O2) run to its hlt with a minimal
/// host (17 `out` exits for the dots and digests are few); TightLoop — a 1,000,000-iteration ALU + memory + branch loop
/// (5 instructions per iteration, one exit); RegsGuestWithExits — the exit-heavy regs guest (2009 exits).
/// </summary>
[MemoryDiagnoser]
public class InterpreterBenchmarks
{
    // mov ecx,1000000; L: add eax,[0x2000]; xor edx,eax; mov [0x2004],edx; dec ecx; jnz L; hlt
    static readonly byte[] LoopCode = Convert.FromHexString("B940420F00" + "030500200000" + "31C2" + "891504200000" + "49" + "75EF" + "F4");
    public const int LoopInstructions = 1 + 5 * 1_000_000;
    /// <summary>Instructions sha256-O2 executes from its entry to its final hlt.</summary>
    public const int Sha256Instructions = 5_362_213;
    public const int RegsInstructions = 50_053;

    GuestCpu loop = null!, sha = null!, regsCpu = null!;
    GuestProgram sha256 = null!, regs = null!;

    [GlobalSetup]
    public void Setup()
    {
        loop = GuestCpu.Load(new GuestProgram("loop", LoopCode, 0x1000, 0x1000, ""));
        sha256 = GuestLibrary.Get("sha256-O2");
        sha = GuestCpu.Load(sha256);
        regs = GuestLibrary.Get("regs");
        regsCpu = GuestCpu.Load(regs);
        if (Sha256() != Sha256Instructions) throw new InvalidOperationException($"sha256-O2 ran {sha.InstructionsExecuted} instructions, expected {Sha256Instructions}");
        if (RegsGuestWithExits() != RegsInstructions) throw new InvalidOperationException($"regs ran {regsCpu.InstructionsExecuted} instructions, expected {RegsInstructions}");
    }

    [Benchmark(OperationsPerInvoke = Sha256Instructions)]
    public long Sha256()
    {
        sha.Reload(sha256);
        while (true)
        {
            var e = Interpreter.RunUntilExit(sha, 100_000_000);
            if (e.Reason == 12) return sha.InstructionsExecuted;   // hlt; the other exits are `out` (console)
            sha.Eip = e.GuestRip + e.InstructionLength;
        }
    }

    [Benchmark(OperationsPerInvoke = LoopInstructions)]
    public int TightLoop()
    {
        loop.Eip = 0x1000;
        return Interpreter.RunUntilExit(loop).Reason;
    }

    [Benchmark(OperationsPerInvoke = RegsInstructions)]
    public long RegsGuestWithExits()
    {
        regsCpu.Reload(regs);
        while (true)
        {
            var e = Interpreter.RunUntilExit(regsCpu);
            switch (e.Reason)
            {
                case 10: (regsCpu.Regs[0], regsCpu.Regs[3], regsCpu.Regs[2]) = (1, CpuidTable.VendorEbx, CpuidTable.VendorEdx); break;
                case 30: regsCpu.Regs[0] = (regsCpu.Regs[0] & ~0xFFu) | 0x20; break;
                default: return regsCpu.InstructionsExecuted;
            }
            regsCpu.Eip = e.GuestRip + e.InstructionLength;
        }
    }
}
