using VmxLayers.Code;
using VmxLayers.Code.Elf;
using VmxLayers.Code.Executor;
using VmxLayers.Constants;
using VmxLayers.Semantics;

namespace VmxLayers.Tests.Code.Executor;

/// <summary>The executor's conventions: CompCert's "goes wrong", the step bound, Pret, and external calls.</summary>
public class ExecutorTests
{
    static readonly Spec.Primitive VmxExit = ImplementationLinker.Primitives.Single(p => p.Name == "vmx_exit");

    static CodeRun RunExit(string hex, Func<RegSet, RegSet>? regs = null, IUnderlay? underlay = null, int bound = CodeExecutor.DefaultStepBound)
    {
        byte[] text = Convert.FromHexString(hex.Replace(" ", ""));
        var exit = new ObjectSymbol("vmx_exit", SymbolKind.Function, true, SectionKind.Text, 0, (uint)text.Length);
        var obj = new ObjectImage("t.o", [new ObjectSection(SectionKind.Text, [.. text], (uint)text.Length, 16)], [exit], []);
        var rs = RegSet.Init(Val.Vzero).Set(Preg.PC, Val.Vptr(Genv.VmxExitBlock, 0u)).Set(Preg.RA, Val.Vptr(Genv.VmxEnterBlock, 0u));
        return new CodeExecutor(ImplementationLinker.Link([obj], ImplObjects.Default))
            .Run(VmxExit, new Genv(1).InitialMemory(high: false), [], (regs ?? (r => r))(rs), underlay ?? new Fixed(), stepBound: bound);
    }

    sealed class Fixed : IUnderlay
    {
        public readonly List<UnderlayPrimitive> Calls = [];
        public bool Call(UnderlayPrimitive p, ReadOnlySpan<Val> args, out Val result, out string why)
        {
            Calls.Add(p);
            (result, why) = (Val.Vint(3), "");
            return true;
        }
    }

    [Fact]
    public void ALoopEndsAtTheStepBoundWithOneLineNamingIt()
    {
        var run = RunExit("EBFE", bound: 50);   // jmp .
        Assert.False(run.Ok);
        Assert.Contains("step bound (50 instructions)", run.Why);
        Assert.DoesNotContain('\n', run.Why!);
    }

    [Fact]
    public void ABranchOnAnUndefinedConditionGoesWrong()
    {
        var run = RunExit("85C0 7400 C3", r => r.Set(Preg.EAX, Val.Vundef));   // test eax,eax; je; ret
        Assert.False(run.Ok);
        Assert.Contains("undefined condition", run.Why);
    }

    [Fact]
    public void ABranchOnPointersOfOneBlockIsDefinedButSignedComparisonsOfThemGoWrong()
    {
        Func<RegSet, RegSet> ptrs = r => r.Set(Preg.EAX, Val.Vptr(Genv.VmxLocBlock, 8u)).Set(Preg.EBX, Val.Vptr(Genv.VmxLocBlock, 4u));
        Assert.True(RunExit("39D8 7701 C3 C3", ptrs).Ok);   // cmp eax,ebx; ja: unsigned, one block
        Assert.False(RunExit("39D8 7F01 C3 C3", ptrs).Ok);  // jg on pointers: Vundef
    }

    [Fact]
    public void AStoreOutsideTheBlockOrThroughAnIntegerGoesWrong()
    {
        Assert.Contains("Mint32 store", RunExit("8981 00100000 C3", r => r.Set(Preg.ECX, Val.Vptr(Genv.VmxLocBlock, 0u))).Why);   // past VMX_LOC
        Assert.Contains("Mint32 store", RunExit("8901 C3", r => r.Set(Preg.ECX, Val.Vint(0x1000))).Why);
        Assert.Contains("Mint32 load", RunExit("8B01 C3", r => r.Set(Preg.ECX, Val.Vptr(Genv.VmxLocBlock, 2u))).Why);   // misaligned
    }

    [Fact]
    public void RetIsPretAndRetNIsRefusedInAnAsmPrimitive()
    {
        var run = RunExit("C3", r => r.Set(Preg.ESP, Val.Vundef));
        Assert.True(run.Ok, run.Why);
        Assert.Equal(Val.Vptr(Genv.VmxEnterBlock, 0u), run.Regs[Preg.PC]);
        Assert.Contains("ret $n", RunExit("C20800").Why);
    }

    [Fact]
    public void AnExternalCallLeavesEaxTheResultAndDestroysEcxEdxAndTheFlags()
    {
        byte[] call = [0xE8, 0xFC, 0xFF, 0xFF, 0xFF, 0xFF, 0xE3];   // call get_CPU_ID (R_386_PC32, Pcall); jmp *%ebx
        var exit = new ObjectSymbol("vmx_exit", SymbolKind.Function, true, SectionKind.Text, 0, 7);
        var callee = new ObjectSymbol("get_CPU_ID", SymbolKind.NoType, true, null, 0, 0);
        var obj = new ObjectImage("t.o", [new ObjectSection(SectionKind.Text, [.. call], 7, 16)], [exit, callee],
            [new Relocation(SectionKind.Text, 1, RelocationType.R_386_PC32, callee, -4)]);
        var underlay = new Fixed();
        var rs = RegSet.Init(Val.Vzero).Set(Preg.PC, Val.Vptr(Genv.VmxExitBlock, 0u)).Set(Preg.RA, Val.Vptr(Genv.VmxEnterBlock, 0u)).Set(Preg.ESP, Val.Vundef).Set(Preg.EBX, Val.Vptr(Genv.VmxEnterBlock, 0u));
        var run = new CodeExecutor(ImplementationLinker.Link([obj], ImplObjects.Default)).Run(VmxExit, new Genv(1).InitialMemory(high: false), [], rs, underlay);
        Assert.True(run.Ok, run.Why);
        Assert.Equal([UnderlayPrimitive.get_CPU_ID], underlay.Calls);
        Assert.Equal(Val.Vint(3), run.Regs[Preg.EAX]);
        Assert.Equal([Val.Vundef, Val.Vundef, Val.Vundef, Val.Vundef], new[] { run.Regs[Preg.ECX], run.Regs[Preg.EDX], run.Regs[Preg.ZF], run.Regs[Preg.CF] });
        Assert.Equal(Val.Vptr(Genv.VmxEnterBlock, 0u), run.Regs[Preg.PC]);   // the jump out of the code ends the primitive
        Assert.True(CodeBlocks.IsCode(run.Regs[Preg.RA], 1, out _, out uint after) && after == 5, $"RA = {run.Regs[Preg.RA]}");   // Pcall: RA := the next instruction
    }
}
