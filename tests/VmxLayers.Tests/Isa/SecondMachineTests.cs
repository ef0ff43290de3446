using System.Text;
using Decoder = Iced.Intel.Decoder;
using Iced.Intel;
using VmxLayers.Guest;
using VmxLayers.Isa;
using VmxLayers.Semantics;

namespace VmxLayers.Tests.Isa;

using Code = Iced.Intel.Code;

/// <summary>
/// The one semantics instantiated over two different machines: the guest machine (uint, flat bytes) and
/// <see cref="ValMachine"/> (CompCert values, block memory, relocations). Programs give the same results on both;
/// pointers and undefined values behave as CompCert's values do.
/// </summary>
public class SecondMachineTests
{
    const uint Base = 0x1000;

    /// <summary>Runs <paramref name="code"/> at 0x1000 on a ValMachine until hlt or vmcall 0; vmcall 1 and out 0x3F8 print.</summary>
    static (ValMachine M, string Output) RunValOn(byte[] code, Action<ValMachine>? setup = null, int steps = 2_000_000)
    {
        var m = new ValMachine();
        m.Blocks[ValMachine.FlatBlock] = 0x10000;
        for (int k = 0; k < 8; k++) m.Regs[k] = Val.Vzero;
        m.Regs[4] = Val.Vint(0x10000);
        m.Next = Val.Vint(Base);
        m.LoadFlat(code, Base);
        setup?.Invoke(m);
        var image = new byte[0x10000];
        code.CopyTo(image, (int)Base);
        var reader = new ByteArrayCodeReader(image);
        var decoder = Decoder.Create(32, reader);
        var output = new StringBuilder();
        for (int n = 0; n < steps; n++)
        {
            uint eip = m.Next.IntValue.Bits;
            decoder.IP = eip;
            reader.Position = (int)eip;
            decoder.Decode(out var insn);
            m.Next = Val.Vint(insn.NextIP32);
            if (X86Semantics.Execute<Val, ValMachine>(ref m, in insn) == StepOutcome.Executed) continue;
            // exits: the host's part for this test
            if (insn.Mnemonic == Mnemonic.Hlt) return (m, output.ToString());
            if (insn.Mnemonic == Mnemonic.Vmcall)
            {
                if (m.Regs[0].IntValue.Bits == 0) return (m, output.ToString());
                output.Append(m.Regs[3].IntValue.Bits).Append('\n');
            }
            else if (insn.Mnemonic == Mnemonic.Out) output.Append((char)(m.Regs[0].IntValue.Bits & 0xFF));
            else if (insn.Mnemonic == Mnemonic.In) m.Regs[0] = Val.Vint((m.Regs[0].IntValue.Bits & ~0xFFu) | 0x20);
            else throw new InvalidOperationException($"exit {insn}");
        }
        throw new InvalidOperationException("no end");
    }

    public static TheoryData<string> Programs => new()
    {
        // arithmetic with flags, shifts and rotates, multiplication and division, then pushfd to expose every flag
        "B8 FFFFFF7F 05 01000000 13C0 1BD8 C1E003 D1F8 C1C807 F7E3 B9 07000000 F7F1 9C 5E F4",
        // call/ret, loop, cmov/setcc, leave
        "E8 0A000000 B9 05000000 01C8 E2FC F4 55 89E5 6A 05 6A 07 8B45FC 3B45F8 0F4C45F8 0F9FC3 C9 C3",
        // rep stosb / rep movsb / repne scasb on a buffer at 0x8000, bsf/bsr/bswap/xadd/cmpxchg
        "FC BF 00800000 B9 10000000 B0 5A F3AA BE 00800000 BF 00900000 B9 10000000 F3A4 BF 00900000 B9 20000000 B0 5A F2AE 0FBCC1 0FBDD1 0FC8 0FC1D8 0FB1CA F4",
    };

    [Theory, MemberData(nameof(Programs))]
    public void AProgramGivesTheSameResultsOnBothMachines(string hex)
    {
        var code = Convert.FromHexString(hex.Replace(" ", ""));
        var cpu = GuestCpu.Load(new GuestProgram("p", code, Base, Base, ""));
        while (Interpreter.RunUntilExit(cpu).Reason != 12) cpu.Eip++;
        var (m, _) = RunValOn(code);
        Assert.All(m.Regs, r => Assert.True(r.IsInt, $"{r} is not an integer"));
        Assert.Equal(cpu.Regs, m.Regs.Select(r => r.IntValue.Bits).ToArray());
        var word = FlagLogic.Word<Val, ValMachine>(ref m);
        Assert.Equal(Val.Vint(cpu.Eflags), word);
    }

    [Theory]
    [InlineData("fib")]
    [InlineData("sieve")]
    [InlineData("rfib")]
    [InlineData("hello")]
    public void AShippedGuestPrintsItsOutputOnTheValMachine(string name)
    {
        var p = GuestLibrary.Get(name);
        var (_, output) = RunValOn(p.Code);
        Assert.Equal(p.ExpectedOutput, output);
    }

    const int Stack = 2, Data = 3, Symbol = 4;

    static Action<ValMachine> Pointers => m =>
    {
        m.Blocks[Stack] = 64; m.Blocks[Data] = 32; m.Blocks[Symbol] = 8;
        m.Regs[4] = Val.Vptr(Stack, 64u);   // ESP
        m.Regs[3] = Val.Vptr(Data, 8u);     // EBX
    };

    [Fact]
    public void PointersFollowCompCertsArithmetic()
    {
        // push ebx; pop ecx; add ecx, 4; mov [ecx], ebx; mov edx, [ecx]; sub ecx, ebx; mov esi, ebx; add esi, 12; cmp esi, ebx; setb al; ja +0; hlt
        // (cmp of two pointers of one block is CompCert's cmpu on their offsets: setb and ja are defined)
        var (m, _) = RunValOn(Convert.FromHexString("53 59 83C104 8919 8B11 29D9 89DE 83C60C 39DE 0F92C0 7700 F4".Replace(" ", "")), Pointers);
        Assert.Equal(Val.Vint(4), m.Regs[1]);                 // ptr − ptr of one block = int
        Assert.Equal(Val.Vptr(Data, 8u), m.Regs[2]);          // a pointer stored and loaded back by Mint32
        Assert.Equal(Val.Vptr(Data, 20u), m.Regs[6]);         // ptr + int = ptr
        Assert.Equal(Val.Vint(0), m.Regs[0]);                  // setb on pointers of one block: defined (20 < 8 is false)
        Assert.Equal(Val.Vptr(Stack, 64u), m.Regs[4]);
    }

    [Theory]
    [InlineData("83C304 7200 F4")]         // add ebx, 4 (a pointer): CF undefined; jb goes wrong
    [InlineData("39C3 7C00 F4")]           // cmp ebx, eax (pointer vs int): jl goes wrong
    [InlineData("81E3FF000000 F4")]        // and ebx, 0xFF: Vundef, then...
    [InlineData("8B0500000000 F4")]        // mov eax, [0]: flat block 1 is not mapped in this machine's setup → goes wrong
    [InlineData("FFE3")]                   // jmp ebx: a jump to a data pointer goes wrong
    public void UndefinedConditionsAndBadAccessesGoWrong(string hex)
    {
        var code = Convert.FromHexString(hex.Replace(" ", ""));
        if (hex.StartsWith("81E3", StringComparison.Ordinal))
        {
            var (m, _) = RunValOn(code, Pointers);
            Assert.Equal(Val.Vundef, m.Regs[3]);   // masking a pointer gives Vundef, and no branch asked about it
            return;
        }
        Assert.Throws<GoesWrong>(() => RunValOn(code, m => { Pointers(m); if (hex.StartsWith("8B05", StringComparison.Ordinal)) m.Blocks.Remove(ValMachine.FlatBlock); }));
    }

    [Fact]
    public void ARelocatedDisplacementOrImmediateIsASymbol()
    {
        // 0x1000: mov dword [sym+4], 0x2A (C7 05 disp32 imm32; disp relocated); 0x100A: mov eax, [sym+4]; 0x1010: mov ecx, sym (imm relocated); hlt
        var code = Convert.FromHexString("C705040000002A000000 A104000000 B900000000 F4".Replace(" ", ""));
        var (m, _) = RunValOn(code, vm =>
        {
            Pointers(vm);
            vm.Relocations[(Base, true)] = Val.Vptr(Symbol, 0u);
            vm.Relocations[(Base + 10, true)] = Val.Vptr(Symbol, 0u);
            vm.Relocations[(Base + 15, false)] = Val.Vptr(Symbol, 0u);
        });
        Assert.Equal(Val.Vint(42), m.Regs[0]);
        Assert.Equal(Val.Vptr(Symbol, 0u), m.Regs[1]);
    }
}
