using System.Collections.Immutable;
using VmxLayers.Code;
using VmxLayers.Code.Elf;
using VmxLayers.Code.Executor;
using VmxLayers.Constants;
using VmxLayers.Guest;
using VmxLayers.Semantics;

namespace VmxLayers.Tests.Code.Executor;

/// <summary>
/// The one instruction semantics instantiated twice: the guest machine (uint registers, flat bytes) and the code
/// executor (CompCert values, block memory). On integer-only states — every register and flag a Vint, no memory
/// access — a program gives the same registers and flags on both.
/// </summary>
public class ExecutorDifferentialTests
{
    /// <summary>Register-only programs (relative branches only); the executor ends them with ret (Pret), the guest with hlt.</summary>
    public static TheoryData<string> Programs => new()
    {
        // add/adc/sub/sbb chains and the flags they leave
        "01D8 11CA 29F7 19EE 83C305 83D100",
        // logic, neg/not, inc/dec, test, cmp then setcc / cmovcc
        "21C8 09D3 31F6 F7DF F7D5 40 4B 85C9 0F94C1 39D8 0F42D6 0F9CC4 0F4FFD",
        // shifts and rotates by immediates and by CL, shld/shrd, bt/bts/btr/btc
        "C1E003 D1FB C1CA07 D3E6 D3FF D3C5 0FA4D805 0FADC8 0FA3C8 0FABD6 0FBAF303 0FBBCF",
        // mul/imul forms, div by a divisor forced odd with EDX cleared (no #DE), bsf/bsr/bswap/xadd/cmpxchg
        "F7E3 0FAFCE 6BD707 83C901 31D2 F7F1 0FBCDE 0FBDFD 0FCB 0FC1D9 0FB1D6",
        // a loop with jcc on flags of sub and dec, and lea on integers
        "B9 07000000 31C0 01C8 8D440301 49 75F7 83E20F 83EA03 7FFB 8D1C4B",
        // movzx/movsx on sub-registers, xchg, cbw/cwde/cdq, setcc into AH
        "0FB6C3 0FBFCA 86E2 93 98 99 0FB7F7 0FBEFC 0F97C4",
    };

    static readonly Preg[] gprs = [Preg.EAX, Preg.ECX, Preg.EDX, Preg.EBX, Preg.ESP, Preg.EBP, Preg.ESI, Preg.EDI];
    static readonly (Preg Reg, uint Bit)[] flags = [(Preg.CF, GuestCpu.CF), (Preg.PF, GuestCpu.PF), (Preg.ZF, GuestCpu.ZF), (Preg.SF, GuestCpu.SF), (Preg.OF, GuestCpu.OF)];

    /// <summary>The program as an object defining vmx_exit (an asm primitive: entered at its symbol, ret is Pret).</summary>
    static CodeExecutor Executor(byte[] body)
    {
        byte[] text = [.. body, 0xC3];
        var exit = new ObjectSymbol("vmx_exit", SymbolKind.Function, true, SectionKind.Text, 0, (uint)text.Length);
        var obj = new ObjectImage("program.o", [new ObjectSection(SectionKind.Text, [.. text], (uint)text.Length, 16)], [exit], []);
        return new CodeExecutor(ImplementationLinker.Link([obj], ImplObjects.Default));
    }

    sealed class NoUnderlay : IUnderlay
    {
        public bool Call(UnderlayPrimitive p, ReadOnlySpan<Val> args, out Val result, out string why) => throw new InvalidOperationException($"the program called {p}");
    }

    [Theory, MemberData(nameof(Programs))]
    public void AProgramGivesTheSameRegistersAndFlagsOnBothMachines(string hex)
    {
        var body = Convert.FromHexString(hex.Replace(" ", ""));
        var executor = Executor(body);
        var random = new Random(hex.GetHashCode() & 0x7FFF);   // per program, fixed within a run
        for (int trial = 0; trial < 200; trial++)
        {
            uint[] regs = [.. Enumerable.Range(0, 8).Select(_ => trial % 4 == 0 ? (uint)random.Next(0, 40) : (uint)random.NextInt64(0, 1L << 32))];
            uint eflags = GuestCpu.ResetEflags | flags.Aggregate(0u, (w, f) => random.Next(2) == 1 ? w | f.Bit : w);

            var cpu = GuestCpu.Load(new GuestProgram("p", [.. body, 0xF4], GuestProgram.DefaultLoadAddress, GuestProgram.DefaultLoadAddress, ""));
            regs.CopyTo(cpu.Regs, 0);
            cpu.Eflags = eflags;
            Assert.Equal((int)ExitReasons.HLT, Interpreter.RunUntilExit(cpu).Reason);

            var rs = RegSet.Undef.Set(Preg.PC, Val.Vptr(Genv.VmxExitBlock, 0u)).Set(Preg.RA, Val.Vptr(Genv.VmxEnterBlock, 0u));
            for (int r = 0; r < 8; r++) rs = rs.Set(gprs[r], Val.Vint(regs[r]));
            foreach (var (reg, bit) in flags) rs = rs.Set(reg, Val.Vint((eflags & bit) != 0 ? 1u : 0u));
            var run = executor.Run(ImplementationLinker.Primitives.Single(p => p.Name == "vmx_exit"), new Genv(1).InitialMemory(high: false), [], rs, new NoUnderlay());

            Assert.True(run.Ok, run.Why);
            Assert.Equal(Val.Vptr(Genv.VmxEnterBlock, 0u), run.Regs[Preg.PC]);
            Assert.Equal(cpu.Regs.Select(Val.Vint).ToArray(), gprs.Select(r => run.Regs[r]).ToArray());
            Assert.Equal(flags.Select(f => Val.Vint((cpu.Eflags & f.Bit) != 0 ? 1u : 0u)).ToArray(), flags.Select(f => run.Regs[f.Reg]).ToArray());
        }
    }
}
