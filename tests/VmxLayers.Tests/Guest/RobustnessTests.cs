using CsCheck;
using VmxLayers.Guest;

namespace VmxLayers.Tests.Guest;

public class RobustnessTests
{
    /// <summary>Random code and registers: the interpreter either exits at an exiting instruction or throws GuestFault — never anything else (no IndexOutOfRange, no overflow).</summary>
    [Fact]
    public void RandomCodeEitherExitsOrFaultsCleanly()
    {
        var gen = Gen.Select(Gen.Byte.Array[1, 48], Gen.UInt.Array[8], Gen.Bool);
        gen.Sample((code, regs, small) =>
        {
            var cpu = GuestCpu.Load(new GuestProgram("fuzz", code, 0x1000, 0x1000, ""));
            for (int i = 0; i < 8; i++) cpu.Regs[i] = small ? regs[i] % 0x10000 : regs[i];
            try
            {
                var e = Interpreter.RunUntilExit(cpu, 2_000);
                Assert.Contains((uint)e.Reason, (uint[])[10, 12, 18, 30]);
                Assert.Equal(e.GuestRip, cpu.Eip);
                Assert.InRange(e.InstructionLength, 1u, 15u);
            }
            catch (GuestFault f)
            {
                Assert.Contains("EIP=0x", f.Message);
                Assert.Equal(f.Eip, cpu.Eip);
            }
        }, iter: 5_000);
    }
}
