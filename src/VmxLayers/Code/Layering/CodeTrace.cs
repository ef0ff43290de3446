using VmxLayers.Cases;
using VmxLayers.Code.Elf;
using VmxLayers.Layers;
using VmxLayers.Constants;
using VmxLayers.Refinement;
using VmxLayers.Semantics;
using VmxLayers.Spec.Concrete;

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
        var touched = new TouchLog();
        w.Context.Touched = touched;   // what the spec writes, in order: its steps, shown beside the code's trace
        var high = Simulation.Step(ref d, code.Upper.Spec(c.Prim), input.Pre.High, input.Pre.MemHigh, input.ArgsHigh, input.RegsHigh);
        w.Context.Touched = null;
        var lines = new List<string> { $"code of {c.Prim} ({spec.Executor.Implementation[c.Prim].Object.File}), {run.Trace.Count} lines:" };
        lines.AddRange(run.Trace.Select(t => "  " + t));
        lines.Add(run.Ok ? $"  returns{(c.Prim.IsAsm ? $" to PC = {run.Regs[Preg.PC]}" : $" EAX = {run.Ret}")}" : $"  fails: {run.Why}");
        lines.Add($"{code.Upper.Name}'s spec of {c.Prim}: {(high.Ok ? c.Prim.IsAsm ? $"succeeds, PC = {high.Regs.Raw.As<RegBox>().Regs[Preg.PC]}" : $"succeeds, returns {high.Ret}" : $"fails: {w.Context.Why}")}");
        if (high.Ok) lines.AddRange(SpecSteps(touched, high.Mem.Raw.As<Mem>(), c.Prim.IsAsm ? (input.RegsHigh.Raw.As<RegBox>().Regs, high.Regs.Raw.As<RegBox>().Regs) : null));
        return lines;
    }

    /// <summary>The spec's effects in order: its stores into VMX_LOC (with the stored value), its VMCS writes, and the registers it changed.</summary>
    static IEnumerable<string> SpecSteps(TouchLog touched, Mem after, (RegSet Before, RegSet After)? regs)
    {
        foreach (long ofs in touched.VmxLocStores)
            yield return $"  store VMX_LOC+{ofs} (CPU {ofs / VmxSlots.Stride} {VmxSlots.Name(ofs % VmxSlots.Stride / 4)}) = {after.Load(Chunk.Mint32, Genv.VmxLocBlock, ofs)?.ToString() ?? "(no value)"}";
        foreach (var (cpu, enc) in touched.VmcsFields)
            yield return $"  write VMCS field {VmcsFields.Describe(enc)} of CPU {cpu}";
        if (regs is not { } r) yield break;
        var changed = PregInfo.All.Where(p => r.Before[p] != r.After[p]).Select(p => $"{p} = {r.After[p]}").ToList();
        if (changed.Count > 0) yield return $"  registers set: {string.Join(", ", changed)}";
    }
}
