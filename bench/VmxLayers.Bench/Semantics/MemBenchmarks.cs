using BenchmarkDotNet.Attributes;
using VmxLayers.Constants;
using VmxLayers.Layers;
using VmxLayers.Semantics;
using VmxLayers.Spec.Concrete;

namespace VmxLayers.Bench.Semantics;

/// <summary>
/// Cost of the persistent memory on the paths the layer specs take: one Mint32 store + load on a
/// 1 KiB block, and vmx_exit's burst (6 Mint32 slot stores, 2 slot loads) on the real VMX_LOC.
/// Targets: &lt; 150 ns and &lt; 512 B allocated per Mint32 store.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
public class MemBenchmarks
{
    const int Cpu = 3;
    static readonly int[] ExitStoreSlots = [VmxSlots.G_RDI, VmxSlots.G_RAX, VmxSlots.G_RBX, VmxSlots.G_RDX, VmxSlots.G_RSI, VmxSlots.G_RBP];

    Mem kib = Mem.Empty;
    int kibBlock;
    Mem vmxLoc = Mem.Empty;
    int ofs;
    uint counter;

    [GlobalSetup]
    public void Setup()
    {
        (kib, kibBlock) = Mem.Empty.Alloc(0, 1024);
        // Pre-populate so the store path copies a realistic, non-empty trie.
        for (int o = 0; o < 1024; o += 4) kib = kib.Store(Chunk.Mint32, kibBlock, o, Val.Vint((uint)o))!;
        vmxLoc = new Genv(8).InitialMemory(high: false);
        for (int c = 0; c < 8; c++)
            for (int i = 0; i < VmxSlots.Size; i++)
                vmxLoc = vmxLoc.Store(Chunk.Mint32, Genv.VmxLocBlock, VmxSlots.Offset(c, i), Val.Vzero)!;
    }

    /// <summary>(a) One Mint32 store followed by a load of the same cell, on a 1 KiB block.</summary>
    [Benchmark]
    public Val? Mint32StoreThenLoad()
    {
        ofs = (ofs + 4) & 1023;
        var m = kib.Store(Chunk.Mint32, kibBlock, ofs, Val.Vint(++counter))!;
        return m.Load(Chunk.Mint32, kibBlock, ofs);
    }

    /// <summary>(b) vmx_exit's memory traffic: 6 Mint32 stores at 152·c + 4·i, then loads of slots 33 and 34.</summary>
    [Benchmark(OperationsPerInvoke = 6)]
    public Val? VmxExitBurst()
    {
        var m = vmxLoc;
        foreach (int slot in ExitStoreSlots)
            m = m.Store(Chunk.Mint32, Genv.VmxLocBlock, VmxSlots.Offset(Cpu, slot), Val.Vint(++counter))!;
        var ebp = m.Load(Chunk.Mint32, Genv.VmxLocBlock, VmxSlots.Offset(Cpu, VmxSlots.HOST_EBP));
        var edi = m.Load(Chunk.Mint32, Genv.VmxLocBlock, VmxSlots.Offset(Cpu, VmxSlots.HOST_EDI));
        return ebp is null ? null : edi;
    }
}
