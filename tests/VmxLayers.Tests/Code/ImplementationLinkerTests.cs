using VmxLayers.Code;
using VmxLayers.Code.Elf;
using VmxLayers.Refinement;

namespace VmxLayers.Tests.Code;

/// <summary>Which object provides each primitive, and the one line for every composition the code layer refuses.</summary>
public class ImplementationLinkerTests
{
    static string Error(IReadOnlyList<ObjectImage> user, ObjectImage fallback)
    {
        var e = Assert.Throws<ObjectFileError>(() => ImplementationLinker.Link(user, fallback));
        Assert.DoesNotContain('\n', e.Message);
        return e.Message;
    }

    static ObjectImage Asm(string source, string name = "t.o") => ElfObjectReader.Read(name, Gcc.Compile(source, ".S", ["-m32", "-c"]));

    const string MyExit = """
                .text
                .globl vmx_exit
                .type vmx_exit, @function
        vmx_exit:
                movl %edi, VMX_LOC + 40(%ecx)
                ret
        """;

    [Fact]
    public void TheDefaultImplementationIsImplVmxOAlone()
    {
        var impl = ImplObjects.DefaultImplementation;
        Assert.Equal([ImplObjects.Default], impl.Objects.ToArray());
        Assert.All(ImplementationLinker.Primitives, p => Assert.Equal((ImplObjects.Default, p.Name), (impl[p].Object, impl[p].Symbol.Name)));
        Assert.Equal(ImplObjects.Default.Definition("vmx_exit")!.Value, impl[Prims.vmx_exit.Primitive].Symbol.Value);
        Assert.Equal("vmx_readz, vmx_writez, vmx_enter_pre, vmx_exit_post, vmx_exit, vmx_enter from impl/vmx.o", impl.ToString());
    }

    [Fact]
    public void AnObjectWithAllSixReplacesTheFallbackEntirely()
    {
        var mutant = ImplObjects.Mutants.First(m => m.Name == "asm-exit-skips-esi-store").Object;
        var impl = ImplementationLinker.Link([mutant], ImplObjects.Default);
        Assert.Equal([mutant], impl.Objects.ToArray());
        Assert.All(impl.Definitions, d => Assert.Same(mutant, d.Object));
        Assert.Equal([ImplObjects.Default], ImplementationLinker.Link([ImplObjects.Default], ImplObjects.Default).Objects.ToArray());
    }

    [Fact]
    public void TwoObjectsDefiningTheSameSymbolAreRefused()
    {
        var a = ImplObjects.Mutants[0].Object;
        var b = ImplObjects.Mutants[1].Object;
        Assert.Equal($"{b.File}: symbol {b.GlobalDefinitions.First().Name} is also defined in {a.File}", Error([a, b], ImplObjects.Default));
    }

    [GccFact]
    public void AUserObjectProvidesItsPrimitivesAndTheFallbackTheRest()
    {
        var mine = Asm(MyExit, "my_exit.o");
        var impl = ImplementationLinker.Link([mine], ImplObjects.Default);
        Assert.Equal([mine, ImplObjects.Default], impl.Objects.ToArray());
        Assert.Same(mine, impl[Prims.vmx_exit.Primitive].Object);
        Assert.All(ImplementationLinker.Primitives.Where(p => p != Prims.vmx_exit.Primitive), p => Assert.Same(ImplObjects.Default, impl[p].Object));
        Assert.Equal("vmx_readz, vmx_writez, vmx_enter_pre, vmx_exit_post, vmx_enter from impl/vmx.o; vmx_exit from my_exit.o", impl.ToString());
    }

    [GccFact]
    public void UndefinedSymbolsMustBeTheUnderlays()
    {
        var o = GccObjectTests.C("extern void log_exit(void); void vmx_exit_post(void) { log_exit(); }");
        Assert.Matches(@"^t\.o: undefined symbol log_exit \(used at \.text\+0x[0-9a-f]+, in vmx_exit_post\+0x[0-9a-f]+ `(call|jmp) [^`]+`\): code of this layer may use only the underlay's primitives \(get_CPU_ID, vmcs_readz, vmcs_writez, hostout, hostin\) and VMX_LOC$",
            Error([o], ImplObjects.Default));
    }

    [GccFact]
    public void TheUnderlaysNamesCannotBeRedefined()
    {
        var o = GccObjectTests.C("unsigned get_CPU_ID(void) { return 0; } void vmx_exit_post(void) { }");
        Assert.Equal("t.o: defines get_CPU_ID, which the underlay VMCSInit provides", Error([o], ImplObjects.Default));
        var loc = Asm(".data\n.globl VMX_LOC\nVMX_LOC: .long 0\n.text\n.globl vmx_exit\nvmx_exit: ret\n");
        Assert.Equal("t.o: defines VMX_LOC, which the underlay VMCSInit provides", Error([loc], ImplObjects.Default));
    }

    [GccFact]
    public void AnObjectMustProvideAPrimitiveAsCodeInText()
    {
        Assert.Equal("t.o: defines none of the primitives vmx_readz, vmx_writez, vmx_enter_pre, vmx_exit_post, vmx_exit, vmx_enter (as global symbols)",
            Error([GccObjectTests.C("int helper(int x) { return x + 1; }")], ImplObjects.Default));
        Assert.Equal("t.o: defines none of the primitives vmx_readz, vmx_writez, vmx_enter_pre, vmx_exit_post, vmx_exit, vmx_enter (as global symbols)",
            Error([GccObjectTests.C("static int vmx_readz(int i) { return i; } int f(int i) { return vmx_readz(i) + 1; }")], ImplObjects.Default));
        Assert.Equal("t.o: the primitive vmx_exit is defined in .data, not in .text",
            Error([Asm(".data\n.globl vmx_exit\nvmx_exit: .long 0\n")], ImplObjects.Default));
        Assert.Equal("t.o: the primitive vmx_exit is a data object (STT_OBJECT), not code",
            Error([Asm(".text\n.globl vmx_exit\n.type vmx_exit, @object\nvmx_exit: ret\n")], ImplObjects.Default));
    }

    [GccFact]
    public void AFallbackMissingAPrimitiveNobodyElseDefinesIsRefused()
    {
        var mine = Asm(MyExit, "my_exit.o");
        Assert.Equal("my_exit.o: does not define the primitive vmx_readz, and no other object does", Error([], mine));
    }
}
