using VmxLayers.Guest;
using static VmxLayers.Guest.GuestCpu;
using static VmxLayers.Tests.Guest.GuestAsm;

namespace VmxLayers.Tests.Guest;

public class InstructionTests
{
    // ---- mov / lea / movzx -------------------------------------------------------------------

    [Fact]
    public void MovImmediateAndRegisterForms()
    {
        // mov eax,0x11223344; mov ecx,eax (89 C1); mov edx,ecx (8B D1); mov bl,0xAB; mov bh,al (88 C7); mov ah,0x55
        var cpu = Exec("B8 44332211 89C1 8BD1 B3AB 88C7 B455");
        Assert.Equal(0x11225544u, cpu[GuestReg.EAX]);
        Assert.Equal(0x11223344u, cpu[GuestReg.ECX]);
        Assert.Equal(0x11223344u, cpu[GuestReg.EDX]);
        Assert.Equal(0x000044ABu, cpu[GuestReg.EBX]);
    }

    [Fact]
    public void MovMemoryFormsWithDisplacementsAndSib()
    {
        // mov esi,0x2000; mov ecx,3; mov dword [esi+8],0xCAFEBABE (C7 46 08 imm);
        // mov eax,[esi+ecx*4-4] (8B 44 8E FC); mov [0x3000],eax (A3); mov edx,[0x3000] (8B 15 disp32);
        // mov byte [esi+ecx*2+0x100],0x7F (C6 84 4E 00010000 7F); mov bl,[esi+0x106] (8A 9E 06010000)
        var cpu = Exec("BE 00200000 B9 03000000 C74608 BEBAFECA 8B448EFC A3 00300000 8B15 00300000 C6844E 00010000 7F 8A9E 06010000");
        Assert.Equal(0xCAFEBABEu, cpu[GuestReg.EAX]);
        Assert.Equal(0xCAFEBABEu, cpu[GuestReg.EDX]);
        Assert.Equal(0x7Fu, cpu[GuestReg.EBX]);
        Assert.Equal(0xCAFEBABEu, BitConverter.ToUInt32(cpu.Memory, 0x3000));
        Assert.Equal(0x7F, cpu.Memory[0x2106]);
    }

    [Fact]
    public void MovWithOperandSizePrefixWritesLow16Only()
    {
        // mov eax,0xFFFFFFFF; mov ax,0x1234 (66 B8 3412); mov word [0x2000],ax (66 A3)
        var cpu = Exec("B8 FFFFFFFF 66B8 3412 66A3 00200000");
        Assert.Equal(0xFFFF1234u, cpu[GuestReg.EAX]);
        Assert.Equal(new byte[] { 0x34, 0x12, 0 }, cpu.Memory[0x2000..0x2003]);
    }

    [Fact]
    public void LeaComputesAddressWithoutMemoryAccess()
    {
        // mov ebx,0xFFFF0000; mov ecx,5; lea eax,[ebx+ecx*8+0x10] (8D 44 CB 10); lea edx,[ecx+ecx*2] (8D 14 49)
        var cpu = Exec("BB 0000FFFF B9 05000000 8D44CB10 8D1449");
        Assert.Equal(0xFFFF0038u, cpu[GuestReg.EAX]);
        Assert.Equal(15u, cpu[GuestReg.EDX]);
    }

    [Fact]
    public void MovzxAndMovsx()
    {
        // mov eax,0x80F0; movzx ebx,al (0F B6 D8); movsx ecx,al (0F BE C8); movsx edx,ax (0F BF D0)
        var cpu = Exec("B8 F0800000 0FB6D8 0FBEC8 0FBFD0");
        Assert.Equal(0xF0u, cpu[GuestReg.EBX]);
        Assert.Equal(0xFFFFFFF0u, cpu[GuestReg.ECX]);
        Assert.Equal(0xFFFF80F0u, cpu[GuestReg.EDX]);
    }

    // ---- ALU and flags ---------------------------------------------------------------------------

    [Theory]
    //            code (eax = a, ebx = b first)  a            b           result       flags
    [InlineData("01D8", 0x7FFFFFFFu, 1u, 0x80000000u, OF | SF | PF | AF)]          // add eax,ebx
    [InlineData("01D8", 0xFFFFFFFFu, 1u, 0u, CF | ZF | PF | AF)]
    [InlineData("01D8", 0x80000000u, 0x80000000u, 0u, CF | ZF | PF | OF)]
    [InlineData("29D8", 1u, 2u, 0xFFFFFFFFu, CF | SF | PF | AF)]                  // sub eax,ebx
    [InlineData("29D8", 0x80000000u, 1u, 0x7FFFFFFFu, OF | PF | AF)]
    [InlineData("29D8", 5u, 5u, 0u, ZF | PF)]
    [InlineData("21D8", 0xF0F0F0F3u, 0x0F0F0F0Fu, 3u, PF)]                       // and
    [InlineData("09D8", 0x80000000u, 1u, 0x80000001u, SF)]                       // or
    [InlineData("31D8", 0x1234u, 0x1234u, 0u, ZF | PF)]                          // xor
    public void AluRegisterFormsSetExactFlags(string code, uint a, uint b, uint result, uint flags)
    {
        var cpu = Exec(code, c => { c[GuestReg.EAX] = a; c[GuestReg.EBX] = b; c.Eflags = 0x2 | CF | OF; });
        Assert.Equal(result, cpu[GuestReg.EAX]);
        Assert.Equal(flags, Flags(cpu));
    }

    [Fact]
    public void CmpAndTestSetFlagsWithoutWriting()
    {
        // cmp eax,ebx (39 D8): 3 vs 7 → CF SF
        var cpu = Exec("39D8", c => { c[GuestReg.EAX] = 3; c[GuestReg.EBX] = 7; });
        Assert.Equal(3u, cpu[GuestReg.EAX]);
        Assert.Equal(CF | SF | PF | AF, Flags(cpu)); // 3-7 = 0xFFFFFFFC: low byte has 6 bits set → PF
        // test eax,ebx (85 D8): 0x80 & 0x81 = 0x80 → SF; CF/OF cleared; eax unchanged
        cpu = Exec("85D8", c => { c[GuestReg.EAX] = 0x80000080; c[GuestReg.EBX] = 0x80000081; c.Eflags = 0x2 | CF | OF; });
        Assert.Equal(0x80000080u, cpu[GuestReg.EAX]);
        Assert.Equal(SF, Flags(cpu));
    }

    [Fact]
    public void AdcAndSbbUseCarry()
    {
        // stc; adc eax,ebx (11 D8): 0xFFFFFFFF + 0 + 1 → 0, CF ZF
        var cpu = Exec("F9 11D8", c => { c[GuestReg.EAX] = 0xFFFFFFFF; c[GuestReg.EBX] = 0; });
        Assert.Equal(0u, cpu[GuestReg.EAX]);
        Assert.Equal(CF | ZF | PF | AF, Flags(cpu));
        // stc; sbb eax,ebx (19 D8): 5 - 5 - 1 → 0xFFFFFFFF, CF SF PF
        cpu = Exec("F9 19D8", c => { c[GuestReg.EAX] = 5; c[GuestReg.EBX] = 5; });
        Assert.Equal(0xFFFFFFFFu, cpu[GuestReg.EAX]);
        Assert.Equal(CF | SF | PF | AF, Flags(cpu));
    }

    [Fact]
    public void IncDecPreserveCarry()
    {
        // stc; inc eax (40) on 0x7FFFFFFF → OF SF, CF kept; dec ecx (49) on 0 → 0xFFFFFFFF
        var cpu = Exec("F9 40", c => c[GuestReg.EAX] = 0x7FFFFFFF);
        Assert.Equal(0x80000000u, cpu[GuestReg.EAX]);
        Assert.Equal(CF | OF | SF | PF | AF, Flags(cpu));
        cpu = Exec("F8 49");
        Assert.Equal(0xFFFFFFFFu, cpu[GuestReg.ECX]);
        Assert.Equal(SF | PF | AF, Flags(cpu));
    }

    [Fact]
    public void Group1ImmediateForms()
    {
        // add eax,0x100 (81 C0); sub eax,-1 (83 E8 FF) → +1; cmp eax,0x101 (3D) → ZF; and bl,0x0F (80 E3 0F)
        var cpu = Exec("81C0 00010000 83E8FF 3D 01010000 80E30F", c => c[GuestReg.EBX] = 0x1234);
        Assert.Equal(0x101u, cpu[GuestReg.EAX]);
        Assert.Equal(0x1204u, cpu[GuestReg.EBX]);
        Assert.Equal(0u, Flags(cpu)); // and bl,0x0F: result 4 (one bit → PF clear), CF/OF cleared
        // add dword [0x2000], 5 (83 05 00200000 05); cmp byte [0x2000],5 (80 3D 00200000 05)
        cpu = Exec("83 05 00200000 05 80 3D 00200000 05");
        Assert.Equal(5u, BitConverter.ToUInt32(cpu.Memory, 0x2000));
        Assert.Equal(ZF | PF, Flags(cpu));
    }

    [Theory]
    [InlineData("C1E004", 0x10000001u, 0x00000010u, CF | OF)]            // shl eax,4: last bit out = bit 28; OF as for count 1 (SDM: undefined)
    [InlineData("D1E0", 0x80000001u, 0x00000002u, CF | OF)]               // shl eax,1
    [InlineData("D1E8", 0x00000003u, 0x00000001u, CF)]                    // shr eax,1
    [InlineData("D1E8", 0x80000000u, 0x40000000u, OF | PF)]               // shr eax,1: OF = old MSB
    [InlineData("C1F804", 0x80000010u, 0xF8000001u, SF)]                  // sar eax,4
    [InlineData("C1C008", 0x12345678u, 0x34567812u, 0u)]                  // rol eax,8 (CF = bit 0 = 0)
    public void ShiftsSetExactFlags(string code, uint a, uint result, uint flags)
    {
        var cpu = Exec(code, c => c[GuestReg.EAX] = a);
        Assert.Equal(result, cpu[GuestReg.EAX]);
        Assert.Equal(flags, Flags(cpu) & ~AF);
    }

    [Fact]
    public void ShiftByClAndByZeroKeepsFlags()
    {
        // mov cl,3; shl eax,cl (D3 E0)
        var cpu = Exec("B103 D3E0", c => c[GuestReg.EAX] = 1);
        Assert.Equal(8u, cpu[GuestReg.EAX]);
        // stc; mov cl,0; shl eax,cl → nothing changes, CF stays
        cpu = Exec("F9 B100 D3E0", c => c[GuestReg.EAX] = 1);
        Assert.Equal(1u, cpu[GuestReg.EAX]);
        Assert.Equal(CF, Flags(cpu));
    }

    [Fact]
    public void MulDivNegNotImulXchgCdq()
    {
        // mov eax,0x10000; mov ebx,0x10000; mul ebx (F7 E3) → edx:eax = 1:0, CF OF
        var cpu = Exec("B8 00000100 BB 00000100 F7E3");
        Assert.Equal((0u, 1u), (cpu[GuestReg.EAX], cpu[GuestReg.EDX]));
        Assert.Equal(CF | OF, Flags(cpu) & (CF | OF));
        // mov eax,100; xor edx,edx; mov ebx,7; div ebx (F7 F3) → 14 r 2
        cpu = Exec("B8 64000000 31D2 BB 07000000 F7F3");
        Assert.Equal((14u, 2u), (cpu[GuestReg.EAX], cpu[GuestReg.EDX]));
        // neg eax (F7 D8) on 5; not ebx (F7 D3) on 0; imul ecx,eax,-3 (6B C8 FD); xchg eax,edx (92); cdq (99)
        cpu = Exec("F7D8 F7D3 6BC8FD 92 99", c => { c[GuestReg.EAX] = 5; c[GuestReg.EDX] = 0xFFFFFFFF; });
        Assert.Equal(0xFFFFFFFFu, cpu[GuestReg.EBX]);
        Assert.Equal(15u, cpu[GuestReg.ECX]);
        Assert.Equal(0xFFFFFFFFu, cpu[GuestReg.EAX]);
        Assert.Equal(0xFFFFFFFFu, cpu[GuestReg.EDX]); // xchg left eax = 0xFFFFFFFF (negative) → cdq fills edx
    }

    // ---- control flow / stack ------------------------------------------------------------------

    [Fact]
    public void JccRel8AndRel32TakenAndNotTaken()
    {
        // cmp eax,1 (83 F8 01); je +5 (74 05); mov ebx,1 (BB ..) ; jne rel32 +5 (0F 85 05000000) not taken when equal? → sequence below
        // eax = 1: je skips "mov ebx,1"; then 0F 84 (je rel32) skips "mov ecx,2"
        var cpu = Exec("83F801 7405 BB01000000 0F8405000000 B902000000", c => c[GuestReg.EAX] = 1);
        Assert.Equal((0u, 0u), (cpu[GuestReg.EBX], cpu[GuestReg.ECX]));
        cpu = Exec("83F801 7405 BB01000000 0F8405000000 B902000000", c => c[GuestReg.EAX] = 2);
        Assert.Equal((1u, 2u), (cpu[GuestReg.EBX], cpu[GuestReg.ECX]));
    }

    [Theory]
    [InlineData(0x7Cu, -1, 1, true)]   // jl: signed -1 < 1
    [InlineData(0x72u, -1, 1, false)]  // jb: unsigned 0xFFFFFFFF < 1 is false
    [InlineData(0x7Fu, 1, -1, true)]   // jg
    [InlineData(0x77u, 1, -1, false)]  // ja
    [InlineData(0x7Eu, 1, 1, true)]    // jle equal
    [InlineData(0x73u, 1, 1, true)]    // jae equal
    public void ConditionCodesSignedAndUnsigned(uint jcc, int a, int b, bool taken)
    {
        // cmp eax,ebx; jcc +5; mov ecx,1
        var cpu = Exec($"39D8 {jcc:X2}05 B901000000", c => { c[GuestReg.EAX] = (uint)a; c[GuestReg.EBX] = (uint)b; });
        Assert.Equal(taken ? 0u : 1u, cpu[GuestReg.ECX]);
    }

    [Fact]
    public void LoopCountsDownEcx()
    {
        // mov ecx,10; xor eax,eax; L: add eax,ecx (01 C8); loop L (E2 FC)
        var cpu = Exec("B9 0A000000 31C0 01C8 E2FC");
        Assert.Equal((55u, 0u), (cpu[GuestReg.EAX], cpu[GuestReg.ECX]));
    }

    [Fact]
    public void CallRetPushPop()
    {
        // 1000 call 100B; 1005 pop ebx; 1006 jmp 1013 (hlt); 1008 3×nop;
        // 100B pop eax (return address); 100C push 0x1234; 1011 push eax; 1012 ret
        var cpu = Exec("E806000000 5B EB0B 909090 58 6834120000 50 C3");
        Assert.Equal(0x1005u, cpu[GuestReg.EAX]);
        Assert.Equal(0x1234u, cpu[GuestReg.EBX]);
        Assert.Equal(0x10000u, cpu[GuestReg.ESP]);
    }

    [Fact]
    public void IndirectCallAndJmpThroughRegister()
    {
        // 1000 mov eax,0x100D; 1005 call eax (FF D0); 1007 jmp 1013 (EB 0A); 1009 4×nop;
        // 100D mov ebx,7; 1012 ret; 1013 hlt
        var cpu = Exec("B80D100000 FFD0 EB0A 90909090 BB07000000 C3");
        Assert.Equal(7u, cpu[GuestReg.EBX]);
        Assert.Equal(0x10000u, cpu[GuestReg.ESP]);
    }

    [Fact]
    public void SetccWritesByte()
    {
        // cmp eax,ebx; setb cl (0F 92 C1); setg dl (0F 9F C2)
        var cpu = Exec("39D8 0F92C1 0F9FC2", c => { c[GuestReg.EAX] = 1; c[GuestReg.EBX] = 0xFFFFFFFF; c[GuestReg.ECX] = 0xAA00; });
        Assert.Equal(0xAA01u, cpu[GuestReg.ECX]);
        Assert.Equal(1u, cpu[GuestReg.EDX]);
    }
}
