using VmxLayers.Semantics;

namespace VmxLayers.Code.Executor;

/// <summary>
/// Where code lives in values: code is not data in <see cref="Mem"/> (as in CompCert, function blocks hold no
/// bytes), so an instruction address is Vptr(code block of the object, offset in its .text) and an underlay
/// primitive's address Vptr(its block, 0), with block numbers just below the memory's packed range (2^22 − 1), far above any block a run allocates. A load
/// or store through them fails (no such block in memory).
/// </summary>
public static class CodeBlocks
{
    /// <summary>The code block of the k-th object of an implementation.</summary>
    public const int ObjectBase = 0x3F_FF00;
    /// <summary>The block of underlay primitive p is UnderlayBase + p.</summary>
    public const int UnderlayBase = 0x3F_FE00;

    public static Val Code(int objectIndex, uint offset) => Val.Vptr(ObjectBase + objectIndex, offset);

    public static Val Underlay(UnderlayPrimitive p) => Val.Vptr(UnderlayBase + (int)p, 0u);

    /// <summary>Whether v is an instruction address of one of <paramref name="objects"/> objects.</summary>
    public static bool IsCode(Val v, int objects, out int objectIndex, out uint offset)
    {
        (objectIndex, offset) = v.IsPtr ? (v.Block - ObjectBase, v.Ofs.Bits) : (-1, 0u);
        return objectIndex >= 0 && objectIndex < objects;
    }

    /// <summary>Whether v is the entry of an underlay primitive.</summary>
    public static bool IsUnderlay(Val v, out UnderlayPrimitive p)
    {
        int k = v.IsPtr && v.Ofs.Bits == 0 ? v.Block - UnderlayBase : -1;
        p = (UnderlayPrimitive)k;
        return k >= 0 && k < UnderlaySymbols.Primitives.Length;
    }
}
