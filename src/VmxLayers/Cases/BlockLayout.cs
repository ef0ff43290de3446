using System.Collections.Immutable;
using VmxLayers.Semantics;
using VmxLayers.Constants;

namespace VmxLayers.Cases;

/// <summary>
/// The stack/heap blocks above the globals and how the injection maps them (delta 0, forward, injective):
/// e.g. high has 2 extra blocks, low 3, high 4 ↦ low 5 and high 5 ↦ low 6. Globals map to themselves.
/// </summary>
public sealed record BlockLayout(int HighBlocks, int LowBlocks, ImmutableArray<(int From, int To)> Inject)
{
    /// <summary>No extra block: only the globals.</summary>
    public static readonly BlockLayout GlobalsOnly = new(0, 0, []);
    /// <summary>One stack block on each side, mapped to itself.</summary>
    public static readonly BlockLayout Identity1 = new(1, 1, [(4, 4)]);
    /// <summary>High has 2 extra blocks, low 3; 4 ↦ 5 and 5 ↦ 6 (low block 4 is not in the image).</summary>
    public static readonly BlockLayout Shifted = new(2, 3, [(4, 5), (5, 6)]);
    /// <summary>High has 2 extra blocks, low 3; 4 ↦ 4 and 5 ↦ 6.</summary>
    public static readonly BlockLayout Gapped = new(2, 3, [(4, 4), (5, 6)]);

    public static readonly ImmutableArray<BlockLayout> All = [GlobalsOnly, Identity1, Shifted, Gapped];

    /// <summary>High stack blocks (genv_next, genv_next + 1, ...).</summary>
    public IEnumerable<int> HighStack => Enumerable.Range(Genv.Next, HighBlocks);

    /// <summary>Low blocks: globals are not included.</summary>
    public IEnumerable<int> LowStack => Enumerable.Range(Genv.Next, LowBlocks);

    /// <summary>Where the injection sends a high block (globals to themselves).</summary>
    public int Image(int highBlock) =>
        highBlock < Genv.Next ? highBlock : Inject.First(m => m.From == highBlock).To;

    /// <summary>A pointer into high stack block k and its injected image.</summary>
    public ValuePair StackPointer(int k, uint ofs)
    {
        int b = Genv.Next + k;
        return new(Val.Vptr(b, ofs), Val.Vptr(Image(b), ofs));
    }

    /// <summary>A pointer to a global (the same on both sides).</summary>
    public static ValuePair GlobalPointer(int block, uint ofs) => ValuePair.Same(Val.Vptr(block, ofs));

    /// <summary>A low pointer into some low block (what a Vundef high value may stand for).</summary>
    public Val LowPointer(int k, uint ofs) => Val.Vptr(LowBlocks == 0 ? Genv.VmxLocBlock : Genv.Next + k % LowBlocks, ofs);

    public override string ToString() =>
        HighBlocks == 0 ? "globals only" : $"{HighBlocks} high / {LowBlocks} low blocks, " + string.Join(", ", Inject.Select(m => $"{m.From}↦{m.To}"));
}
