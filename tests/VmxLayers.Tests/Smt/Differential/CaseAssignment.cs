using System.Collections.Immutable;
using System.Numerics;
using VmxLayers.Cases;
using VmxLayers.Constants;
using VmxLayers.Machine;
using VmxLayers.Semantics;
using VmxLayers.Smt;
using VmxLayers.Spec;
using VmxLayers.Spec.Concrete;

namespace VmxLayers.Tests.Smt.Differential;

/// <summary>
/// The assignment of a lemma's input constants that describes one concrete case: what a model of the lemma's
/// query says when the case is its counterexample. Every value is read off the very states the concrete run starts
/// from (<see cref="World.Pair"/>), so the comparison checks the encoding, not a second copy of the case.
/// </summary>
static class CaseAssignment
{
    /// <summary>TOTAL_CPU and both sides' flags, CPU id, VMCS, save area, VMX_LOC words and permissions, nextblock, registers, arguments.</summary>
    public static Dictionary<string, object> Inputs(InputSymbols s, ConcreteCase c, World w)
    {
        var values = new Dictionary<string, object> { [s.TotalCpu.Name] = (BigInteger)c.TotalCpu };
        var pair = w.Pair(c.Cpu);
        Side(values, s.High, pair.High, pair.MemHigh.Raw.As<Mem>(), c.RegsHigh, c.ArgsHigh);
        Side(values, s.Low, pair.Low, pair.MemLow.Raw.As<Mem>(), c.RegsLow, c.ArgsLow);
        return values;
    }

    static void Side(Dictionary<string, object> values, SideSymbols s, AbsData<CTerm> a, Mem mem, RegSet regs, ImmutableArray<Val> args)
    {
        values[s.Ikern.Name] = a.Ikern.Raw.B;
        values[s.Ihost.Name] = a.Ihost.Raw.B;
        values[s.Pg.Name] = a.Pg.Raw.B;
        values[s.Init.Name] = a.Init.Raw.B;
        values[s.Cpu.Name] = (BigInteger)a.CpuId.Raw.Z;
        var vmcs = a.Vmcs.Raw.As<VmcsArea>();
        values[s.VmcsFields.Name] = Fields(vmcs);
        values[s.Revid.Name] = PerCpu(vmcs, d => d.Revid);
        values[s.Abrtid.Name] = PerCpu(vmcs, d => d.Abrtid);
        values[s.Vmx.Name] = SaveArea(a.Vmx.Raw.As<VmxArea>());
        values[s.Words.Name] = Words(mem);
        values[s.Readable.Name] = Permissions(mem, Permission.Readable);
        values[s.Writable.Name] = Permissions(mem, Permission.Writable);
        values[s.NextBlock.Name] = (BigInteger)mem.NextBlock;
        foreach (var r in PregInfo.All) values[s.Reg(r).Name] = SmtVal.Of(regs[r]);
        for (int k = 0; k < s.Args.Length; k++) values[s.Args[k].Name] = SmtVal.Of(args[k]);
    }

    static readonly SmtArray undefRow = new(SmtVal.Vundef);

    /// <summary>CPU → slot → Val: the dense area and the overflow, Vundef elsewhere (VmxArea's default).</summary>
    static SmtArray SaveArea(VmxArea vmx)
    {
        var area = SmtArray.Of(undefRow, Enumerable.Range(0, vmx.TotalCpu).Select(c =>
            ((BigInteger)c, (object)SmtArray.Of(SmtVal.Vundef, Enumerable.Range(0, VmxSlots.Size).Select(i => ((BigInteger)i, (object)SmtVal.Of(vmx.Get(c, i))))))));
        foreach (var (c, i) in vmx.OverflowKeys)
            area = area.Store(c, ((SmtArray)area[c]).Store(i, SmtVal.Of(vmx.Get(c, i))));
        return area;
    }

    /// <summary>
    /// CPU → encoding → Val: every valid field and every extra encoding of each CPU, Vundef elsewhere. A case's VMCS
    /// areas hold CPUs [0, TOTAL_CPU) only; VmcsArea reads any other CPU as an all-Vundef VMCS, the arrays' default.
    /// </summary>
    static SmtArray Fields(VmcsArea vmcs)
    {
        static SmtArray Row(VmcsData data) => SmtArray.Of(SmtVal.Vundef,
            VmcsFields.All.Select(f => ((BigInteger)f.Encoding, (object)SmtVal.Of(data.Get(f.Encoding))))
                .Concat(data.Extra.Select(e => ((BigInteger)e.Key, (object)SmtVal.Of(e.Value)))));
        return SmtArray.Of(undefRow, Enumerable.Range(0, vmcs.TotalCpu).Select(c => ((BigInteger)c, (object)Row(vmcs[c]))));
    }

    static SmtArray PerCpu(VmcsArea vmcs, Func<VmcsData, Val> part) =>
        SmtArray.Of(SmtVal.Vundef, Enumerable.Range(0, vmcs.TotalCpu).Select(c => ((BigInteger)c, (object)SmtVal.Of(part(vmcs[c])))));

    /// <summary>VMX_LOC's Mint32 word at every 4-aligned offset a load can read; Vundef where none can (no value is read there).</summary>
    static SmtArray Words(Mem mem) => SmtArray.Of(SmtVal.Vundef,
        from ofs in AlignedOffsets(mem)
        let v = mem.Load(Chunk.Mint32, Genv.VmxLocBlock, ofs)
        where v is not null
        select ((BigInteger)ofs, (object)SmtVal.Of(v.Value)));

    /// <summary>rd / wr: whether a Mint32 access with that permission is valid at each aligned offset; false elsewhere.</summary>
    static SmtArray Permissions(Mem mem, Permission p) => SmtArray.Of(false,
        AlignedOffsets(mem).Where(ofs => mem.ValidAccess(Chunk.Mint32, Genv.VmxLocBlock, ofs, p)).Select(ofs => ((BigInteger)ofs, (object)true)));

    static IEnumerable<long> AlignedOffsets(Mem mem) =>
        mem.Bounds(Genv.VmxLocBlock) is var (lo, hi) ? Enumerable.Range(0, (int)((hi - lo) / 4)).Select(k => lo + 4L * k) : [];

    /// <summary>
    /// The injection as fdef / fblk / fdelta, and what the selectors give on other constructors. Both are left open by
    /// SMT-LIB (a model picks them): outside f's domain fblk and fdelta are 0, and a selector of another constructor is
    /// 0 — no valid block, so no injection property is instantiated at it.
    /// </summary>
    public static Dictionary<string, Func<object[], object>> Functions(MemInj f)
    {
        static int Block(object x) => (BigInteger)x is var b && b >= int.MinValue && b <= int.MaxValue ? (int)b : 0;
        var zero = new Func<object[], object>(_ => BigInteger.Zero);
        return new()
        {
            ["fdef"] = x => f[Block(x[0])] is not null,
            ["fblk"] = x => f[Block(x[0])] is { } t ? (BigInteger)t.Block : BigInteger.Zero,
            ["fdelta"] = x => f[Block(x[0])] is { } t ? (BigInteger)t.Delta : BigInteger.Zero,
            ["ival"] = zero, ["lval"] = zero, ["fbits"] = zero, ["blk"] = zero, ["ofs"] = zero,
        };
    }
}
