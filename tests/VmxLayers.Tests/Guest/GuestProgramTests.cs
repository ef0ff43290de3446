using System.Diagnostics;
using VmxLayers.Guest;

namespace VmxLayers.Tests.Guest;

public class GuestProgramTests
{
    static readonly string GuestsDir = GuestFiles.Dir;

    public static TheoryData<string> All => new(GuestLibrary.Names);
    public static TheoryData<string> Assembly => new(GuestFiles.AssemblyGuests);

    [Fact]
    public void LibraryEmbedsEveryGuestSource()
    {
        var sources = GuestFiles.AssemblyGuests.Concat(GuestFiles.CGuests).Order(StringComparer.Ordinal);
        Assert.Equal(sources, GuestLibrary.Names);
        foreach (var n in (string[])["hello", "fib", "sieve", "regs", "sha256-O2"]) Assert.Contains(n, GuestLibrary.Names);
        Assert.True(GuestFiles.CGuests.Count() >= 24, "at least eight C programs at three optimization levels");
    }

    [Theory, MemberData(nameof(All))]
    public void ReloadAfterRunningIsTheFreshlyLoadedState(string name)
    {
        var p = GuestLibrary.Get(name);
        var cpu = GuestCpu.Load(p);
        for (int k = 0; k < 5; k++)
        {
            var e = Interpreter.RunUntilExit(cpu, 10_000_000);
            cpu.Eip = e.GuestRip + e.InstructionLength;   // skip the exiting instruction: the run goes on and writes memory
        }
        Assert.False(cpu.SameState(GuestCpu.Load(p)));
        cpu.Reload(p);
        Assert.True(cpu.SameState(GuestCpu.Load(p)));
        Assert.Equal(0, cpu.InstructionsExecuted);
    }

    [Theory, MemberData(nameof(All))]
    public void EmbeddedGuestMatchesCheckedInFiles(string name)
    {
        var p = GuestLibrary.Get(name);
        Assert.Equal(File.ReadAllBytes(Path.Combine(GuestsDir, name + ".bin")), p.Code);
        Assert.Equal(File.ReadAllText(Path.Combine(GuestsDir, name + ".expected")), p.ExpectedOutput);
        Assert.True(p.HasExpectedOutput);
        Assert.Equal(0x1000u, p.LoadAddress);
        Assert.Equal(0x1000u, p.Entry);
    }

    [Theory]
    [InlineData("hello", 18 + 17 + 1)]   // 18 line-status polls, 17 bytes out, hlt
    [InlineData("fib", 30 + 1)]          // 30 prints, vmcall 0
    [InlineData("sieve", 168 + 1)]       // 168 primes, hlt
    [InlineData("regs", 2000 + 8 + 1)]   // 1000 × (in, cpuid), 8 bytes of "regs ok\n", vmcall 0
    [InlineData("rfib", 69 + 1)]         // 69 output bytes (F(0)..F(20) + newlines), hlt
    public void GuestRunsStandaloneAndPrintsExpectedOutput(string name, int expectedExits)
    {
        var p = GuestLibrary.Get(name);
        var (output, exits) = StandaloneHost.Run(GuestCpu.Load(p));
        Assert.Equal(p.ExpectedOutput, output);
        Assert.Equal(expectedExits, exits);
    }

    [Fact]
    public void RegsGuestDetectsAHostThatClobbersEsi()
    {
        var cpu = GuestCpu.Load(GuestLibrary.Get("regs"));
        var e = Interpreter.RunUntilExit(cpu); // the first in al, dx (counter 1000)
        Assert.Equal(30, e.Reason);
        cpu[GuestReg.EAX] = (cpu[GuestReg.EAX] & ~0xFFu) | 0x20;
        cpu[GuestReg.ESI] ^= 1;
        cpu.Eip = e.GuestRip + e.InstructionLength;
        var (output, _) = StandaloneHost.Run(cpu);
        Assert.Equal("regs BAD 100004\n", output);
    }

    [RequiresBinutilsTheory, MemberData(nameof(Assembly))]
    public void CheckedInBinaryEqualsFreshAssembly(string name)
    {
        var tmp = Directory.CreateTempSubdirectory("guest-asm");
        try
        {
            string obj = Path.Combine(tmp.FullName, name + ".o"), bin = Path.Combine(tmp.FullName, name + ".bin");
            RunTool("as", "--32", "-o", obj, Path.Combine(GuestsDir, name + ".s"));
            RunTool("ld", "-m", "elf_i386", "-Ttext", "0x1000", "-e", "_start", "--oformat", "binary", "-o", bin, obj);
            Assert.Equal(File.ReadAllBytes(Path.Combine(GuestsDir, name + ".bin")), File.ReadAllBytes(bin));
        }
        finally { tmp.Delete(true); }
    }

    [Fact]
    public void LoadFileReadsBinaryAndOptionalExpected()
    {
        var tmp = Directory.CreateTempSubdirectory("guest-load");
        try
        {
            string bin = Path.Combine(tmp.FullName, "mine.bin");
            File.WriteAllBytes(bin, [0xF4]);
            var p = GuestLibrary.LoadFile(bin);
            Assert.Equal(("mine", false), (p.Name, p.HasExpectedOutput));
            File.WriteAllText(Path.Combine(tmp.FullName, "mine.expected"), "x\n");
            p = GuestLibrary.LoadFile(bin);
            Assert.Equal(("x\n", true), (p.ExpectedOutput, p.HasExpectedOutput));
            var e = Interpreter.RunUntilExit(GuestCpu.Load(p));
            Assert.Equal(new GuestExit(12, 0, 1, 0x1000), e);
        }
        finally { tmp.Delete(true); }
    }

    [Fact]
    public void LoadErrorsNameTheProblem()
    {
        var missing = Assert.Throws<GuestLoadException>(() => GuestLibrary.LoadFile("/nonexistent/x.bin"));
        Assert.Contains("/nonexistent/x.bin", missing.Message);
        var unknown = Assert.Throws<GuestLoadException>(() => GuestLibrary.Get("nope"));
        Assert.Contains("unknown guest 'nope'", unknown.Message);
        Assert.Contains("fib", unknown.Message);
    }

    static void RunTool(string tool, params string[] args)
    {
        var psi = new ProcessStartInfo(tool) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        string err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"{tool} failed: {err}");
    }
}

/// <summary>A theory that is reported as skipped when GNU as/ld are not on PATH.</summary>
public sealed class RequiresBinutilsTheoryAttribute : TheoryAttribute
{
    public RequiresBinutilsTheoryAttribute()
    {
        if (!ToolExists("as") || !ToolExists("ld")) Skip = "GNU as/ld not installed: cannot re-assemble guests";
    }

    static bool ToolExists(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Any(d => File.Exists(Path.Combine(d, tool)));
}
