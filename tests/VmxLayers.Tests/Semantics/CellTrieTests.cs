using VmxLayers.Semantics;

namespace VmxLayers.Tests.Semantics;

/// <summary>The persistent contents trie reads, writes and diffs like a plain array, for every root shape.</summary>
public class CellTrieTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(8)]
    [InlineData(9)]
    [InlineData(64)]
    [InlineData(129)]
    [InlineData(608)]      // VMX_LOC for 4 CPUs: a 10-wide root
    [InlineData(1025)]
    [InlineData(9728)]     // VMX_LOC for 64 CPUs
    public void WritesReadsAndDiffsLikeAnArray(int capacity)
    {
        var rng = new Random(capacity);
        var trie = CellTrie.Empty(capacity);
        var plain = new ulong[capacity];
        var history = new List<(CellTrie Trie, ulong[] Plain)> { (trie, (ulong[])plain.Clone()) };
        for (int k = 0; k < 200; k++)
        {
            int length = rng.Next(1, Math.Min(capacity, 20) + 1), start = rng.Next(capacity - length + 1);
            var cells = new ulong[length];
            for (int i = 0; i < length; i++)
                cells[i] = rng.Next(3) switch
                {
                    0 => 0,                                                        // Undef
                    1 => Memval.Byte((byte)rng.Next(4)).Pack(),
                    _ => Memval.Pointer(rng.Next(1, 5), new Int((uint)rng.Next(4)), rng.Next(4)).Pack(),
                };
            trie = trie.Write(start, cells);
            cells.CopyTo(plain, start);
            history.Add((trie, (ulong[])plain.Clone()));
        }
        foreach (var (t, p) in history)
        {
            for (int i = 0; i < capacity; i++) Assert.Equal(p[i], t.Get(i));
            var read = new ulong[Math.Min(capacity, 11)];
            int from = rng.Next(capacity - read.Length + 1);
            t.Read(from, read);
            Assert.Equal(p.AsSpan(from, read.Length).ToArray(), read);
        }
        for (int k = 0; k < 100; k++)
        {
            var (a, pa) = history[rng.Next(history.Count)];
            var (b, pb) = history[rng.Next(history.Count)];
            var changed = new List<long>();
            CellTrie.Diff(a, b, changed);
            Assert.Equal(Enumerable.Range(0, capacity).Where(i => pa[i] != pb[i]).Select(i => (long)i), changed.Order());
        }
    }
}
