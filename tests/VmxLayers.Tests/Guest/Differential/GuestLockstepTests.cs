using System.Text;
using VmxLayers.Guest;
using VmxLayers.Constants;

namespace VmxLayers.Tests.Guest.Differential;

/// <summary>
/// Every shipped guest (the assembly guests and every C guest at -O0/-O2/-Os) in lockstep with Unicorn: both run
/// to the next exiting instruction, which is a synchronisation point — registers, EIP, flags and all memory must
/// agree there — then the host's effect (guests/README.md) is applied to both and both resume after it.
/// </summary>
public class GuestLockstepTests
{
    public static TheoryData<string> Guests => new(GuestLibrary.Names);

    [RequiresUnicornTheory, MemberData(nameof(Guests))]
    public void EveryGuestRunsInLockstepWithUnicorn(string name)
    {
        var p = GuestLibrary.Get(name);
        var cpu = GuestCpu.Load(p);
        using var uc = new Unicorn(p.MemorySize);
        uc.Write(0, cpu.Memory, code: true);
        for (int k = 0; k < 8; k++) uc.SetGpr(k, cpu.Regs[k]);
        uc.SetEflags(cpu.Eflags);
        uc.SetEip(cpu.Eip);
        var console = new StringBuilder();
        var theirs = new byte[p.MemorySize];
        for (int sync = 0; ; sync++)
        {
            var e = Interpreter.RunUntilExit(cpu);
            int err = uc.Run(e.GuestRip, timeoutMicroseconds: 20_000_000);
            Assert.False(uc.TimedOut, $"{name}: Unicorn did not reach sync point {sync} (EIP {e.GuestRip:X}) within 20 s (EIP {uc.GetEip():X})");
            Assert.True(err == Unicorn.Ok && uc.Interrupt < 0, $"{name}: Unicorn stopped with uc_err {err}, exception {uc.Interrupt} before sync point {sync} (EIP {uc.GetEip():X})");
            var regs = Enumerable.Range(0, 8).Select(uc.Gpr).ToArray();
            Assert.True(regs.SequenceEqual(cpu.Regs) && uc.GetEip() == cpu.Eip && (uc.GetEflags() & RandomInstructions.Flags) == (cpu.Eflags & RandomInstructions.Flags),
                $"{name}, sync point {sync} ({e}): ours {cpu}, Unicorn EAX={regs[0]:X8} ECX={regs[1]:X8} EDX={regs[2]:X8} EBX={regs[3]:X8} ESP={regs[4]:X8} EBP={regs[5]:X8} ESI={regs[6]:X8} EDI={regs[7]:X8} EIP={uc.GetEip():X8} EFLAGS={uc.GetEflags():X8}");
            uc.Read(0, theirs);
            if (!cpu.Memory.AsSpan().SequenceEqual(theirs))
            {
                int at = cpu.Memory.AsSpan().CommonPrefixLength(theirs);
                Assert.Fail($"{name}, sync point {sync} ({e}): memory at 0x{at:X}: ours {cpu.Memory[at]:X2}, Unicorn {theirs[at]:X2}");
            }
            if (!Host(cpu, e, console)) break;
            cpu.Eip = e.GuestRip + e.InstructionLength;
            for (int k = 0; k < 8; k++) uc.SetGpr(k, cpu.Regs[k]);
            uc.SetEip(cpu.Eip);
        }
        Assert.Equal(p.ExpectedOutput, console.ToString());
    }

    [RequiresUnicornFact]
    public void ARunThatNeverReachesItsSyncPointIsStoppedByTheWatchdog()
    {
        using var uc = new Unicorn(0x2000);
        uc.Write(0x1000, [0xEB, 0xFE], code: true);   // jmp $
        uc.SetEip(0x1000);
        int err = uc.Run(0x1002, timeoutMicroseconds: 200_000);
        Assert.True(uc.TimedOut);
        Assert.Equal(Unicorn.Ok, err);
        Assert.Equal(0x1000u, uc.GetEip());
        uc.Write(0x1000, [0x90, 0x90], code: true);     // nop; nop: the next run is not stopped by the last one's watchdog
        uc.SetEip(0x1000);
        Assert.Equal(Unicorn.Ok, uc.Run(0x1002, timeoutMicroseconds: 200_000));
        Assert.False(uc.TimedOut);
        Assert.Equal(0x1002u, uc.GetEip());
    }

    /// <summary>The host ABI's effect on the guest registers; false when the guest ended.</summary>
    static bool Host(GuestCpu cpu, GuestExit e, StringBuilder console)
    {
        switch ((uint)e.Reason)
        {
            case ExitReasons.HLT: return false;
            case ExitReasons.VMCALL when cpu[GuestReg.EAX] == 0: return false;
            case ExitReasons.VMCALL: console.Append(cpu[GuestReg.EBX]).Append('\n'); return true;
            case ExitReasons.CPUID:
                var c = CpuidTable.Lookup(cpu[GuestReg.EAX]);
                (cpu[GuestReg.EAX], cpu[GuestReg.EBX], cpu[GuestReg.EDX]) = (c.Eax, c.Ebx, c.Edx);
                return true;
            default:
                uint q = e.Qualification;
                if (!IoQualification.IsIn(q)) { if (IoQualification.Port(q) == 0x3F8) console.Append((char)(cpu[GuestReg.EAX] & 0xFF)); return true; }
                uint mask = IoQualification.Size(q) switch { 1 => 0xFFu, 2 => 0xFFFFu, _ => 0xFFFFFFFFu };
                uint value = IoQualification.Port(q) == 0x3FD ? 0x20u : 0xFFFFFFFFu;
                cpu[GuestReg.EAX] = (cpu[GuestReg.EAX] & ~mask) | (value & mask);
                return true;
        }
    }
}

/// <summary>popcnt, which Unicorn 2.0.1 rejects as an invalid instruction, against known values.</summary>
public class PopcntTests
{
    [Theory]
    //                 code            source       count
    [InlineData("F30FB8C3", 0x00000000u, 0u)]          // popcnt eax, ebx
    [InlineData("F30FB8C3", 0xFFFFFFFFu, 32u)]
    [InlineData("F30FB8C3", 0x80000001u, 2u)]
    [InlineData("F30FB8C3", 0x12345678u, 13u)]
    [InlineData("66F30FB8C3", 0xFFFF8421u, 4u)]        // popcnt ax, bx: only the low 16 bits, EAX's upper half kept
    [InlineData("66F30FB8C3", 0x0000FFFFu, 16u)]
    public void PopcntCountsBitsAndSetsOnlyZf(string code, uint source, uint count)
    {
        var cpu = GuestAsm.Exec(code, c => { c[GuestReg.EBX] = source; c[GuestReg.EAX] = 0xABCD0000; c.Eflags = 0x2 | GuestAsm.ArithMask; });
        bool word = code.StartsWith("66", StringComparison.Ordinal);
        Assert.Equal(word ? 0xABCD0000u | count : count, cpu[GuestReg.EAX]);
        uint zf = (word ? source & 0xFFFF : source) == 0 ? GuestCpu.ZF : 0;
        Assert.Equal(zf, GuestAsm.Flags(cpu));   // CF, OF, SF, AF, PF cleared
    }

    [Fact]
    public void PopcntReadsMemory()
    {
        // popcnt ecx, [0x2000] (F3 0F B8 0D 00200000)
        var cpu = GuestAsm.Exec("F30FB80D00200000", c => BitConverter.GetBytes(0xF0F0F0F0u).CopyTo(c.Memory, 0x2000));
        Assert.Equal(16u, cpu[GuestReg.ECX]);
    }
}
