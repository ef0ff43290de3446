namespace VmxLayers.Spec;

/// <summary>
/// Values by a dense id (a spec's, a relation's, a primitive's), built on first use: a hot path reads them with one
/// array access and no lock; a miss builds the value under a lock and publishes a grown copy of the array.
/// </summary>
internal sealed class IdTable<TValue> where TValue : class
{
    TValue?[] items = [];
    readonly Lock gate = new();

    /// <summary>The value of <paramref name="id"/>, built by <paramref name="create"/>(<paramref name="state"/>) the first time.</summary>
    public TValue Get<TState>(int id, TState state, Func<TState, TValue> create)
    {
        var table = Volatile.Read(ref items);
        if ((uint)id < (uint)table.Length && table[id] is { } known) return known;
        lock (gate)
        {
            if (id >= items.Length)
            {
                var grown = new TValue?[Math.Max(id + 1, items.Length * 2)];
                items.CopyTo(grown, 0);
                Volatile.Write(ref items, grown);
            }
            return items[id] ??= create(state);
        }
    }
}
