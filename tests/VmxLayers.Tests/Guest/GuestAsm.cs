using VmxLayers.Guest;

namespace VmxLayers.Tests.Guest;

/// <summary>Runs hand-encoded machine code (hex) at 0x1000 on a fresh 64 KiB guest.</summary>
internal static class GuestAsm
{
    public const uint Base = 0x1000;
    public const uint ArithMask = GuestCpu.CF | GuestCpu.PF | GuestCpu.AF | GuestCpu.ZF | GuestCpu.SF | GuestCpu.OF;

    public static byte[] Bytes(string hex) => Convert.FromHexString(hex.Replace(" ", ""));

    public static GuestCpu Load(string hex, Action<GuestCpu>? setup = null)
    {
        var cpu = GuestCpu.Load(new GuestProgram("t", Bytes(hex), Base, Base, ""));
        setup?.Invoke(cpu);
        return cpu;
    }

    /// <summary>Runs <paramref name="hex"/> followed by hlt; asserts the run ends at that hlt.</summary>
    public static GuestCpu Exec(string hex, Action<GuestCpu>? setup = null)
    {
        int len = Bytes(hex).Length;
        var cpu = Load(hex + " F4", setup);
        var e = Interpreter.RunUntilExit(cpu, 10_000);
        Assert.Equal(new GuestExit(12, 0, 1, Base + (uint)len), e);
        return cpu;
    }

    public static uint Flags(GuestCpu cpu) => cpu.Eflags & ArithMask;
}
