using VmxLayers.Refinement;
using VmxLayers.Semantics;
using VmxLayers.Spec;

namespace VmxLayers.Smt;

/// <summary>Which layer a lemma input belongs to: H (the upper layer, the spec) or L (the lower, the implementation).</summary>
public enum Side { H, L }

/// <summary>
/// One layer's input constants of a lemma: flags, CPU id, VMCS, save area, memory, registers and C arguments. The one
/// symbol table of the SMT pipeline: the encoding builds its input from these nodes, the printer declares them by
/// their names, and the decoder and the messages read the model at them.
/// </summary>
public sealed class SideSymbols
{
    public SideSymbols(Terms t, Side side, int arity)
    {
        Side = side;
        Node C(string name, Sort sort) => t.Const($"{name}_{side}", sort);
        (Ikern, Ihost, Pg, Init) = (C("ikern", Sort.Bool), C("ihost", Sort.Bool), C("pg", Sort.Bool), C("init", Sort.Bool));
        Cpu = C("cpu", Sort.Int);
        (VmcsFields, Revid, Abrtid) = (C("vmcs", Sort.Area), C("revid", Sort.Row), C("abrtid", Sort.Row));
        Vmx = C("vmx", Sort.Area);
        (Words, Readable, Writable) = (C("words", Sort.Row), C("rd", Sort.BoolRow), C("wr", Sort.BoolRow));
        (NextBlock, MemName) = (C("nextblock", Sort.Int), C("mem", Sort.Bool));
        Regs = [.. PregInfo.All.Select(r => t.Const($"{r}_{side}", Sort.Val))];
        Args = [.. Enumerable.Range(0, arity).Select(k => C($"arg{k}", Sort.Val))];
        Data = new AbsData<Node>(new(Ikern), new(Ihost), new(Pg), new(Init), new(Cpu),
            new(t.Record(Sort.Vmcs, VmcsFields, Revid, Abrtid)), new(Vmx));
        Mem = new(t.Record(Sort.Mem, Words, Readable, Writable, NextBlock, MemName));
        RegSet = new(t.Record(Sort.Regs, Regs));
    }

    public Side Side { get; }
    public Node Ikern { get; }
    public Node Ihost { get; }
    public Node Pg { get; }
    public Node Init { get; }
    public Node Cpu { get; }
    /// <summary>CPU → encoding → Val.</summary>
    public Node VmcsFields { get; }
    public Node Revid { get; }
    public Node Abrtid { get; }
    /// <summary>CPU → slot → Val (meaningful on the upper layer).</summary>
    public Node Vmx { get; }
    /// <summary>VMX_LOC's Mint32 words by byte offset, and their read and write permissions.</summary>
    public Node Words { get; }
    public Node Readable { get; }
    public Node Writable { get; }
    public Node NextBlock { get; }
    /// <summary>The memory's name (memory_match flags are per pair of memory names).</summary>
    public Node MemName { get; }
    public Node[] Regs { get; }
    public Node[] Args { get; }

    public AbsData<Node> Data { get; }
    public Mem<Node> Mem { get; }
    public Regs<Node> RegSet { get; }

    public Node Reg(Preg r) => Regs[(int)r];
}

/// <summary>Every input constant of a lemma: TOTAL_CPU and both sides.</summary>
public sealed class InputSymbols(Terms t, int arity)
{
    public Node TotalCpu { get; } = t.Const("total_cpu", Sort.Int);
    public SideSymbols High { get; } = new(t, Side.H, arity);
    public SideSymbols Low { get; } = new(t, Side.L, arity);

    /// <summary>The simulation input the encoding runs the statement on.</summary>
    public SimInput<Node> Input => new(new LayerPair<Node>(High.Data, High.Mem, Low.Data, Low.Mem),
        [.. High.Args.Select(a => new Val<Node>(a))], [.. Low.Args.Select(a => new Val<Node>(a))], High.RegSet, Low.RegSet);

    /// <summary>
    /// Both sides' inputs equal, input by input (one layer's data on both sides: the diagonal of code ⊑ VMCSInit), as
    /// facts only ever added to a query: a model of the restricted query is one of the full query.
    /// </summary>
    public IEnumerable<Node> Diagonal(Terms t)
    {
        Node[] Inputs(SideSymbols s) => [s.Ikern, s.Ihost, s.Pg, s.Init, s.Cpu, s.VmcsFields, s.Revid, s.Abrtid, s.Words, s.Readable, s.Writable, s.NextBlock, s.MemName, .. s.Regs, .. s.Args];
        return Inputs(High).Zip(Inputs(Low), t.Eq);
    }
}
