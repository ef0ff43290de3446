using Iced.Intel;

namespace VmxLayers.Isa;

using Code = Iced.Intel.Code;

/// <summary>
/// The machine state the IA-32 semantics (<see cref="X86Semantics"/>) runs over, with values of type
/// <typeparamref name="V"/> (docs/isa.md). The semantics never inspects a value: it computes with the value
/// operations below, decides conditions through <see cref="Branch"/>, and reaches memory through
/// <see cref="Load"/>/<see cref="Store"/> by size. Implement it on a struct: .NET specializes the generic semantics
/// for each struct machine, so a concrete machine pays nothing for the abstraction.
/// Sizes are in bytes (1, 2, 4); a value of size s is kept zero-extended in the low s bytes.
/// A condition ("flag") is a value that is 0 or 1.
/// </summary>
public interface IX86Machine<V>
{
    // ---- values -------------------------------------------------------------------------------

    /// <summary>The 32-bit constant <paramref name="value"/>.</summary>
    V Const(uint value);
    /// <summary>Wrapping 32-bit sum (CompCert: pointer + integer is a pointer).</summary>
    V Add(V a, V b);
    /// <summary>Wrapping 32-bit difference (CompCert: pointer − pointer of one block is an integer).</summary>
    V Sub(V a, V b);
    /// <summary>Low 32 bits of the product.</summary>
    V Mul(V a, V b);
    /// <summary>High 32 bits of the 64-bit product, unsigned or signed.</summary>
    V MulHigh(V a, V b, bool signed);
    V And(V a, V b);
    V Or(V a, V b);
    V Xor(V a, V b);
    /// <summary>Logical shifts and the arithmetic right shift by a count in 0..31.</summary>
    V Shl(V a, V count);
    V Shr(V a, V count);
    V Sar(V a, V count);
    /// <summary>1 if a = b else 0.</summary>
    V Eq(V a, V b);
    /// <summary>1 if a &lt; b unsigned else 0.</summary>
    V LtU(V a, V b);
    /// <summary>1 if a &lt; b signed (32-bit) else 0.</summary>
    V LtS(V a, V b);
    /// <summary><paramref name="ifTrue"/> when the condition is 1, <paramref name="ifFalse"/> when it is 0.</summary>
    V Select(V condition, V ifTrue, V ifFalse);
    /// <summary>Bits set in a 32-bit value.</summary>
    V PopCount(V a);
    /// <summary>Trailing zero bits of a 32-bit value (32 for 0).</summary>
    V TrailingZeros(V a);
    /// <summary>Leading zero bits of a 32-bit value (32 for 0).</summary>
    V LeadingZeros(V a);
    /// <summary>
    /// Divides the 64-bit (hi:lo) by <paramref name="divisor"/>, unsigned or signed (all 32-bit values; the semantics
    /// has sign- or zero-extended narrower operands). Returns 1 when the division raises #DE (divisor 0, or the
    /// quotient does not fit <paramref name="size"/> bytes), else 0 and the quotient and remainder.
    /// </summary>
    V Divide(V hi, V lo, V divisor, int size, bool signed, out V quotient, out V remainder);

    // ---- control ------------------------------------------------------------------------------

    /// <summary>Decides a condition (0 or 1). A concrete machine reads it; a symbolic one may fork; a CompCert one goes wrong on Vundef.</summary>
    bool Branch(V condition);
    /// <summary>Continues at <paramref name="target"/> instead of the next instruction.</summary>
    void Jump(V target);

    // ---- what the instruction says (a relocating machine maps these to symbols) ------------------

    /// <summary>The displacement of the instruction's memory operand (or its moffs address).</summary>
    V Displacement(in Instruction insn);
    /// <summary>The immediate of operand <paramref name="operand"/> (sign-extended immediates already extended to 32 bits).</summary>
    V Immediate(in Instruction insn, int operand);
    /// <summary>The target of a direct (relative) branch or call.</summary>
    V BranchTarget(in Instruction insn);
    /// <summary>The address of the next instruction (what a call pushes).</summary>
    V NextIp(in Instruction insn);

    // ---- state --------------------------------------------------------------------------------

    /// <summary>General register 0..7 (EAX, ECX, EDX, EBX, ESP, EBP, ESI, EDI), all 32 bits.</summary>
    V GetReg(int index);
    void SetReg(int index, V value);
    /// <summary>The flags (evaluated lazily by <see cref="Flags"/>).</summary>
    ref LazyFlags<V> FlagState { get; }
    /// <summary>Loads <paramref name="size"/> bytes (zero-extended); a machine may refuse (fault, go wrong).</summary>
    V Load(V address, int size);
    /// <summary>Stores the low <paramref name="size"/> bytes of <paramref name="value"/>.</summary>
    void Store(V address, int size, V value);
}
