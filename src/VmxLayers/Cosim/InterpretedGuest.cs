using VmxLayers.Guest;

namespace VmxLayers.Cosim;

/// <summary>A real IA-32 guest: the program run by the <see cref="Interpreter"/>.</summary>
public sealed class InterpretedGuest(GuestProgram program, long budget = 10_000_000) : IGuest
{
    readonly GuestCpu cpu = GuestCpu.Load(program);

    public string Name => program.Name;
    public string? ExpectedOutput => program.HasExpectedOutput ? program.ExpectedOutput : null;
    public uint[] Regs => cpu.Regs;
    public uint Eip { get => cpu.Eip; set => cpu.Eip = value; }
    /// <summary>Instructions the guest executed (the exiting ones excluded).</summary>
    public long Instructions => cpu.InstructionsExecuted;

    public VmExit RunUntilExit()
    {
        try
        {
            var e = Interpreter.RunUntilExit(cpu, budget);
            return new VmExit((uint)e.Reason, e.Qualification, e.InstructionLength, e.GuestRip);
        }
        catch (GuestFault f) { throw new GuestFailure(f.Message); }
    }

    /// <summary>Reloads the program into this guest's own memory: a restart every few exits (hello, fib) should not allocate 64 KiB.</summary>
    public IGuest Restart()
    {
        cpu.Reload(program);
        return this;
    }

    /// <summary>A shipped guest by name, or a .bin/ELF file by path (names win).</summary>
    public static InterpretedGuest Resolve(string nameOrFile, long budget = 10_000_000, int memorySize = GuestCpu.DefaultMemorySize) =>
        new(GuestLibrary.Resolve(nameOrFile, memorySize), budget);
}
