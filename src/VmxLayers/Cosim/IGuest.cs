namespace VmxLayers.Cosim;

/// <summary>A VM exit as the hardware reports it: basic reason, qualification, instruction length, address of the exiting instruction.</summary>
public readonly record struct VmExit(uint Reason, uint Qualification, uint InstructionLength, uint GuestRip);

/// <summary>Indices of the general registers in x86 encoding order (the order of <see cref="IGuest.Regs"/>).</summary>
public static class X86
{
    public const int Eax = 0, Ecx = 1, Edx = 2, Ebx = 3, Esp = 4, Ebp = 5, Esi = 6, Edi = 7;
}

/// <summary>
/// A guest CPU the co-simulation drives: it runs until a VM exit (stopping BEFORE the exiting instruction) and
/// exposes its registers so the host can move them through the VMX layer. The product implementation is the
/// IA-32 interpreter (<see cref="InterpretedGuest"/>); tests may plug in scripted doubles.
/// </summary>
public interface IGuest
{
    /// <summary>The program's name (shown in reports).</summary>
    string Name { get; }

    /// <summary>What one complete run prints on the console, or null when unknown (then nothing is compared).</summary>
    string? ExpectedOutput { get; }

    /// <summary>EAX, ECX, EDX, EBX, ESP, EBP, ESI, EDI (<see cref="X86"/>).</summary>
    uint[] Regs { get; }

    uint Eip { get; set; }

    /// <summary>Instructions executed since the start or the last restart (exiting ones excluded); 0 when not counted.</summary>
    long Instructions => 0;

    /// <summary>Runs until the next exiting instruction; throws <see cref="GuestFailure"/> when the guest cannot go on.</summary>
    VmExit RunUntilExit();

    /// <summary>The same program in its initial state (a restarted guest runs from scratch); this guest may be reused for it, so drop it.</summary>
    IGuest Restart();
}

/// <summary>The guest cannot go on (bad opcode, bad memory access, no exit within the budget).</summary>
public sealed class GuestFailure(string message) : Exception(message);
