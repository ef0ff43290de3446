using VmxLayers.Cli;

namespace VmxLayers.Tests.Code.Layering;

/// <summary>check --impl and replay --impl: a pass, a refinement failure with the instruction trace, and the one-line bad inputs.</summary>
[Collection("Console")]
public class CodeCliTests
{
    static (int Code, string Out, string Err) Run(params string[] args) => Tests.Cli.InProcessCli.Run(args);

    static string Impl(string name) => Path.Combine(ImplFiles.Dir, name);

    static string Write(string name, string source, string ext, string[] flags)
    {
        string path = Path.Combine(Path.GetTempPath(), $"vmxlayers-{Environment.ProcessId}-{name}.o");
        File.WriteAllBytes(path, Gcc.Compile(source, ext, flags));
        return path;
    }

    [Fact]
    public void CheckImplVmxOPassesOnAllSixPrimitives()
    {
        var (code, output, _) = Run("check", "--impl", Impl("vmx.o"), "--no-prove", "--budget", "200");
        Assert.Equal(0, code);
        Assert.Contains("code ⊑ VMCSInit", output);
        Assert.Contains("verdict: PASS", output);
    }

    [Fact]
    public void AMutantFailsWithTheFailingCallsInstructionTrace()
    {
        var (code, output, _) = Run("check", "--impl", Impl("mutants/asm-exit-swaps-host-ebp-edi.o"), "--no-prove", "--primitive", "vmx_exit", "--backend", "random", "--budget", "300");
        Assert.Equal(1, code);
        Assert.Contains("vmx_exit+0x24", output);   // the trace names each instruction
        Assert.Contains("mov 0x88(%ecx),%ebp", output);
        Assert.Contains("VMCSInit's spec of vmx_exit: succeeds", output);
        Assert.Contains("--impl", output);   // the reproducing command line
    }

    /// <summary>The README's own vmx_exit in assembly: as written it passes; with G_RSI stored one slot off it fails.</summary>
    [GccFact]
    public void TheReadmesAssemblyExampleChecksAsTheReadmeSays()
    {
        var readme = File.ReadAllText(Path.Combine(Architecture.Repo.Root, "README.md"));
        var block = System.Text.RegularExpressions.Regex.Match(readme, "```asm\n(?<src>.*?)```", System.Text.RegularExpressions.RegexOptions.Singleline);
        Assert.True(block.Success, "README.md has an ```asm block");
        string source = block.Groups["src"].Value;
        Assert.Equal(0, Run("check", "--impl", Write("readme-exit", source, ".S", ["-m32", "-c"]), "--primitive", "vmx_exit", "--no-prove", "--budget", "300").Code);
        string wrong = source.Replace("VMX_LOC+32(%ecx)", "VMX_LOC+36(%ecx)");
        Assert.NotEqual(source, wrong);
        Assert.Equal(1, Run("check", "--impl", Write("readme-exit-wrong", wrong, ".S", ["-m32", "-c"]), "--primitive", "vmx_exit", "--no-prove", "--budget", "300").Code);
    }

    [Fact]
    public void TheSpecsStepsStandBesideTheTraceSoAMissingStoreShows()
    {
        var (code, output, _) = Run("check", "--impl", Impl("mutants/asm-exit-skips-esi-store.o"), "--no-prove", "--primitive", "vmx_exit", "--backend", "random", "--budget", "300");
        Assert.Equal(1, code);
        var spec = output[output.IndexOf("VMCSInit's spec of vmx_exit", StringComparison.Ordinal)..];
        Assert.Matches(@"store VMX_LOC\+\d+ \(CPU \d+ G_RSI\) = ", spec);   // the spec stores guest ESI ...
        Assert.DoesNotContain("mov %esi,", output[..output.IndexOf("VMCSInit's spec of vmx_exit", StringComparison.Ordinal)]);   // ... the code does not
        Assert.Contains("registers set: ", spec);
    }

    [Fact]
    public void ReplayImplRunsTheScenarioOverTheCode()
    {
        string scenario = Path.Combine(ImplFiles.Dir, "..", "examples", "roundtrip-2cpu.json");
        Assert.Equal(0, Run("replay", scenario, "--impl", Impl("vmx.o")).Code);
        Assert.Equal(1, Run("replay", scenario, "--impl", Impl("mutants/asm-exit-skips-esi-store.o")).Code);
    }

    [Fact]
    public void AScenarioCanNameTheImplementation()
    {
        string original = File.ReadAllText(Path.Combine(ImplFiles.Dir, "..", "examples", "roundtrip-2cpu.json"));
        string dir = Directory.CreateTempSubdirectory("vmxlayers-scenario-").FullName;   // the paths are relative to the scenario
        string scenario = Path.Combine(dir, "s.json");
        try
        {
            File.Copy(Impl("mutants/asm-exit-skips-esi-store.o"), Path.Combine(dir, "mine.o"));
            File.WriteAllText(scenario, original.Insert(original.IndexOf('{') + 1, "\"impl\": [\"mine.o\"],"));
            Assert.Equal(1, Run("replay", scenario).Code);
            Assert.Equal(0, Run("replay", scenario, "--impl", Impl("vmx.o")).Code);   // the command line overrides the file
            File.WriteAllText(scenario, original.Insert(original.IndexOf('{') + 1, "\"impl\": [\"no-such.o\"],"));
            var (code, _, err) = Run("replay", scenario);
            Assert.Equal(2, code);
            Assert.Contains("no-such.o", err);
        }
        finally { Directory.Delete(dir, recursive: true); }
    }

    [Theory]
    [InlineData("check", "--impl", "/nonexistent/x.o", "--no-prove")]
    [InlineData("replay", "examples/roundtrip-2cpu.json", "--impl", "/nonexistent/x.o")]
    [InlineData("check", "--impl", "IMPL/vmx.o", "--solver", "z3")]
    [InlineData("check", "--impl", "IMPL/vmx.o", "--mutant", "exit-skips-edi-store")]
    public void BadOptionsExitTwoWithOneLine(params string[] args)
    {
        var (code, _, err) = Run([.. args.Select(a => a.Replace("IMPL/", ImplFiles.Dir + "/").Replace("examples/", Path.Combine(ImplFiles.Dir, "..", "examples") + "/"))]);
        Assert.Equal(2, code);
        Assert.Single(err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    public static TheoryData<string, string, string, string> StaticProblems => new()
    {
        // name, source (assembly), what the line must name
        { "missing", ".text\n.globl vmx_exit\nvmx_exit:\n call helper\n ret\n", ".S", "undefined symbol helper" },
        { "duplicate", ".text\n.globl vmx_exit\nvmx_exit:\n ret\n.globl vmx_enter\nvmx_enter:\n ret\n.globl get_CPU_ID\nget_CPU_ID:\n ret\n", ".S", "get_CPU_ID" },
        { "instruction", ".text\n.globl vmx_exit\nvmx_exit:\n movl %edi, VMX_LOC(%ecx)\n ud2\n ret\n", ".S", "vmx_exit+0x6 `ud2`" },
        { "section", ".section .text.startup,\"ax\"\n.globl vmx_exit\nvmx_exit:\n ret\n", ".S", ".text.startup" },
        { "pic", "extern unsigned int VMX_LOC[][38]; unsigned int vmx_readz(unsigned int i) { return VMX_LOC[0][i]; }", ".c", "-fno-pic" },
    };

    [GccTheory, MemberData(nameof(StaticProblems))]
    public void AStaticProblemOfTheObjectIsOneLineAndExitTwo(string name, string source, string ext, string named)
    {
        string[] flags = ext == ".c" ? ["-m32", "-O2", "-fpic", "-c"] : ["-m32", "-c"];
        string path = Write(name, source, ext, flags);
        try
        {
            var (code, _, err) = Run("check", "--impl", path, "--no-prove");
            Assert.Equal(2, code);
            Assert.Single(err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.Contains(named, err);
        }
        finally { File.Delete(path); }
    }

    /// <summary>A vmx_exit that finds the save area through a word of .rodata and counts its calls in .bss.</summary>
    static string ExitThroughData(string tableEntry, string extra = "") => $$"""
                .text
                .globl vmx_exit
        vmx_exit:
                movl %edi, VMX_LOC + 40(%ecx)
                incl calls
                {{extra}}
                movl base, %edi
                movl %eax, 0(%edi,%ecx)
                movl %ebx, 8(%edi,%ecx)
                movl %edx, 24(%edi,%ecx)
                movl %esi, 32(%edi,%ecx)
                movl %ebp, 48(%edi,%ecx)
                movl 132(%edi,%ecx), %ebp
                movl 136(%edi,%ecx), %edi
                ret
                .section .rodata
                .align 4
        base:   .long {{tableEntry}}
                .bss
                .align 4
        calls:  .long 0
        """;

    [GccTheory]
    [InlineData("VMX_LOC", "", 0, "")]
    [InlineData("VMX_LOC + 4", "", 1, "violated")]
    [InlineData("VMX_LOC", "movl %eax, base", 1, "into .rodata")]
    public void DataSectionsGetBlocksOfTheirOwnForTheCall(string entry, string extra, int exit, string expected)
    {
        string path = Write("data" + exit + extra.Length, ExitThroughData(entry, extra), ".S", ["-m32", "-c"]);
        try
        {
            var (code, output, _) = Run("check", "--impl", path, "--primitive", "vmx_exit", "--backend", "random", "--budget", "300");
            Assert.Equal(exit, code);
            Assert.Contains(expected, output);
        }
        finally { File.Delete(path); }
    }
}
