using VmxLayers.Guest;
using static VmxLayers.Guest.GuestCpu;
using static VmxLayers.Tests.Guest.GuestAsm;

namespace VmxLayers.Tests.Guest;

public class MoreInstructionTests
{
    [Fact]
    public void ByteAluFormsUseHighByteRegisters()
    {
        // add ah,bl (00 DC): 0x7F + 0x01 → 0x80 OF SF; cmp al,0x80 (3C 80); sub ch,al (28 C5)
        var cpu = Exec("00DC", c => { c[GuestReg.EAX] = 0x12347F00; c[GuestReg.EBX] = 0x01; });
        Assert.Equal(0x12348000u, cpu[GuestReg.EAX]);
        Assert.Equal(OF | SF | AF, Flags(cpu));
        cpu = Exec("28C5", c => { c[GuestReg.EAX] = 0x05; c[GuestReg.ECX] = 0xAB0300; });
        Assert.Equal(0xABFE00u, cpu[GuestReg.ECX]);          // 3 - 5 = 0xFE in CH only
        Assert.Equal(CF | SF | AF, Flags(cpu));               // 0xFE has 7 bits set → PF clear
        cpu = Exec("04FF", c => c[GuestReg.EAX] = 0xFFFF0001); // add al,0xFF → 0, CF ZF, no carry into AH
        Assert.Equal(0xFFFF0000u, cpu[GuestReg.EAX]);
        Assert.Equal(CF | ZF | PF | AF, Flags(cpu));
    }

    [Fact]
    public void SixteenBitAluKeepsUpperHalfAndUses16BitFlags()
    {
        // add ax,1 (66 83 C0 01) on 0xABCDFFFF → 0xABCD0000, CF ZF
        var cpu = Exec("6683C001", c => c[GuestReg.EAX] = 0xABCDFFFF);
        Assert.Equal(0xABCD0000u, cpu[GuestReg.EAX]);
        Assert.Equal(CF | ZF | PF | AF, Flags(cpu));
        // inc word [0x2000] (66 FF 05 00200000) on 0x7FFF → 0x8000 OF SF
        cpu = Exec("66FF0500200000", c => { c.Memory[0x2000] = 0xFF; c.Memory[0x2001] = 0x7F; c.Memory[0x2002] = 0x11; });
        Assert.Equal(new byte[] { 0x00, 0x80, 0x11 }, cpu.Memory[0x2000..0x2003]);
        Assert.Equal(OF | SF | PF | AF, Flags(cpu));
    }

    [Fact]
    public void MemoryDestinationForms()
    {
        // mov ebx,0x2000; mov dword [ebx],10; add [ebx],ecx (01 0B); xchg [ebx+4],edx (87 53 04); inc dword [ebx] (FF 03)
        var cpu = Exec("BB00200000 C70300000000 C7030A000000 010B 875304 FF03",
            c => { c[GuestReg.ECX] = 5; c[GuestReg.EDX] = 0x77; });
        Assert.Equal(16u, BitConverter.ToUInt32(cpu.Memory, 0x2000));
        Assert.Equal(0x77u, BitConverter.ToUInt32(cpu.Memory, 0x2004));
        Assert.Equal(0u, cpu[GuestReg.EDX]);
    }

    [Fact]
    public void StackForms()
    {
        // push 0x11223344 (68); push -2 (6A FE); pop dword [0x2000] (8F 05); push dword [0x2000] (FF 35); pop ebx; pop ecx
        var cpu = Exec("6844332211 6AFE 8F0500200000 FF3500200000 5B 59");
        Assert.Equal(0xFFFFFFFEu, cpu[GuestReg.EBX]);
        Assert.Equal(0x11223344u, cpu[GuestReg.ECX]);
        Assert.Equal(0x10000u, cpu[GuestReg.ESP]);
        // call f; hlt-jump; f: ret 8 releases 8 bytes of arguments pushed before the call
        // 1000 push 1; 1002 push 2; 1004 call 100B; 1009 jmp 100E; 100B ret 8; 100E hlt
        cpu = Exec("6A01 6A02 E802000000 EB03 C20800");
        Assert.Equal(0x10000u, cpu[GuestReg.ESP]);
    }

    [Fact]
    public void LoopVariantsAndJecxz()
    {
        // loope: ecx=5, zf=1 → loops while ZF: body "cmp eax,eax" keeps ZF → runs down to 0
        var cpu = Exec("B905000000 39C0 E1FC");
        Assert.Equal(0u, cpu[GuestReg.ECX]);
        // loopne: body "cmp eax,eax" sets ZF → exits after one iteration with ecx 4
        cpu = Exec("B905000000 39C0 E0FC");
        Assert.Equal(4u, cpu[GuestReg.ECX]);
        // jecxz +5 over "mov ebx,1" when ecx = 0
        cpu = Exec("E305 BB01000000");
        Assert.Equal(0u, cpu[GuestReg.EBX]);
        // jmp rel32 forward over 5 bytes (E9 05000000)
        cpu = Exec("E905000000 BB01000000");
        Assert.Equal(0u, cpu[GuestReg.EBX]);
    }

    [Fact]
    public void ByteShiftsRotatesAndImul()
    {
        // shr bl,1 (D0 EB) on 0x81 → 0x40 CF OF; sar bl,cl (D2 FB) with cl=7 on 0x80 → 0xFF; ror eax,4 (C1 C8 04)
        var cpu = Exec("D0EB", c => c[GuestReg.EBX] = 0x81);
        Assert.Equal(0x40u, cpu[GuestReg.EBX]);
        Assert.Equal(CF | OF, Flags(cpu) & (CF | OF));
        cpu = Exec("B107 D2FB", c => c[GuestReg.EBX] = 0x80);
        Assert.Equal(0xFFu, cpu[GuestReg.EBX]);
        cpu = Exec("C1C804", c => c[GuestReg.EAX] = 0x12345678);
        Assert.Equal(0x81234567u, cpu[GuestReg.EAX]);
        Assert.Equal(CF | OF, Flags(cpu) & (CF | OF)); // CF = new MSB 1; OF = bit31 ^ bit30 = 1
        // imul eax,ebx (0F AF C3): 0x10000 × 0x10000 overflows → CF OF; imul ecx,ebx,1000 (69 CB E8030000)
        cpu = Exec("0FAFC3 69CBE8030000", c => { c[GuestReg.EAX] = 0x10000; c[GuestReg.EBX] = 0x10000; });
        Assert.Equal(0u, cpu[GuestReg.EAX]);
        Assert.Equal(0x3E80000u, cpu[GuestReg.ECX]);
        Assert.Equal(0u, Flags(cpu) & (CF | OF)); // the last imul fits
    }

    [Fact]
    public void MultiByteNopAndFlagInstructions()
    {
        // nop dword [eax+0] (0F 1F 40 00); stc; cmc; std; cld
        var cpu = Exec("0F1F4000 F9 F5 FD FC", c => c.Eflags = 0x2);
        Assert.Equal(0x2u, cpu.Eflags);
    }
}
