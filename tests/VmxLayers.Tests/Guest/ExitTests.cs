using VmxLayers.Guest;
using VmxLayers.Constants;
using static VmxLayers.Tests.Guest.GuestAsm;

namespace VmxLayers.Tests.Guest;

public class ExitTests
{
    /// <summary>Runs two nops then the exiting instruction; checks that it stopped before it, without executing it.</summary>
    static GuestExit ExitOf(string instruction, uint edx = 0x03F8)
    {
        var cpu = Load("90 90 " + instruction, c => { c[GuestReg.EDX] = edx; c[GuestReg.EAX] = 0xA5A5A5A5; });
        var before = (uint[])cpu.Regs.Clone();
        var e = Interpreter.RunUntilExit(cpu);
        Assert.Equal(Base + 2, e.GuestRip);
        Assert.Equal(Base + 2, cpu.Eip);   // stopped before the exiting instruction
        Assert.Equal(before, cpu.Regs);     // and did not execute it
        Assert.Equal((uint)Bytes(instruction).Length, e.InstructionLength);
        return e;
    }

    [Theory]
    //           instruction     qualification  (size-1 | IN 8 | string 16 | rep 32 | imm 64 | port << 16)
    [InlineData("E4 60", 0x00600048u)]          // in al, 0x60
    [InlineData("E5 71", 0x0071004Bu)]          // in eax, 0x71
    [InlineData("66 E5 71", 0x00710049u)]       // in ax, 0x71
    [InlineData("E6 80", 0x00800040u)]          // out 0x80, al
    [InlineData("E7 80", 0x00800043u)]          // out 0x80, eax
    [InlineData("EC", 0x03F80008u)]             // in al, dx
    [InlineData("ED", 0x03F8000Bu)]             // in eax, dx
    [InlineData("EE", 0x03F80000u)]             // out dx, al
    [InlineData("66 EF", 0x03F80001u)]          // out dx, ax
    [InlineData("EF", 0x03F80003u)]             // out dx, eax
    [InlineData("6C", 0x03F80018u)]             // insb
    [InlineData("6D", 0x03F8001Bu)]             // insd
    [InlineData("F3 6E", 0x03F80030u)]          // rep outsb
    [InlineData("F3 66 6F", 0x03F80031u)]       // rep outsw
    public void IoExitsReportSdmQualification(string instruction, uint qualification)
    {
        var e = ExitOf(instruction);
        Assert.Equal((int)ExitReasons.INOUT, e.Reason);
        Assert.Equal(qualification, e.Qualification);
    }

    [Fact]
    public void DxPortUsesLow16BitsOfEdx()
    {
        var e = ExitOf("EC", edx: 0x123403FD);
        Assert.Equal(0x03FDu, (uint)IoQualification.Port(e.Qualification));
        Assert.Equal((true, false, false, false, 1), (IoQualification.IsIn(e.Qualification), IoQualification.IsString(e.Qualification),
            IoQualification.IsRep(e.Qualification), IoQualification.IsImmediate(e.Qualification), IoQualification.Size(e.Qualification)));
        var rep = ExitOf("F3 6D");
        Assert.Equal((true, true, true, false, 4), (IoQualification.IsIn(rep.Qualification), IoQualification.IsString(rep.Qualification),
            IoQualification.IsRep(rep.Qualification), IoQualification.IsImmediate(rep.Qualification), IoQualification.Size(rep.Qualification)));
    }

    [Theory]
    [InlineData("0F A2", ExitReasons.CPUID)]
    [InlineData("F4", ExitReasons.HLT)]
    [InlineData("0F 01 C1", ExitReasons.VMCALL)]
    public void NonIoExitsHaveZeroQualification(string instruction, uint reason)
    {
        var e = ExitOf(instruction);
        Assert.Equal((int)reason, e.Reason);
        Assert.Equal(0u, e.Qualification);
    }

    [Fact]
    public void ResumingAtRipPlusLengthContinuesAfterTheExit()
    {
        // cpuid; mov ebx,eax; vmcall
        var cpu = Load("0FA2 89C3 0F01C1");
        var e1 = Interpreter.RunUntilExit(cpu);
        Assert.Equal(new GuestExit(10, 0, 2, Base), e1);
        cpu[GuestReg.EAX] = 42;                        // the host's answer
        cpu.Eip = e1.GuestRip + e1.InstructionLength;
        var e2 = Interpreter.RunUntilExit(cpu);
        Assert.Equal(new GuestExit(18, 0, 3, Base + 4), e2);
        Assert.Equal(42u, cpu[GuestReg.EBX]);
        Assert.Equal(1, cpu.InstructionsExecuted);     // only the mov executed
    }

    [Fact]
    public void StepExecutesOneInstruction()
    {
        var cpu = Load("40 F4");
        Assert.Null(Interpreter.Step(cpu));
        Assert.Equal((1u, Base + 1), (cpu[GuestReg.EAX], cpu.Eip));
        Assert.Equal(new GuestExit(12, 0, 1, Base + 1), Interpreter.Step(cpu));
    }
}

public class FaultTests
{
    [Theory]
    [InlineData("0F 0B", "0F 0B")]     // ud2
    [InlineData("CC", "CC")]           // int3
    [InlineData("F3 90", "F3 90")]     // rep on a non-string instruction
    [InlineData("FF F8", "FF F8")]     // FF /7 is undefined
    public void UnknownOpcodeNamesBytesAndEip(string code, string shown)
    {
        var cpu = Load("90 " + code);
        var f = Assert.Throws<GuestFault>(() => Interpreter.RunUntilExit(cpu));
        Assert.Contains($"opcode {shown}", f.Message);
        Assert.Contains("EIP=0x00001001", f.Message);
        Assert.Contains("guest 't'", f.Message);
        Assert.Equal((GuestFaultKind.UnknownOpcode, Base + 1), (f.Kind, f.Eip));
        Assert.Equal(Base + 1, cpu.Eip); // left at the faulting instruction
    }

    [Fact]
    public void MemoryAccessOutsideGuestMemoryFaults()
    {
        // mov eax, [0x10000] (A1 00000100): the first byte past 64 KiB
        var f = Assert.Throws<GuestFault>(() => Interpreter.RunUntilExit(Load("A1 00000100")));
        Assert.Contains("4-byte memory access at 0x00010000 outside guest memory [0, 0x10000)", f.Message);
        Assert.Contains("EIP=0x00001000", f.Message);
        Assert.Equal((GuestFaultKind.MemoryAccess, Base), (f.Kind, f.Eip));
        // mov [0xFFFE], eax straddles the end
        f = Assert.Throws<GuestFault>(() => Interpreter.RunUntilExit(Load("A3 FEFF0000")));
        Assert.Contains("at 0x0000FFFE", f.Message);
    }

    [Fact]
    public void PushBelowZeroAndRunningOffTheEndFault()
    {
        var f = Assert.Throws<GuestFault>(() => Interpreter.RunUntilExit(Load("50", c => c[GuestReg.ESP] = 2)));
        Assert.Contains("outside guest memory", f.Message);
        // jmp to the last byte of memory, which is a nop; the next fetch is outside
        f = Assert.Throws<GuestFault>(() => Interpreter.RunUntilExit(Load("90", c => { c.Memory[0xFFFF] = 0x90; c.Eip = 0xFFFF; })));
        Assert.Contains("1-byte memory access at 0x00010000", f.Message);
    }

    [Fact]
    public void DivideByZeroFaults()
    {
        var f = Assert.Throws<GuestFault>(() => Interpreter.RunUntilExit(Load("31DB F7F3"))); // xor ebx,ebx; div ebx
        Assert.Contains("divide error", f.Message);
        Assert.Contains("EIP=0x00001002", f.Message);
        Assert.Equal((GuestFaultKind.DivideError, Base + 2), (f.Kind, f.Eip));
    }

    [Fact]
    public void InstructionBudgetExhaustedIsAFaultThatCanBeResumed()
    {
        var cpu = Load("EB FE"); // jmp $
        var f = Assert.Throws<GuestFault>(() => Interpreter.RunUntilExit(cpu, 1000));
        Assert.Contains("no VM exit within 1000 instructions", f.Message);
        Assert.Equal((GuestFaultKind.BudgetExhausted, Base), (f.Kind, f.Eip));
        Assert.Equal((Base, 1000L), (cpu.Eip, cpu.InstructionsExecuted));
    }
}

public class CpuStateTests
{
    [Fact]
    public void CpuidVendorSpellsVmxLayersCpuInEbxEdxEcxOrder()
    {
        var r = CpuidTable.Lookup(0);
        var bytes = new[] { r.Ebx, r.Edx, r.Ecx }.SelectMany(BitConverter.GetBytes).ToArray();
        Assert.Equal("VmxLayersCPU", System.Text.Encoding.ASCII.GetString(bytes));
        Assert.Equal(1u, r.Eax);
        Assert.Equal(0x000306A9u, CpuidTable.Lookup(1).Eax);
        Assert.Equal(new CpuidResult(0, 0, 0, 0), CpuidTable.Lookup(7));
    }

    [Fact]
    public void LoadPlacesCodeAndStackAndCloneIsDeep()
    {
        var cpu = GuestCpu.Load(GuestLibrary.Get("hello"));
        Assert.Equal((0x1000u, 0x10000u, 0x2u), (cpu.Eip, cpu[GuestReg.ESP], cpu.Eflags));
        Assert.Equal(GuestLibrary.Get("hello").Code, cpu.Memory[0x1000..(0x1000 + GuestLibrary.Get("hello").Code.Length)]);
        var copy = cpu.Clone();
        Assert.True(copy.SameState(cpu));
        copy.Memory[0x5000] = 1;
        Assert.False(copy.SameState(cpu));
        Assert.Equal(0, cpu.Memory[0x5000]);
    }
}
