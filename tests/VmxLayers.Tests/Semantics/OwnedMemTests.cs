using CsCheck;
using VmxLayers.Semantics;

namespace VmxLayers.Tests.Semantics;

/// <summary>A memory updated in place (<see cref="Mem.Owned"/>) stores and loads exactly like the persistent one.</summary>
public class OwnedMemTests
{
    static readonly Gen<(int Block, long Ofs, Chunk Chunk, Val Value)> Store =
        Gen.Select(SemanticsGen.Block, SemanticsGen.Offset, SemanticsGen.Chunk, SemanticsGen.Val);

    [Fact]
    public void StoresInPlaceGiveTheSameCellsAndLoadsAsPersistentStores()
    {
        Gen.Select(SemanticsGen.Plan, Store.Array[1, 24]).Sample((plan, stores) =>
        {
            var start = plan.Build();
            var before = Snapshot(plan, start);
            Mem persistent = start, owned = start.Owned();
            foreach (var (b, ofs, c, v) in stores)
            {
                var p = persistent.Store(c, b, ofs, v);
                var o = owned.Store(c, b, ofs, v);
                if ((p is null) != (o is null)) return false;
                if (o is not null && !ReferenceEquals(o, owned)) return false;   // in place: the same memory comes back
                persistent = p ?? persistent;
            }
            return Snapshot(plan, persistent).SequenceEqual(Snapshot(plan, owned)) && Snapshot(plan, start).SequenceEqual(before);
        }, iter: 400);
    }

    /// <summary>Every cell and every chunk's load at every probed site.</summary>
    static List<string> Snapshot(MemPlan plan, Mem m)
    {
        var seen = new List<string>();
        foreach (int b in plan.ProbeBlocks)
            foreach (long ofs in plan.ProbeOffsets(b))
            {
                seen.Add(m.Cell(b, ofs).ToString());
                foreach (var c in Enum.GetValues<Chunk>()) seen.Add(m.Load(c, b, ofs)?.ToString() ?? "-");
            }
        return seen;
    }
}
