using VmxLayers.Cosim;

namespace VmxLayers.Tests.Cosim;

/// <summary>
/// A test double for the guest CPU: a fixed sequence of exits, each with the register values the guest holds
/// when it exits. It records what the host handed back after every exit, so a test can check the registers.
/// </summary>
internal sealed class ScriptedGuest(string name, string? expected, IReadOnlyList<(VmExit Exit, uint[] Regs)> script) : IGuest
{
    int next;

    public string Name => name;
    public string? ExpectedOutput => expected;
    public uint[] Regs { get; } = new uint[8];
    public uint Eip { get; set; } = 0x1000;
    /// <summary>(EIP, registers) the host resumed the guest with, after each exit.</summary>
    public List<(uint Eip, uint[] Regs)> Resumed { get; } = [];

    public VmExit RunUntilExit()
    {
        if (next > 0) Resumed.Add((Eip, (uint[])Regs.Clone()));
        if (next >= script.Count) throw new GuestFailure($"{name}: script exhausted");
        var (exit, regs) = script[next++];
        regs.CopyTo(Regs, 0);
        Eip = exit.GuestRip;
        return exit;
    }

    public IGuest Restart() => new ScriptedGuest(name, expected, script);

    /// <summary>Registers EAX, ECX, EDX, EBX, ESP, EBP, ESI, EDI.</summary>
    public static uint[] R(uint eax = 0, uint ecx = 0, uint edx = 0, uint ebx = 0, uint esp = 0x10000, uint ebp = 0, uint esi = 0, uint edi = 0) =>
        [eax, ecx, edx, ebx, esp, ebp, esi, edi];
}
