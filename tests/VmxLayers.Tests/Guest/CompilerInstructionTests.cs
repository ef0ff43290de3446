using VmxLayers.Guest;
using static VmxLayers.Guest.GuestCpu;
using static VmxLayers.Tests.Guest.GuestAsm;

namespace VmxLayers.Tests.Guest;

/// <summary>Instructions gcc and libgcc emit that the first interpreter lacked, and the decoded-instruction cache.</summary>
public class CompilerInstructionTests
{
    [Fact]
    public void PopIntoMemoryAddressedByEspUsesTheIncrementedEsp()
    {
        // push 0x11; push 0x22; push 0x33; pop dword [esp+4] (8F 44 24 04): ESP is incremented first (SDM),
        // so the 0x33 lands where 0x11 was (top−4), not where 0x22 is
        var cpu = Exec("6A11 6A22 6A33 8F442404");
        Assert.Equal(0x10000u - 8, cpu[GuestReg.ESP]);
        Assert.Equal(0x33u, BitConverter.ToUInt32(cpu.Memory, 0x10000 - 4));
        Assert.Equal(0x22u, BitConverter.ToUInt32(cpu.Memory, 0x10000 - 8));
    }

    [Fact]
    public void LeaveAndEnterBuildAndDropFrames()
    {
        // push ebp; mov ebp, esp; sub esp, 16; leave → ESP, EBP restored
        var cpu = Exec("55 89E5 83EC10 C9", c => c[GuestReg.EBP] = 0x1234);
        Assert.Equal((0x10000u, 0x1234u), (cpu[GuestReg.ESP], cpu[GuestReg.EBP]));
        // enter 8, 0 then leave
        cpu = Exec("C8080000 C9", c => c[GuestReg.EBP] = 0x5678);
        Assert.Equal((0x10000u, 0x5678u), (cpu[GuestReg.ESP], cpu[GuestReg.EBP]));
        cpu = Exec("C8080000");
        Assert.Equal((0x10000u - 4, 0x10000u - 12), (cpu[GuestReg.EBP], cpu[GuestReg.ESP]));
    }

    [Fact]
    public void CmovSetccAndTheNopForms()
    {
        // cmp eax, ebx (3 vs 7); cmovl ecx, ebx; cmovg edx, ebx; endbr32; nop word [eax+eax]; xchg ax, ax
        var cpu = Exec("39D8 0F4CCB 0F4FD3 F30F1EFB 660F1F440000 6690", c => { c[GuestReg.EAX] = 3; c[GuestReg.EBX] = 7; c[GuestReg.EDX] = 9; });
        Assert.Equal((7u, 9u), (cpu[GuestReg.ECX], cpu[GuestReg.EDX]));
        // a false cmov from memory still reads it (SDM): outside guest memory it faults
        var f = Assert.Throws<GuestFault>(() => Exec("39C0 0F4505F0FFFFFF"));
        Assert.Contains("memory access at 0xFFFFFFF0", f.Message);
    }

    [Fact]
    public void DoubleShiftsBitTestsScansAndByteSwap()
    {
        // mov eax,0x12345678; mov edx,0x9ABCDEF0; shld eax,edx,8; shrd edx,eax,4; bswap eax; bt eax,1; bsf ecx,edx; bsr ebx,edx
        var cpu = Exec("B878563412 BAF0DEBC9A 0FA4D008 0FACC204 0FC8 0FBAE001 0FBCCA 0FBDDA");
        Assert.Equal(0x9A785634u, cpu[GuestReg.EAX]);          // bswap(0x3456789A)
        Assert.Equal(0xA9ABCDEFu, cpu[GuestReg.EDX]);          // 0x9ABCDEF0 >> 4 with the low nibble of EAX (0xA) on top
        Assert.Equal((0u, 31u), (cpu[GuestReg.ECX], cpu[GuestReg.EBX]));
        Assert.Equal(0u, Flags(cpu) & ZF);
        // bts/btr/btc on memory with a register bit offset beyond the dword: [0x2000] bit 35 = byte 0x2004 bit 3
        cpu = Exec("B923000000 0FAB0D00200000 0FAB0D00200000 0FBB0D00200000", c => c.Memory[0x2004] = 0x01);
        Assert.Equal(0x01, cpu.Memory[0x2004]);
        Assert.Equal(CF, Flags(cpu) & CF);                     // btc saw the bit set
    }

    [Fact]
    public void NarrowMultiplicationAndDivision()
    {
        // mov al,200; mov bl,3; mul bl → AX=600; mov ax,1000; mov cl,7; div cl → AL=142 AH=6; mov ax,-100; mov dl,7; idiv dl → AL=-14 AH=-2
        var cpu = Exec("B0C8 B303 F6E3", c => c[GuestReg.EAX] = 0xFFFF0000);
        Assert.Equal(0xFFFF0258u, cpu[GuestReg.EAX]);
        Assert.Equal(CF | OF, Flags(cpu) & (CF | OF));
        cpu = Exec("66B8E803 B107 F6F1");
        Assert.Equal(0x068Eu, cpu[GuestReg.EAX] & 0xFFFF);
        cpu = Exec("66B89CFF B207 F6FA");
        Assert.Equal(0xFEF2u, cpu[GuestReg.EAX] & 0xFFFF);
        // 16-bit: mov ax,0xFFFF; mov dx,0xFFFF; mov cx,2; mul cx → DX:AX = 0x0001:0xFFFE
        cpu = Exec("66B8FFFF 66BAFFFF 66B90200 66F7E1");
        Assert.Equal((0xFFFEu, 0x0001u), (cpu[GuestReg.EAX] & 0xFFFF, cpu[GuestReg.EDX] & 0xFFFF));
        var f = Assert.Throws<GuestFault>(() => Exec("66B80010 B101 F6F1"));   // 0x1000 / 1 does not fit AL
        Assert.Equal(GuestFaultKind.DivideError, f.Kind);
    }

    [Fact]
    public void StringInstructionsRepeatAndFollowTheDirectionFlag()
    {
        // std; mov esi,0x200C; mov edi,0x300C; mov ecx,4; rep movsd; cld
        var cpu = Exec("FD BE0C200000 BF0C300000 B904000000 F3A5 FC", c => { for (int k = 0; k < 16; k++) c.Memory[0x2000 + k] = (byte)(k + 1); });
        Assert.Equal(cpu.Memory[0x2000..0x2010], cpu.Memory[0x3000..0x3010]);
        Assert.Equal((0x1FFCu, 0x2FFCu, 0u), (cpu[GuestReg.ESI], cpu[GuestReg.EDI], cpu[GuestReg.ECX]));
        // repne scasb finds the zero terminator: mov edi,0x2000; xor eax,eax; mov ecx,-1; repne scasb; not ecx; dec ecx → strlen
        cpu = Exec("BF00200000 31C0 B9FFFFFFFF F2AE F7D1 49", c => "hypervisor\0"u8.ToArray().CopyTo(c.Memory, 0x2000));
        Assert.Equal(10u, cpu[GuestReg.ECX]);
        // repe cmpsb stops at the first difference
        cpu = Exec("BE00200000 BF00300000 B908000000 F3A6", c => { "abcdefgh"u8.ToArray().CopyTo(c.Memory, 0x2000); "abcXefgh"u8.ToArray().CopyTo(c.Memory, 0x3000); });
        Assert.Equal((4u, 0x2004u), (cpu[GuestReg.ECX], cpu[GuestReg.ESI]));
    }

    [Fact]
    public void PushadPopadPushfdPopfdXchgXaddCmpxchgAndConversions()
    {
        var cpu = Exec("60 B8FFFFFFFF 89C3 61", c => { c[GuestReg.EAX] = 1; c[GuestReg.EBX] = 2; });
        Assert.Equal((1u, 2u, 0x10000u), (cpu[GuestReg.EAX], cpu[GuestReg.EBX], cpu[GuestReg.ESP]));
        // stc; std; pushfd; pop eax; push 0x8C5 (OF, SF, AF, PF, CF); popfd
        cpu = Exec("F9 FD 9C 58 68C5080000 9D");
        Assert.Equal(0x403u, cpu[GuestReg.EAX] & 0xFFF);                       // DF | bit 1 | CF
        Assert.Equal(0x8C7u, cpu.Eflags);                                       // OF SF AF PF CF from the word, bit 1; DF cleared
        // xadd; cmpxchg equal and not equal; cbw/cwde/cwd/cdq
        cpu = Exec("0FC1D8", c => { c[GuestReg.EAX] = 5; c[GuestReg.EBX] = 7; });
        Assert.Equal((12u, 5u), (cpu[GuestReg.EAX], cpu[GuestReg.EBX]));
        cpu = Exec("0FB1CA", c => { c[GuestReg.EAX] = 3; c[GuestReg.EDX] = 3; c[GuestReg.ECX] = 9; });
        Assert.Equal((3u, 9u), (cpu[GuestReg.EAX], cpu[GuestReg.EDX]));
        cpu = Exec("0FB1CA", c => { c[GuestReg.EAX] = 4; c[GuestReg.EDX] = 3; c[GuestReg.ECX] = 9; });
        Assert.Equal((3u, 3u), (cpu[GuestReg.EAX], cpu[GuestReg.EDX]));
        cpu = Exec("B080 6698 98 99", c => c[GuestReg.EAX] = 0x12345600);
        Assert.Equal((0xFFFFFF80u, 0xFFFFFFFFu), (cpu[GuestReg.EAX], cpu[GuestReg.EDX]));
    }

    [Fact]
    public void AStoreIntoCachedCodeIsSeenByTheNextExecution()
    {
        // 1000 mov eax, 1 (B8 01000000); 1005 inc ecx; 1006 cmp ecx, 2; 1009 je 1018;
        // 100B mov byte [0x1001], 7 (C6 05 01100000 07); 1012 jmp 1000 (EB EC); ... 1018 hlt
        var cpu = Load("B801000000 41 83F902 740D C60501100000 07 EBEC 90909090 F4");
        var e = Interpreter.RunUntilExit(cpu);
        Assert.Equal(12, e.Reason);
        Assert.Equal(7u, cpu[GuestReg.EAX]);     // the second pass ran the rewritten immediate
        // a host write followed by CodeChanged is seen too
        cpu.Memory[0x1001] = 9;
        cpu.CodeChanged(0x1001, 1);
        cpu.Eip = 0x1000;
        cpu[GuestReg.ECX] = 1;
        Interpreter.RunUntilExit(cpu);
        Assert.Equal(9u, cpu[GuestReg.EAX]);
    }

    [Fact]
    public void AReloadAfterTheCodeRewroteItselfRunsTheOriginalCode()
    {
        // 1000 mov eax, 1; 1005 mov byte [0x1001], 7; 100C hlt — the second run must again see the immediate 1
        var p = new GuestProgram("smc", Bytes("B801000000 C60501100000 07 F4"), Base, Base, "");
        var cpu = GuestCpu.Load(p);
        Interpreter.RunUntilExit(cpu);
        Assert.Equal((1u, (byte)7), (cpu[GuestReg.EAX], cpu.Memory[0x1001]));
        cpu.Reload(p);
        cpu.Eip = 0x1000;
        Interpreter.RunUntilExit(cpu);
        Assert.Equal(1u, cpu[GuestReg.EAX]);
        // and after a run that did not touch its code, the reload keeps the decoded instructions and still runs right
        var hello = GuestLibrary.Get("hello");
        var h = GuestCpu.Load(hello);
        var first = StandaloneHost.Run(h);
        h.Reload(hello);
        Assert.Equal(first, StandaloneHost.Run(h));
    }
}
