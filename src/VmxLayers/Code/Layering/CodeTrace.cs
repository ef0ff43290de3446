using VmxLayers.Cases;
using VmxLayers.Code.Elf;
using VmxLayers.Layers;
using VmxLayers.Refinement;

namespace VmxLayers.Code.Layering;

/// <summary>The code refinement a user's objects give, and the instruction trace of a case for a report.</summary>
public static class CodeTrace
{
    /// <summary>
    /// code ⊑ VMCSInit for the objects at <paramref name="paths"/>, impl/vmx.o providing the primitives they leave out.
    /// Every static problem (unreadable file, bad ELF, missing or duplicate symbol, unsupported relocation, section or
    /// instruction) is an <see cref="ObjectFileError"/> whose message is one line.
    /// </summary>
    public static RefinementDef FromFiles(IReadOnlyList<string> paths) =>
        CodeLayer.Refinement(ImplementationLinker.Link([.. paths.Select(ElfObjectReader.ReadFile)], ImplObjects.Default));

    /// <summary>
    /// The code's instruction trace on case <paramref name="c"/> (its lower side: every instruction and underlay call,
    /// and the failure if any), then the spec's outcome on its upper side.
    /// </summary>
    public static IReadOnlyList<string> Of(RefinementDef code, ConcreteCase c)
    {
        var w = c.ToWorld();
        var input = c.ToInput(w);
        var spec = CodeLayer.SpecOf(code, c.Prim);
        var run = spec.Execute(w.Domain(), input.Pre.Low, input.Pre.MemLow.Raw.As<Semantics.Mem>(), input.ArgsLow, input.RegsLow.Raw.As<Spec.Concrete.RegBox>().Regs, trace: true, out _);
        var d = w.Domain();
        var high = Simulation.Step(ref d, code.Upper.Spec(c.Prim), input.Pre.High, input.Pre.MemHigh, input.ArgsHigh, input.RegsHigh);
        var lines = new List<string> { $"code of {c.Prim} ({spec.Executor.Implementation[c.Prim].Object.File}), {run.Trace.Count} lines:" };
        lines.AddRange(run.Trace.Select(t => "  " + t));
        lines.Add(run.Ok ? $"  returns{(c.Prim.IsAsm ? $" to PC = {run.Regs[Semantics.Preg.PC]}" : $" EAX = {run.Ret}")}" : $"  fails: {run.Why}");
        lines.Add($"{code.Upper.Name}'s spec of {c.Prim}: {(high.Ok ? c.Prim.IsAsm ? $"succeeds, PC = {high.Regs.Raw.As<Spec.Concrete.RegBox>().Regs[Semantics.Preg.PC]}" : $"succeeds, returns {high.Ret}" : $"fails: {w.Context.Why}")}");
        return lines;
    }
}
