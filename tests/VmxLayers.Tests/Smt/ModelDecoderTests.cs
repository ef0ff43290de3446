using System.Numerics;
using VmxLayers.Cases;
using VmxLayers.Constants;
using VmxLayers.Machine;
using VmxLayers.Semantics;
using VmxLayers.Smt;
using VmxLayers.Smt.Solvers;

namespace VmxLayers.Tests.Smt;

/// <summary>Reading model values, and turning a whole model into the concrete case it describes.</summary>
public sealed class ModelDecoderTests
{
    static Val Parse(string text, Func<long, long>? block = null) => ModelDecoder.ParseVal(SExpr.Parse(text), block);

    [Fact]
    public void Parses_the_values_of_the_Val_datatype()
    {
        Assert.Equal(Val.Vundef, Parse("Vundef"));
        Assert.Equal(Val.Vint(5), Parse("(Vint 5)"));
        Assert.Equal(Val.Vint(0xFFFFFFFF), Parse("(Vint 4294967295)"));
        Assert.Equal(Val.Vint(10), Parse("(Vint #x0000000a)"));
        Assert.Equal(Val.Vptr(4, 8u), Parse("(Vptr 4 8)"));
        Assert.Equal(Val.Vptr(5, 8u), Parse("(Vptr 1000 8)", b => b == 1000 ? 5 : b));   // the decoder's renumbering
        Assert.Equal(Val.Vlong(new VmxLayers.Semantics.Int64(7)), Parse("(Vlong 7)"));
        Assert.Equal(Val.Vfloat(1.5), Parse($"(Vfloat {BitConverter.DoubleToUInt64Bits(1.5)})"));
    }

    [Theory]
    [InlineData("(Vint 4294967296)")]
    [InlineData("(Vint (- 1))")]
    [InlineData("(Vptr 4 4294967296)")]
    [InlineData("(Vptr 0 0)")]
    [InlineData("(Vptr (- 3) 0)")]
    [InlineData("(Vlong 18446744073709551616)")]
    [InlineData("(Vint)")]
    [InlineData("(Vsingle 1)")]
    [InlineData("42")]
    public void Out_of_range_or_unknown_values_fail_with_FormatException(string text) =>
        Assert.Throws<FormatException>(() => Parse(text));

    // ---------------------------------------------------------------- a whole model

    static readonly LemmaEncoding lemma = LemmaEncoding.Build(Prims.Statement(Prims.vmx_exit_post), "test");

    static SmtArray Row(params (long Index, SmtVal Value)[] entries) => SmtArray.Of(SmtVal.Vundef, entries.Select(e => ((BigInteger)e.Index, (object)e.Value)));
    static SmtArray Area(long cpu, SmtArray row) => SmtArray.Of(Row(), [(cpu, row)]);
    static long Ofs(int cpu, int slot) => VmxSlots.Offset(cpu, slot);

    /// <summary>
    /// A model of the vmx_exit_post lemma, given as the values of its constants (the solver's answer to each get-value is
    /// then what the term denotes under them): 6 CPUs, the current one 2, the two layers' flags differ, blocks numbered
    /// in the hundreds, a pointer slot, a VMCS pointer field, a word that is readable but not writable.
    /// </summary>
    static Model HandBuiltModel(ModelDecoder decoder)
    {
        var s = lemma.Symbols;
        var values = new Dictionary<string, object>
        {
            [s.TotalCpu.Name] = (BigInteger)6, [s.High.Cpu.Name] = (BigInteger)2, [s.Low.Cpu.Name] = (BigInteger)2,
            [s.High.Ikern.Name] = true, [s.High.Ihost.Name] = true, [s.High.Pg.Name] = true, [s.High.Init.Name] = false,
            [s.Low.Ikern.Name] = true, [s.Low.Ihost.Name] = false, [s.Low.Pg.Name] = true, [s.Low.Init.Name] = true,
            [s.High.Vmx.Name] = Area(2, Row((0, SmtVal.Vint(1)), (14, SmtVal.Vptr(100, 8)), (27, SmtVal.Vint(5)), (28, SmtVal.Vint(2)), (31, SmtVal.Vint(3)))),
            [s.Low.Vmx.Name] = new SmtArray(Row()),
            [s.Low.Words.Name] = Row((Ofs(2, 0), SmtVal.Vint(1)), (Ofs(2, 14), SmtVal.Vptr(300, 8)), (Ofs(2, 27), SmtVal.Vint(5)), (Ofs(2, 28), SmtVal.Vint(2)), (Ofs(2, 31), SmtVal.Vint(3))),
            [s.Low.Writable.Name] = SmtArray.Of(false, new long[] { 0, 14, 28, 31 }.Select(i => ((BigInteger)Ofs(2, (int)i), (object)true))),
            [s.Low.Readable.Name] = SmtArray.Of(false, new long[] { 0, 14, 27, 28, 31 }.Select(i => ((BigInteger)Ofs(2, (int)i), (object)true))),
            [s.High.Words.Name] = Row(), [s.High.Readable.Name] = new SmtArray(false), [s.High.Writable.Name] = new SmtArray(false),
            [s.High.VmcsFields.Name] = Area(2, Row((VmcsFields.GUEST_RIP, SmtVal.Vint(7)), (VmcsFields.EXIT_REASON, SmtVal.Vptr(100, 0)))),
            [s.Low.VmcsFields.Name] = Area(2, Row((VmcsFields.GUEST_RIP, SmtVal.Vint(7)), (VmcsFields.EXIT_REASON, SmtVal.Vptr(300, 0)), (VmcsFields.EXIT_QUALIFICATION, SmtVal.Vint(9)))),
            [s.High.NextBlock.Name] = (BigInteger)150, [s.Low.NextBlock.Name] = (BigInteger)400,
        };
        foreach (var side in new[] { s.High, s.Low })
        {
            values[side.Revid.Name] = Row();
            values[side.Abrtid.Name] = Row();
            foreach (var r in PregInfo.All) values[side.Reg(r).Name] = SmtVal.Vundef;
        }
        values[s.High.Reg(Preg.EAX).Name] = SmtVal.Vptr(100, 4);
        values[s.High.Reg(Preg.EBX).Name] = SmtVal.Vptr(120, 0);
        values[s.Low.Reg(Preg.EAX).Name] = SmtVal.Vptr(300, 4);
        values[s.Low.Reg(Preg.EBX).Name] = SmtVal.Vint(3);
        foreach (var sk in lemma.Context.Skolems)   // a model gives the skolems some value too; the decoder drops their points
        {
            if (sk.Cpu is not null) values[sk.Cpu.Name] = (BigInteger)0;
            values[sk.Index.Name] = (BigInteger)0;
        }
        var zero = new Func<object[], object>(_ => BigInteger.Zero);
        var functions = new Dictionary<string, Func<object[], object>>
        {
            ["fdef"] = x => (BigInteger)x[0] is var b && (b < 4 || b == 100),
            ["fblk"] = x => (BigInteger)x[0] is var b && b == 100 ? (BigInteger)300 : b,
            ["fdelta"] = zero, ["blk"] = zero, ["ival"] = zero, ["ofs"] = zero,
        };
        var ev = new TermEvaluator(values, functions);
        return new Model(decoder.Terms().DistinctBy(n => n.Id).ToDictionary(n => n.Id, n => SExpr.Parse(Text(ev.Eval(n)))));
    }

    static string Text(object v) => v switch
    {
        bool b => b ? "true" : "false",
        BigInteger n => n.Sign < 0 ? $"(- {-n})" : n.ToString(),
        SmtVal x => x.ToString(),
        _ => throw new ArgumentException($"no model text for {v}"),
    };

    [Fact]
    public void Decodes_a_hand_built_model_into_the_case_it_describes()
    {
        var decoder = new ModelDecoder(lemma);
        var (c, why, _) = decoder.Decode(HandBuiltModel(decoder));
        Assert.True(c is not null, why);
        Assert.Same(Prims.vmx_exit_post.Primitive, c.Prim);
        Assert.Equal(3, c.TotalCpu);   // one past the largest CPU a point names
        Assert.Equal(2, c.Cpu);
        Assert.Equal(new CpuFlags(true, true, true, false), c.FlagsHigh);
        Assert.Equal(new CpuFlags(true, false, true, true), c.FlagsLow);
        // blocks ≥ 4 renumbered in order: 100 → 4, 120 → 5, 150 (high nextblock) → 6, 300 → 7, 400 (low nextblock) → 8
        Assert.Equal(2, c.HighBlocks);
        Assert.Equal(4, c.LowBlocks);
        Assert.Equal([(4, 7)], c.Inject.ToArray());
        // the slots the lemma touches, of CPU 2; every other slot is Vint 0 on both sides
        var high = new Dictionary<int, Val> { [0] = Val.Vint(1), [14] = Val.Vptr(4, 8u), [27] = Val.Vint(5), [28] = Val.Vint(2), [31] = Val.Vint(3) };
        var low = new Dictionary<int, Val> { [0] = Val.Vint(1), [14] = Val.Vptr(7, 8u), [27] = Val.Vint(5), [28] = Val.Vint(2), [31] = Val.Vint(3) };
        for (int cpu = 0; cpu < c.TotalCpu; cpu++)
            for (int i = 0; i < VmxSlots.Size; i++)
            {
                Assert.Equal(cpu == 2 && high.TryGetValue(i, out var h) ? h : Val.Vzero, c.HighSlot(cpu, i));
                Assert.Equal(cpu == 2 && low.TryGetValue(i, out var l) ? l : Val.Vzero, c.LowSlot(cpu, i));
            }
        Assert.Equal([(2, 27)], c.LowReadOnly.ToArray());   // readable but not writable
        Assert.Empty(c.HighOverflow);
        Assert.Equal(
            [new VmcsOverride(2, VmcsFields.EXIT_REASON, Val.Vptr(4, 0u), Val.Vptr(7, 0u)), new VmcsOverride(2, VmcsFields.EXIT_QUALIFICATION, Val.Vundef, Val.Vint(9)),
             new VmcsOverride(2, VmcsFields.GUEST_RIP, Val.Vint(7), Val.Vint(7))],
            c.Vmcs.Distinct().OrderBy(v => v.Encoding));
        Assert.Equal(Val.Vptr(4, 4u), c.RegsHigh[Preg.EAX]);
        Assert.Equal(Val.Vptr(5, 0u), c.RegsHigh[Preg.EBX]);
        Assert.Equal(Val.Vptr(7, 4u), c.RegsLow[Preg.EAX]);
        Assert.Equal(Val.Vint(3), c.RegsLow[Preg.EBX]);
        Assert.Equal(Val.Vundef, c.RegsLow[Preg.ESI]);
        Assert.Empty(c.ArgsHigh);
        c.ToWorld();   // and it builds
    }

    [Fact]
    public void A_model_the_case_cannot_hold_says_why()
    {
        var decoder = new ModelDecoder(lemma);
        var m = HandBuiltModel(decoder);
        Model With(Node n, string text) => new(decoder.Terms().DistinctBy(x => x.Id).ToDictionary(x => x.Id, x => x == n ? SExpr.Parse(text) : m[x]!));
        var s = lemma.Symbols;
        // a CPU outside [0, TOTAL_CPU) is a malformed model (expressible, but no case)
        var (c1, why1, expressible1) = decoder.Decode(With(s.High.Cpu, "7"));
        Assert.Null(c1);
        Assert.True(expressible1);
        Assert.Contains("outside", why1);
        // a genuine counterexample on CPU 100 needs more CPUs than a case has
        var big = new Model(decoder.Terms().DistinctBy(x => x.Id).ToDictionary(x => x.Id,
            x => x == s.TotalCpu ? SExpr.Parse("1000") : x == s.High.Cpu || x == s.Low.Cpu ? SExpr.Parse("100") : m[x]!));
        var (c2, why2, expressible2) = decoder.Decode(big);
        Assert.Null(c2);
        Assert.False(expressible2);
        Assert.Contains($"at most {ModelDecoder.MaxCpus} CPUs", why2);
    }

    [Fact]
    public void Reads_both_layers_flags_and_every_register_and_argument()
    {
        var l = LemmaEncoding.Build(Prims.Statement(Prims.vmx_writez), "test");
        var terms = new ModelDecoder(l).Terms().ToHashSet();
        var s = l.Symbols;
        foreach (var side in new[] { s.High, s.Low })
        {
            Assert.Contains(side.Ikern, terms); Assert.Contains(side.Ihost, terms); Assert.Contains(side.Pg, terms); Assert.Contains(side.Init, terms);
            Assert.All(side.Regs, r => Assert.Contains(r, terms));
            Assert.All(side.Args, a => Assert.Contains(a, terms));
            Assert.Contains(side.NextBlock, terms);
        }
        Assert.Contains(s.TotalCpu, terms);
    }
}
