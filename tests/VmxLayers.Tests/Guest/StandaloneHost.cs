using System.Text;
using VmxLayers.Guest;
using VmxLayers.Constants;
using VmxLayers.Layers;

namespace VmxLayers.Tests.Guest;

/// <summary>
/// The guests/README.md host ABI implemented directly on a GuestCpu (no VMX layer): serial port,
/// line status, CPUID table (EAX, EBX, EDX only), vmcall 0/1, hlt.
/// </summary>
internal static class StandaloneHost
{
    public const ushort SerialData = 0x3F8, LineStatus = 0x3FD;

    /// <summary>Runs the guest to its end; returns console output and the number of exits.</summary>
    public static (string Output, int Exits) Run(GuestCpu cpu, int maxExits = 100_000)
    {
        var console = new StringBuilder();
        for (int exits = 1; exits <= maxExits; exits++)
        {
            var e = Interpreter.RunUntilExit(cpu);
            Assert.Equal(cpu.Eip, e.GuestRip);
            if (!Handle(cpu, e, console)) return (console.ToString(), exits);
            cpu.Eip = e.GuestRip + e.InstructionLength;
        }
        throw new InvalidOperationException($"guest did not end within {maxExits} exits");
    }

    /// <summary>Handles one exit; false when the guest has ended.</summary>
    static bool Handle(GuestCpu cpu, GuestExit e, StringBuilder console)
    {
        switch ((uint)e.Reason)
        {
            case ExitReasons.HLT:
                return false;
            case ExitReasons.CPUID:
                var c = CpuidTable.Lookup(cpu[GuestReg.EAX]);
                (cpu[GuestReg.EAX], cpu[GuestReg.EBX], cpu[GuestReg.EDX]) = (c.Eax, c.Ebx, c.Edx);
                return true;
            case ExitReasons.VMCALL when cpu[GuestReg.EAX] == 0:
                return false;
            case ExitReasons.VMCALL when cpu[GuestReg.EAX] == 1:
                console.Append(cpu[GuestReg.EBX]).Append('\n');
                return true;
            case ExitReasons.INOUT when (e.Qualification & IoQualification.String) == 0:
                Io(cpu, e.Qualification, console);
                return true;
            default:
                throw new InvalidOperationException($"host: unsupported exit {e} ({cpu})");
        }
    }

    static void Io(GuestCpu cpu, uint q, StringBuilder console)
    {
        int size = IoQualification.Size(q);
        ushort port = IoQualification.Port(q);
        if (!IoQualification.IsIn(q))
        {
            if (port == SerialData) console.Append((char)(cpu[GuestReg.EAX] & 0xFF));
            return;
        }
        uint value = port == LineStatus ? 0x20u : 0xFFFFFFFFu;
        uint mask = size == 4 ? 0xFFFFFFFF : size == 2 ? 0xFFFFu : 0xFFu;
        cpu[GuestReg.EAX] = (cpu[GuestReg.EAX] & ~mask) | (value & mask);
    }
}
