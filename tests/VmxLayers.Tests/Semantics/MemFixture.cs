using VmxLayers.Semantics;

namespace VmxLayers.Tests.Semantics;

/// <summary>The shared setup of compcert-semantics.md §9: m0 = empty, (m1, b) = alloc m0 0 16, b = 1.</summary>
internal static class MemFixture
{
    public const int B = 1;

    public static Mem M1 => Mem.Empty.Alloc(0, 16).Mem;

    public static Val I(uint n) => Val.Vint(n);
    public static Val P(int b, uint o) => Val.Vptr(b, o);
    public static Memval Byte(byte x) => Memval.Byte(x);
    public static Memval Ptr(int b, uint o, int n) => Memval.Pointer(b, new Int(o), n);

    /// <summary>A store that the test expects to succeed.</summary>
    public static Mem Stored(this Mem m, Chunk c, long ofs, Val v, int b = B) =>
        m.Store(c, b, ofs, v) ?? throw new Xunit.Sdk.XunitException($"store {c} at {ofs} of {v} unexpectedly failed");

    /// <summary>loadbytes that the test expects to succeed.</summary>
    public static Memval[] BytesAt(this Mem m, long ofs, long n, int b = B) =>
        m.LoadBytes(b, ofs, n) ?? throw new Xunit.Sdk.XunitException($"loadbytes at {ofs} (length {n}) unexpectedly failed");
}
