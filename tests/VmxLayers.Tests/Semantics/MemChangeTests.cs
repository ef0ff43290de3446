using VmxLayers.Semantics;

namespace VmxLayers.Tests.Semantics;

/// <summary>What the incremental relation check relies on: a memory lists every block a store sequence changed.</summary>
public class MemChangeTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void ChangedBlocksListsEveryBlockWhoseCellsDiffer(int seed)
    {
        var rng = new Random(seed);
        var m = Mem.Empty;
        for (int k = 0; k < 4; k++) m = m.Alloc(0, 64).Mem;
        var history = new List<Mem> { m };
        for (int k = 0; k < 120; k++)
        {
            int b = rng.Next(3) == 0 ? rng.Next(1, 5) : 2;   // mostly one block, as the co-simulation does, sometimes others
            m = m.Store(Chunk.Mint32, b, 4 * rng.Next(16), Val.Vint((uint)rng.Next(3)))!;
            if (rng.Next(40) == 0) m = m.Alloc(0, 8).Mem;
            history.Add(m);
        }
        for (int k = 0; k < 300; k++)
        {
            Mem a = history[rng.Next(history.Count)], c = history[rng.Next(history.Count)];
            var changed = new List<int>();
            Mem.ChangedBlocks(a, c, changed);
            for (int b = 1; b < Math.Max(a.NextBlock, c.NextBlock); b++)
            {
                bool differs = a.NextBlock <= b || c.NextBlock <= b
                    || Enumerable.Range(0, (int)a.Bounds(b)!.Value.Hi).Any(ofs => a.Cell(b, ofs) != c.Cell(b, ofs));
                if (differs) Assert.Contains(b, changed);
            }
            Assert.Equal(changed.Distinct().Count(), changed.Count);
            if (ReferenceEquals(a, c)) Assert.Empty(changed);
        }
    }
}
