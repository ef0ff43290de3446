using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.CompilerServices;
using VmxLayers.Semantics;

namespace VmxLayers.Spec.Concrete;

/// <summary>A concrete term: a Bool/Z/Int in <see cref="Z"/>, a value in <see cref="V"/>, or a state object in <see cref="O"/>.</summary>
/// <remarks>
/// A term has one sort, so it needs one object reference and one word: a Z term is its word alone; a value keeps
/// its constructor as one of five shared tag objects and its payload (a Vptr's block and offset together) in the
/// word; a state term is its object. 16 bytes, which every spec step copies and every <see cref="AbsData{T}"/>
/// holds seven of. Z of a value term and V of a Z term are meaningless; <see cref="IsZ"/> recognises an exact Z term.
/// </remarks>
public readonly struct CTerm
{
    readonly object? o;
    readonly ulong w;

    /// <summary>A value constructor, marking a value term (never a state object: this type is private).</summary>
    sealed class Tag(ValTag value) { public readonly ValTag Value = value; }

    static readonly Tag[] tags = [.. Enum.GetValues<ValTag>().Select(t => new Tag(t))];

    // the terms every concrete spec step builds and reads: inlined even where a large method has spent the JIT's budget
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public CTerm(long z) { o = null; w = (ulong)z; }
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public CTerm(Val v) { o = tags[(int)v.Tag]; w = v.IsPtr ? ((ulong)(uint)v.Block << 32) | v.Ofs.Bits : v.RawBits; }
    public CTerm(object o) { this.o = o; w = 0; }

    public long Z => (long)w;
    public Val V
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => o is Tag t ? (t.Value == ValTag.Vptr ? Val.FromRaw(ValTag.Vptr, (int)(w >> 32), (uint)w) : Val.FromRaw(t.Value, 0, w)) : default;
    }
    /// <summary>The state object; null for a Z or value term.</summary>
    public object? O => o is Tag ? null : o;

    public bool B => w != 0;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static CTerm Of(bool b) => new(b ? 1 : 0);
    public T As<T>() where T : class => (T)o!;

    /// <summary>Whether this is exactly the term <c>new CTerm(z)</c>.</summary>
    public bool IsZ(long z) => o is null && (long)w == z;

    public override string ToString() => o switch
    {
        Tag => V.ToString(),
        null => w != 0 ? Z.ToString() : Val.Vundef.ToString(),
        _ => o.ToString() ?? "",
    };
}

/// <summary>
/// A register set as a concrete term. A register set is a 400-byte value, so an update does not copy it: it
/// records the updated registers on top of the set it came from (at most a few levels deep, then flattened);
/// <see cref="Regs"/> rebuilds the whole set. A layer is either a list of updates or a set of registers made
/// Vundef (undef_regs, as a bit mask: the asm convention undefines eighteen registers on every call).
/// </summary>
public sealed class RegBox
{
    const int MaxDepth = 4;

    readonly StrongBox<RegSet>? root;         // the whole set, at the bottom of a chain (updates keep it out: 400 bytes)
    readonly RegBox? parent;
    readonly (Preg Reg, Val Value)[]? updates;   // applied in order on top of parent; null in an undef layer
    readonly uint layer;                         // the registers this layer sets (updates) or makes Vundef, bit r for register r
    readonly int depth;

    public RegBox(RegSet regs) { root = new(regs); }

    RegBox(RegBox parent, (Preg Reg, Val)[] updates)
    {
        this.parent = parent; this.updates = updates; depth = parent.depth + 1;
        foreach (var (r, _) in updates) layer |= 1u << (int)r;
    }

    RegBox(RegBox parent, uint undefined) { this.parent = parent; layer = undefined; depth = parent.depth + 1; }

    /// <summary>The whole register set.</summary>
    public RegSet Regs
    {
        get
        {
            if (parent is null) return root!.Value;
            RegSet regs = default;
            CopyTo(MemoryMarshal.CreateSpan(ref Unsafe.As<RegSet, Val>(ref regs), PregInfo.Count));
            return regs;
        }
    }

    /// <summary>The whole register set into `dst` (indexed by register): the set at the bottom, then each layer, oldest first.</summary>
    public void CopyTo(Span<Val> dst)
    {
        if (parent is null)
        {
            RegSet.Values(in root!.Value).CopyTo(dst);
            return;
        }
        parent.CopyTo(dst);
        if (updates is null)
        {
            for (uint m = layer; m != 0; m &= m - 1) dst[BitOperations.TrailingZeroCount(m)] = Val.Vundef;
            return;
        }
        foreach (var (r, v) in updates) dst[(int)r] = v;
    }

    /// <summary>rs # r.</summary>
    public Val this[Preg r]
    {
        get
        {
            for (var box = this; ; box = box.parent!)
            {
                if (box.parent is null) return box.root!.Value[r];
                if ((box.layer >> (int)r & 1) == 0) continue;   // a layer that does not touch r: skipped without a scan
                var u = box.updates;
                if (u is null) return Val.Vundef;
                for (int k = u.Length - 1; k >= 0; k--)
                    if (u[k].Reg == r) return u[k].Value;
            }
        }
    }

    /// <summary>This set with the updates applied in order.</summary>
    public RegBox With(ReadOnlySpan<(Preg Reg, Val Value)> changes) =>
        depth >= MaxDepth ? new RegBox(Flatten(changes)) : new RegBox(this, Shared(changes));

    /// <summary>undef_regs: this set with the listed registers Vundef.</summary>
    public RegBox WithUndefined(ReadOnlySpan<Preg> regs)
    {
        uint mask = 0;
        foreach (var r in regs) mask |= 1u << (int)r;
        if (depth < MaxDepth) return new RegBox(this, mask);
        var flat = Regs;
        return new RegBox(flat.UndefRegs(regs));
    }

    // The last update list of each length, reused when the next one is equal (the asm convention sets the same
    // registers on every call). Update arrays are never written after construction, so sharing them is safe.
    static readonly (Preg Reg, Val Value)[]?[] lastUpdates = new (Preg, Val)[]?[PregInfo.Count + 1];

    static (Preg, Val)[] Shared(ReadOnlySpan<(Preg Reg, Val Value)> changes)
    {
        if (changes.Length >= lastUpdates.Length) return changes.ToArray();
        var last = lastUpdates[changes.Length];
        if (last is not null && SameUpdates(last, changes)) return last;
        return lastUpdates[changes.Length] = changes.ToArray();
    }

    /// <summary>Element by element (a span's SequenceEqual compares tuples through their generic Equals: slow here).</summary>
    static bool SameUpdates(ReadOnlySpan<(Preg Reg, Val Value)> a, ReadOnlySpan<(Preg Reg, Val Value)> b)
    {
        for (int k = 0; k < a.Length; k++)
            if (a[k].Reg != b[k].Reg || a[k].Value != b[k].Value) return false;
        return true;
    }

    RegSet Flatten(ReadOnlySpan<(Preg Reg, Val Value)> changes)
    {
        var regs = Regs;
        foreach (var (r, v) in changes) regs = regs.Set(r, v);
        return regs;
    }

    public override string ToString() => Regs.ToString();
}
