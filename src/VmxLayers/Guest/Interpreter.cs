namespace VmxLayers.Guest;

/// <summary>Runs a guest until it reaches an exiting instruction (in/out/ins/outs, cpuid, hlt, vmcall).</summary>
public static class Interpreter
{
    /// <summary>
    /// Executes instructions until an exiting one, which is NOT executed: EIP is left at it and the exit
    /// is reported as the SDM does. The host resumes by setting EIP = GuestRip + InstructionLength.
    /// Throws <see cref="GuestFault"/> on unknown opcodes, bad memory accesses, or when
    /// <paramref name="maxInstructions"/> run out (EIP is then left at the next instruction, so the guest can go on).
    /// </summary>
    public static GuestExit RunUntilExit(GuestCpu cpu, long maxInstructions = 10_000_000)
    {
        var core = new Core(cpu);
        long n = 0;
        try
        {
            for (; n < maxInstructions; n++)
                if (core.Step(out var exit))
                {
                    core.Commit(cpu, exit.GuestRip, n);
                    return exit;
                }
        }
        catch (GuestFault)
        {
            core.Commit(cpu, core.Start, n);
            throw;
        }
        core.Commit(cpu, core.Eip, n);
        throw new GuestFault($"guest '{cpu.Name}': no VM exit within {maxInstructions} instructions (EIP=0x{core.Eip:X8})",
            GuestFaultKind.BudgetExhausted, core.Eip);
    }

    /// <summary>Executes exactly one instruction unless it exits; returns the exit or null.</summary>
    public static GuestExit? Step(GuestCpu cpu)
    {
        var core = new Core(cpu);
        try
        {
            if (core.Step(out var exit)) { core.Commit(cpu, exit.GuestRip, 0); return exit; }
        }
        catch (GuestFault)
        {
            core.Commit(cpu, core.Start, 0);
            throw;
        }
        core.Commit(cpu, core.Eip, 1);
        return null;
    }
}
