using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using VmxLayers.Semantics;

namespace VmxLayers.Spec.Concrete;

/// <summary>A concrete term: a Bool/Z/Int in <see cref="Z"/>, a value in <see cref="V"/>, or a state object.</summary>
/// <remarks>
/// A term has one sort, so Z shares storage with V's payload: 24 bytes instead of 32, which every spec step copies
/// and every <see cref="AbsData{T}"/> holds seven of. Z of a value term and V of a Z term are meaningless; use
/// <see cref="IsZ"/> to recognise an exact Z term.
/// </remarks>
[StructLayout(LayoutKind.Explicit)]
public readonly struct CTerm
{
    [FieldOffset(0)] public readonly Val V;
    [FieldOffset(8)] public readonly long Z;    // overlays V's payload, never its tag or block
    [FieldOffset(16)] public readonly object? O;

    public CTerm(long z) { V = default; Z = z; O = null; }
    public CTerm(Val v) { Z = 0; V = v; O = null; }
    public CTerm(object o) { V = default; Z = 0; O = o; }

    public bool B => Z != 0;
    public static CTerm Of(bool b) => new(b ? 1 : 0);
    public T As<T>() where T : class => (T)O!;

    /// <summary>Whether this is exactly the term <c>new CTerm(z)</c>.</summary>
    public bool IsZ(long z) => O is null && Z == z && V.Tag == ValTag.Vundef && V.Block == 0;

    public override string ToString() => O?.ToString() ?? (V.IsUndef && Z != 0 ? Z.ToString() : V.ToString());
}

/// <summary>
/// A register set as a concrete term. A register set is a 400-byte value, so an update does not copy it: it
/// records the updated registers on top of the set it came from (at most a few levels deep, then flattened);
/// <see cref="Regs"/> rebuilds the whole set.
/// </summary>
public sealed class RegBox
{
    const int MaxDepth = 4;

    readonly StrongBox<RegSet>? root;         // the whole set, at the bottom of a chain (updates keep it out: 400 bytes)
    readonly RegBox? parent;
    readonly (Preg Reg, Val Value)[]? updates;   // applied in order on top of parent
    readonly int depth;

    public RegBox(RegSet regs) { root = new(regs); }

    RegBox(RegBox parent, (Preg, Val)[] updates) { this.parent = parent; this.updates = updates; depth = parent.depth + 1; }

    /// <summary>The whole register set.</summary>
    public RegSet Regs
    {
        get
        {
            if (parent is null) return root!.Value;
            var box = this;
            while (box.parent is not null) box = box.parent;
            var regs = box.root!.Value;
            // the last value of each register changed anywhere in the chain, written in place: RegSet.Set copies the
            // 400-byte set per register. RegSet is exactly its registers' values in Preg order (checked, else Set).
            bool inPlace = Unsafe.SizeOf<RegSet>() == PregInfo.Count * Unsafe.SizeOf<Val>();
            ref Val first = ref Unsafe.As<RegSet, Val>(ref regs);
            Span<bool> seen = stackalloc bool[PregInfo.Count];
            for (box = this; box.parent is not null; box = box.parent)
                for (int k = box.updates!.Length - 1; k >= 0; k--)
                {
                    var (r, v) = box.updates[k];
                    if (seen[(int)r]) continue;
                    seen[(int)r] = true;
                    if (inPlace) Unsafe.Add(ref first, (int)r) = v; else regs = regs.Set(r, v);
                }
            return regs;
        }
    }

    /// <summary>rs # r.</summary>
    public Val this[Preg r]
    {
        get
        {
            for (var box = this; ; box = box.parent!)
            {
                if (box.parent is null) return box.root!.Value[r];
                var u = box.updates!;
                for (int k = u.Length - 1; k >= 0; k--)
                    if (u[k].Reg == r) return u[k].Value;
            }
        }
    }

    /// <summary>This set with the updates applied in order.</summary>
    public RegBox With(ReadOnlySpan<(Preg Reg, Val Value)> changes) =>
        depth >= MaxDepth ? new RegBox(Flatten(changes)) : new RegBox(this, Shared(changes));

    // The last update list of each length, reused when the next one is equal (the asm convention clobbers the same
    // registers on every call). Update arrays are never written after construction, so sharing them is safe.
    static readonly (Preg Reg, Val Value)[]?[] lastUpdates = new (Preg, Val)[]?[PregInfo.Count + 1];

    static (Preg, Val)[] Shared(ReadOnlySpan<(Preg Reg, Val Value)> changes)
    {
        if (changes.Length >= lastUpdates.Length) return changes.ToArray();
        var last = lastUpdates[changes.Length];
        if (last is not null && last.AsSpan().SequenceEqual(changes)) return last;
        return lastUpdates[changes.Length] = changes.ToArray();
    }

    RegSet Flatten(ReadOnlySpan<(Preg Reg, Val Value)> changes)
    {
        var regs = Regs;
        foreach (var (r, v) in changes) regs = regs.Set(r, v);
        return regs;
    }

    public override string ToString() => Regs.ToString();
}
