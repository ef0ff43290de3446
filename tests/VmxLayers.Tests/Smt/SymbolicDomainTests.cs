using VmxLayers.Constants;
using VmxLayers.Semantics;
using VmxLayers.Smt;
using VmxLayers.Spec;

namespace VmxLayers.Tests.Smt;

/// <summary>Each operation of the symbolic domain builds the node the encoding documents, and records what the lemma needs.</summary>
public sealed class SymbolicDomainTests
{
    readonly SymbolicContext ctx = new(arity: 2);
    SymbolicDomain d;
    Terms T => ctx.T;

    public SymbolicDomainTests() { d = new SymbolicDomain(ctx); }

    Z<Node> Zc(string name) => new(T.Const(name, Sort.Int));
    Val<Node> Vc(string name) => new(T.Const(name, Sort.Val));
    Val<Node> VintOf(long n) => d.Vint(d.Repr(d.Z(n)));
    Mem<Node> LowMem => ctx.Symbols.Low.Mem;
    VmxMap<Node> Vmx => ctx.Symbols.High.Data.Vmx;

    [Fact]
    public void Repr_folds_literals_modulo_2_to_the_32()
    {
        Assert.Same(T.Int(5), d.Repr(d.Z(5)).Raw);
        Assert.Same(T.Int(0xFFFFFFFF), d.Repr(d.Z(-1)).Raw);
        Assert.Same(T.Int(3), d.Repr(d.Z((1L << 32) + 3)).Raw);
    }

    [Fact]
    public void Repr_wraps_a_mathematical_integer_and_skips_a_32_bit_payload()
    {
        var z = Zc("z");
        var wrapped = d.Repr(d.Add(z, d.Z(1))).Raw;
        Assert.True(wrapped.IsApp("mod") && wrapped.Args[1].Num == SymbolicDomain.Modulus, wrapped.ToString());
        // ival of a value is already in [0, 2^32) (every Val is well-formed), and so is a mod 2^32: no second mod
        var payload = d.Unsigned(d.IntOf(Vc("v")));
        Assert.Same(payload.Raw, d.Repr(payload).Raw);
        Assert.Same(wrapped, d.Repr(new Z<Node>(wrapped)).Raw);
        var either = new Z<Node>(T.Ite(T.Const("c", Sort.Bool), d.IntOf(Vc("a")).Raw, d.IntOf(Vc("b")).Raw));
        Assert.Same(either.Raw, d.Repr(either).Raw);
    }

    [Fact]
    public void Vint_and_IntOf()
    {
        var i = d.Repr(Zc("z"));
        var v = d.Vint(i);
        Assert.True(v.Raw.IsApp("Vint") && v.Raw.Args[0] == i.Raw);
        Assert.Same(i.Raw, d.IntOf(v).Raw);   // IntOf of a Vint is its payload, no selector
        var sel = d.IntOf(Vc("v")).Raw;
        Assert.True(sel.IsApp("ival"), sel.ToString());
        Assert.Same(d.IntOf(Vc("v")).Raw, d.Unsigned(d.IntOf(Vc("v"))).Raw);   // unsigned is the identity
    }

    [Fact]
    public void Testers_fold_on_constructors()
    {
        Assert.Same(T.True, d.IsInt(VintOf(3)).Raw);
        Assert.Same(T.False, d.IsPtr(VintOf(3)).Raw);
        Assert.Same(T.True, d.IsUndef(d.Vundef).Raw);
        Assert.Same(T.True, d.IsPtr(d.SymbolPtr(Global.VMX_LOC)).Raw);
        Assert.Equal("((_ is Vint) v)", d.IsInt(Vc("v")).Raw.ToString());
    }

    [Fact]
    public void LoadResult32_keeps_ints_and_pointers_and_undefines_the_rest()
    {
        var vint = VintOf(7);
        Assert.Same(vint.Raw, d.LoadResult32(vint).Raw);
        var ptr = d.SymbolPtr(Global.vmx_exit);
        Assert.Same(ptr.Raw, d.LoadResult32(ptr).Raw);
        Assert.Same(d.Vundef.Raw, d.LoadResult32(d.Vundef).Raw);
        Assert.Same(d.Vundef.Raw, d.LoadResult32(new Val<Node>(T.App(Sort.Val, "Vlong", T.Int(1)))).Raw);
        var lr = d.LoadResult32(Vc("v")).Raw;
        Assert.True(lr.IsApp("lr32"));
        Assert.Same(lr, d.LoadResult32(new Val<Node>(lr)).Raw);   // idempotent
    }

    [Fact]
    public void HasType_on_constructors_and_terms()
    {
        Assert.Same(T.True, d.HasType(d.Vundef, Typ.Tint).Raw);
        Assert.Same(T.True, d.HasType(d.Vundef, Typ.Tfloat).Raw);
        Assert.Same(T.True, d.HasType(VintOf(1), Typ.Tint).Raw);
        Assert.Same(T.False, d.HasType(VintOf(1), Typ.Tlong).Raw);
        Assert.Same(T.True, d.HasType(d.SymbolPtr(Global.VMX_LOC), Typ.Tint).Raw);
        Assert.Same(T.True, d.HasType(d.LoadResult32(Vc("v")), Typ.Tint).Raw);   // a load result is Vundef, Vint or Vptr
        Assert.Equal("(tint v)", d.HasType(Vc("v"), Typ.Tint).Raw.ToString());
        Assert.Equal("(tlong v)", d.HasType(Vc("v"), Typ.Tlong).Raw.ToString());
        Assert.Equal("(tfloat v)", d.HasType(Vc("v"), Typ.Tfloat).Raw.ToString());
        Assert.Throws<NotSupportedException>(() => d.HasType(Vc("v"), Typ.Tsingle));
    }

    [Fact]
    public void Inject_shortcuts_and_records_the_blocks_it_needs()
    {
        Assert.Same(T.True, d.Inject(d.Vundef, Vc("b")).Raw);   // Vundef injects into anything
        var vint = VintOf(9);
        Assert.Same(T.True, d.Inject(vint, vint).Raw);          // the same Vint
        Assert.Empty(ctx.BlockVals);
        var a = Vc("a");
        var inj = d.Inject(a, Vc("b")).Raw;
        Assert.Equal("(vinj a b)", inj.ToString());
        Assert.Contains(a.Raw, ctx.BlockVals);                  // its block gets the injection's properties
        Assert.True(d.Inject(VintOf(1), VintOf(2)).Raw.IsApp("vinj"));
    }

    [Fact]
    public void Slot_and_SetSlot_record_their_points()
    {
        var cpu = ctx.Symbols.High.Cpu;
        var v = d.Slot(Vmx, new(cpu), d.Z(3));
        Assert.Equal($"(select (select vmx_H cpu_H) 3)", v.Raw.ToString());
        Assert.Contains((cpu, T.Int(3)), ctx.SlotPoints);
        Assert.Contains(v.Raw, ctx.Leaves);   // a read of the initial state must be well-formed
        var i = Zc("i");
        var updated = d.SetSlot(Vmx, new(cpu), i, VintOf(5));
        Assert.Contains((cpu, i.Raw), ctx.SlotPoints);
        Assert.Same(VintOf(5).Raw, d.Slot(updated, new(cpu), i).Raw);   // read over write at the same index
        Assert.DoesNotContain(d.Slot(updated, new(cpu), d.Z(4)).Raw, ctx.Leaves);   // not a read of the initial state
    }

    [Fact]
    public void Vmcs_fields_record_their_points()
    {
        var vmcs = ctx.Symbols.Low.Data.Vmcs;
        var cpu = new Z<Node>(ctx.Symbols.Low.Cpu);
        var f = d.VmcsField(vmcs, cpu, d.Z(VmcsFields.GUEST_RIP));
        Assert.Contains((cpu.Raw, T.Int(VmcsFields.GUEST_RIP)), ctx.FieldPoints);
        var set = d.SetVmcsField(vmcs, cpu, d.Z(VmcsFields.EXIT_REASON), VintOf(1));
        Assert.Same(VintOf(1).Raw, d.VmcsField(set, cpu, d.Z(VmcsFields.EXIT_REASON)).Raw);
        Assert.Same(f.Raw, d.VmcsField(set, cpu, d.Z(VmcsFields.GUEST_RIP)).Raw);
        Assert.Same(T.True, d.ValidEncoding(d.Z(VmcsFields.GUEST_RIP)).Raw);
        Assert.Same(T.False, d.ValidEncoding(d.Z(0x9999)).Raw);
        Assert.True(d.ValidEncoding(Zc("e")).Raw.IsApp("valid_enc"));
    }

    [Fact]
    public void Load_is_aligned_in_bounds_and_readable_and_reads_the_load_result()
    {
        var cpu = Zc("c");
        var ofs = SpecHelpers.SlotOffset<Node, SymbolicDomain>(ref d, cpu, d.Z(5));
        var v = d.LoadVmxLoc(LowMem, ofs, out var ok);
        var s = ctx.Symbols.Low;
        Assert.Equal($"(lr32 (select words_L {ofs.Raw}))", v.Raw.ToString());
        // 152·c + 4·5 is a multiple of 4 by its shape: no mod; in [0, 152·TOTAL_CPU) and readable
        var expected = T.And(T.And(T.Le(T.Int(0), ofs.Raw), T.Le(T.Add(ofs.Raw, T.Int(4)), T.Mul(T.Int(VmxSlots.Stride), ctx.TotalCpu))),
            T.Select(s.Readable, ofs.Raw));
        Assert.Same(expected, ok.Raw);
        Assert.Contains((cpu.Raw, T.Int(5)), ctx.SlotPoints);                 // the slot read off the offset's shape
        Assert.Contains((s.Readable, s.Writable, ofs.Raw), ctx.PermissionPoints);   // A9 is instantiated there
    }

    [Fact]
    public void An_offset_without_the_slot_shape_is_named_and_checked_for_alignment()
    {
        var cpu = Zc("c");
        var ofs = d.Add(d.Mul(d.Z(VmxSlots.Size), cpu), d.Z(8));   // a stride of 38 bytes: not 152·c + 4·i
        d.LoadVmxLoc(LowMem, ofs, out var ok);
        var named = Assert.Single(ctx.NamedOffsets);
        Assert.Same(ofs.Raw, named.Ofs);
        Assert.Single(ctx.Definitions);
        Assert.Contains((named.Cpu, named.Slot), ctx.SlotPoints);
        Assert.Contains(T.Eq(named.Rem, T.Int(0)), Conjuncts(ok.Raw));   // aligned: the named remainder is 0
        d.WritableVmxLoc(LowMem, ofs);
        Assert.Single(ctx.NamedOffsets);   // named once
    }

    static IEnumerable<Node> Conjuncts(Node n) => n.IsApp("and") ? n.Args.SelectMany(Conjuncts) : [n];

    [Fact]
    public void Store_needs_writable_and_writes_the_load_result_keeping_permissions()
    {
        var ofs = SpecHelpers.SlotOffset<Node, SymbolicDomain>(ref d, new Z<Node>(ctx.Symbols.Low.Cpu), d.Z(2));
        var v = Vc("v");
        var m = d.StoreVmxLoc(LowMem, ofs, v, out var ok);
        var s = ctx.Symbols.Low;
        Assert.Same(d.WritableVmxLoc(LowMem, ofs).Raw, ok.Raw);
        Assert.Contains(T.Select(s.Writable, ofs.Raw), Conjuncts(ok.Raw));
        Assert.Equal($"(store words_L {ofs.Raw} (lr32 v))", m.Raw.Args[0].ToString());
        Assert.Same(s.Readable, m.Raw.Args[1]);
        Assert.Same(s.Writable, m.Raw.Args[2]);
        Assert.Same(s.NextBlock, d.NextBlock(m).Raw);
        Assert.Same(s.MemName, m.Raw.Args[4]);   // the same memory name: memory_match stays (A5)
        // the stored word reads back as load_result of the value
        Assert.Same(d.LoadResult32(v).Raw, d.LoadVmxLoc(m, ofs, out _).Raw);
    }

    [Fact]
    public void Memory_match_is_a_flag_per_memory_pair_recorded_in_premises_only()
    {
        var (h, l) = (ctx.Symbols.High.Mem, ctx.Symbols.Low.Mem);
        d.Phase(SpecPhase.Hypotheses);
        var mm = d.MemoryMatch(h, l).Raw;
        var pair = Assert.Single(ctx.MemoryPairs);
        Assert.Equal("memory_match_mem_H_mem_L", pair.Flag.Name);
        Assert.Same(T.And(pair.Flag, T.Le(ctx.Symbols.High.NextBlock, ctx.Symbols.Low.NextBlock)), mm);
        d.Phase(SpecPhase.Goals);
        var stored = d.StoreVmxLoc(l, d.Z(0), VintOf(1), out _);
        Assert.Same(mm, d.MemoryMatch(h, stored).Raw);   // a low store into VMX_LOC keeps it
        Assert.Single(ctx.MemoryPairs);
    }

    [Fact]
    public void Quantifiers_are_universals_in_premises_and_skolems_in_goals()
    {
        foreach (var phase in new[] { SpecPhase.Hypotheses, SpecPhase.High })
        {
            d.Phase(phase);
            var q = d.ForallSlot("clause", i => d.IsInt(d.Slot(Vmx, new(ctx.Symbols.High.Cpu), i))).Raw;
            Assert.Equal(Op.Const, q.Op);
            Assert.Equal(Sort.Bool, q.Sort);
            Assert.Same(q, ctx.Universals[^1].Flag);
        }
        Assert.Empty(ctx.Skolems);
        foreach (var phase in new[] { SpecPhase.Low, SpecPhase.Goals })
        {
            d.Phase(phase);
            int before = ctx.Universals.Count;
            var g = d.ForallCpuSlot("clause", (c, i) => d.IsInt(d.Slot(Vmx, c, i))).Raw;
            Assert.Equal(before, ctx.Universals.Count);
            var sk = ctx.Skolems[^1];
            Assert.Same(g, sk.Instance);
            Assert.True(g.IsApp("=>"), g.ToString());
            Assert.Same(ctx.Range(QuantKind.CpuSlot, sk.Cpu, sk.Index), g.Args[0]);
            Assert.StartsWith("sk", sk.Cpu!.Name);
        }
        d.Phase(SpecPhase.Goals);
        d.ForallSlot("slot", i => d.IsInt(d.Slot(Vmx, new(ctx.Symbols.High.Cpu), i)));
        Assert.Null(ctx.Skolems[^1].Cpu);   // ∀ slot of the current CPU: no CPU variable
        d.ForallCpuField("field", ctx.Symbols.High.Data.Vmcs, ctx.Symbols.Low.Data.Vmcs, (c, e) => d.Bool(true));
        Assert.Equal(QuantKind.CpuField, ctx.Skolems[^1].Kind);
        Assert.EndsWith("_enc", ctx.Skolems[^1].Index.Name);
    }

    [Fact]
    public void Guards_are_recorded_by_phase_and_the_spec_goes_on()
    {
        d.Phase(SpecPhase.High);
        Assert.True(d.Require(d.Bool(false), "a guard that fails"));
        d.Phase(SpecPhase.Low);
        Assert.True(d.Require(d.IsInt(Vc("v")), "low guard"));
        Assert.Equal([SpecPhase.High, SpecPhase.Low], ctx.Guards.Select(g => g.Phase));
        Assert.Equal("a guard that fails", ctx.Guards[0].Why);
        Assert.Same(T.False, ctx.Guards[0].Cond);
    }

    [Fact]
    public void Registers_are_a_record_of_values()
    {
        var rs = ctx.Symbols.High.RegSet;
        Assert.Same(ctx.Symbols.High.Reg(Preg.EAX), d.Reg(rs, Preg.EAX).Raw);
        var set = d.SetRegs(rs, [(Preg.EAX, VintOf(1))]);
        Assert.Same(VintOf(1).Raw, d.Reg(set, Preg.EAX).Raw);
        Assert.Same(ctx.Symbols.High.Reg(Preg.EBX), d.Reg(set, Preg.EBX).Raw);
        var undef = d.UndefRegs(set, [Preg.EAX, Preg.ECX]);
        Assert.Same(d.Vundef.Raw, d.Reg(undef, Preg.ECX).Raw);
        Assert.Same(d.Vundef.Raw, d.Reg(undef, Preg.EAX).Raw);
    }
}
