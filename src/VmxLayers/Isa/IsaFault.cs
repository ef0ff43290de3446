using Iced.Intel;

namespace VmxLayers.Isa;

using Code = Iced.Intel.Code;

/// <summary>Why the semantics refused an instruction: not in the integer set (#UD for the guest), or a divide error (#DE).</summary>
public enum IsaFaultKind { Unsupported, DivideError }

/// <summary>An instruction the semantics cannot or must not complete; the machine turns it into its own kind of failure.</summary>
public sealed class IsaFault(IsaFaultKind kind, string reason, Instruction instruction) : Exception(reason)
{
    public IsaFaultKind Kind { get; } = kind;
    /// <summary>The refused instruction.</summary>
    public Instruction Instruction { get; } = instruction;
}

/// <summary>What <see cref="X86Semantics.Execute{V, M}(ref M, in Instruction)"/> did.</summary>
public enum StepOutcome
{
    /// <summary>The instruction executed (the machine continues at the next instruction unless it jumped).</summary>
    Executed,
    /// <summary>An exiting instruction (in/out/ins/outs, cpuid, hlt, vmcall): nothing was executed; the machine decides.</summary>
    Exiting,
}
