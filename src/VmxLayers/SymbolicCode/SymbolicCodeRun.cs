using Iced.Intel;
using VmxLayers.Code;
using VmxLayers.Code.Executor;
using VmxLayers.Code.Layering;
using VmxLayers.Constants;
using VmxLayers.Isa;
using VmxLayers.Primitives;
using VmxLayers.Semantics;
using VmxLayers.Smt;
using VmxLayers.Spec;

namespace VmxLayers.SymbolicCode;

/// <summary>
/// A code spec in the symbolic domain: the primitive's machine code executed over terms, path by path, with the
/// concrete executor's conventions (docs/decisions.md "Code layer": a C call's fresh stack frame, cdecl arguments and
/// sentinel return address; an asm primitive's Pret/Pcall; external calls run VMCSInit's spec, <see cref="VmcsInit"/>,
/// on the symbolic data). Every guard a path records (its loads and stores, the underlay's guards, and "false" where
/// the code goes wrong) holds under the path's condition; a path the executor does not explore is a limit guard. The
/// paths that return are merged into one result by if-then-else on their conditions.
/// </summary>
sealed class SymbolicCodeSpec(CodeSpec spec) : SpecCode<Node, SymbolicDomain>
{
    /// <summary>Paths explored per call: the primitives have a handful; the rest of a larger tree is a limit.</summary>
    public const int PathBound = 256;

    static readonly Preg[] gprs = [Preg.EAX, Preg.ECX, Preg.EDX, Preg.EBX, Preg.ESP, Preg.EBP, Preg.ESI, Preg.EDI];
    const int Eax = 0, Ecx = 1, Edx = 2, Esp = 4;

    System.Collections.Immutable.ImmutableArray<CodeText> Texts => spec.Executor.Texts;

    public override SpecResult<Node> Run(ref SymbolicDomain d, AbsData<Node> a, Mem<Node> mem, ReadOnlySpan<Val<Node>> args, Regs<Node> regs)
    {
        var ctx = d.Context;
        var t = ctx.T;
        var paths = new Paths(t);
        var returned = new List<(Node Pc, SpecResult<Node> R)>();
        // the guards of every path, each once: a guard several paths record holds under the disjunction of their conditions
        var guards = new List<(Guard G, List<Node> Pcs)>();
        var index = new Dictionary<(int, string, bool), int>();
        Node[] argTerms = [.. args.ToArray().Select(x => x.Raw)];
        for (int n = 1; paths.Next(); n++)
        {
            int mark = ctx.Guards.Count;
            var s = new SymbolicCodeState(d, new SymbolicArith(t, paths)) { Mem = mem, Data = a };
            SpecResult<Node>? result = null;
            try { result = RunPath(s, argTerms, regs); }
            catch (PathEnd e) { ctx.Guards.Add(new Guard(ctx.Phase, t.False, $"code of {spec.Primitive}: {e.Message}{Where(s)}", e.Kind == PathEndKind.Limit)); }
            var pc = t.And(paths.Condition);
            foreach (var g in ctx.Guards.Skip(mark))
            {
                if (g.Cond.IsLit && g.Cond.Num == 1) continue;
                var key = (g.Cond.Id, g.Why, g.Limit);
                if (index.TryGetValue(key, out int at)) guards[at].Pcs.Add(pc);
                else { index[key] = guards.Count; guards.Add((g, [pc])); }
            }
            ctx.Guards.RemoveRange(mark, ctx.Guards.Count - mark);
            if (result is { } r) returned.Add((pc, r));
            if (n < PathBound) continue;
            var rest = paths.Remaining();
            if (!(rest.IsLit && rest.Num == 0)) guards.Add((new Guard(ctx.Phase, t.False, $"code of {spec.Primitive}: more than {PathBound} paths (the others are not explored)", Limit: true), [rest]));
            break;
        }
        foreach (var (g, pcs) in guards) ctx.Guards.Add(g with { Cond = t.Implies(pcs.Aggregate(t.False, t.Or), g.Cond) });
        if (returned.Count == 0) return new SpecResult<Node>(false, a, mem, d.Vundef, regs);   // every path fails: its guards say so
        return Merge(t, returned);
    }

    static string Where(SymbolicCodeState s) => s.Current is null ? "" : $" (at `{s.Current.Text}`)";

    /// <summary>One result from the returning paths: if pc₁ then r₁ else if pc₂ then r₂ … else the last (the failing paths' conditions are refuted by their guards).</summary>
    static SpecResult<Node> Merge(Terms t, List<(Node Pc, SpecResult<Node> R)> paths)
    {
        var r = paths[^1].R;
        for (int k = paths.Count - 2; k >= 0; k--)
        {
            var (c, p) = paths[k];
            Node M(Node x, Node y) => Ite(t, c, x, y);
            var data = new AbsData<Node>(new(M(p.Data.Ikern.Raw, r.Data.Ikern.Raw)), new(M(p.Data.Ihost.Raw, r.Data.Ihost.Raw)), new(M(p.Data.Pg.Raw, r.Data.Pg.Raw)),
                new(M(p.Data.Init.Raw, r.Data.Init.Raw)), new(M(p.Data.CpuId.Raw, r.Data.CpuId.Raw)), new(M(p.Data.Vmcs.Raw, r.Data.Vmcs.Raw)), new(M(p.Data.Vmx.Raw, r.Data.Vmx.Raw)));
            r = new SpecResult<Node>(true, data, new(M(p.Mem.Raw, r.Mem.Raw)), new(M(p.Ret.Raw, r.Ret.Raw)), new(M(p.Regs.Raw, r.Regs.Raw)));
        }
        return r;
    }

    /// <summary>if c then a else b, component by component for the C#-side records (memory, registers, VMCS).</summary>
    static Node Ite(Terms t, Node c, Node a, Node b) =>
        a == b ? a : a.Op == Op.Record ? t.Record(a.Sort, [.. a.Args.Select((x, k) => Ite(t, c, x, b.Args[k]))]) : t.Ite(c, a, b);

    SpecResult<Node> RunPath(SymbolicCodeState s, Node[] args, Regs<Node> regs)
    {
        var d = s.Domain;
        var impl = spec.Executor.Implementation;
        var def = impl[spec.Primitive];
        int k = impl.Objects.IndexOf(def.Object);
        (s.ObjectIndex, s.Object) = (k, def.Object);
        if (impl.Objects.Any(o => o.Sections.Any(x => x.Kind != Code.Elf.SectionKind.Text && x.Size > 0)))
            throw PathEnd.Limit("the objects have data sections (.data, .rodata, .bss are not modelled symbolically)");
        s.Next = s.Lit(CodeBlocks.Code(k, def.Symbol.Value));
        for (int r = 0; r < 8; r++) s.Regs[r] = d.Reg(regs, gprs[r]).Raw;
        s.Flags = new LazyFlags<Node>
        {
            Op = FlagOp.Explicit, Cf = d.Reg(regs, Preg.CF).Raw, Pf = d.Reg(regs, Preg.PF).Raw, Af = s.Arith.Vundef,
            Zf = d.Reg(regs, Preg.ZF).Raw, Sf = d.Reg(regs, Preg.SF).Raw, Of = d.Reg(regs, Preg.OF).Raw,
            Df = s.Arith.Vint(0),   // the ABI's direction flag is clear at a call
        };
        return spec.Primitive.IsAsm ? Asm(s, regs) : C(s, args, regs);
    }

    SpecResult<Node> C(SymbolicCodeState s, Node[] args, Regs<Node> regs)
    {
        var t = s.T;
        var d = s.Domain;
        var stack = d.NextBlock(s.Mem).Raw;   // Mem.alloc's block: the memory's nextblock
        s.StackBlock = stack;
        long esp = CodeExecutor.StackSize - 4 * (args.Length + 1);
        var sentinel = s.Arith.Vptr(stack, t.Int(CodeExecutor.StackSize));
        s.Stack[esp] = sentinel;
        for (int i = 0; i < args.Length; i++) s.Stack[esp + 4 + 4 * i] = d.LoadResult32(new(args[i])).Raw;
        s.Regs[Esp] = s.Arith.Vptr(stack, t.Int(esp));
        new Running(this, s, null).Loop(sentinel);
        var callSite = s.Arith.Vptr(stack, t.Int(esp + 4));
        var m = s.Mem.Raw;
        var after = new Mem<Node>(t.Record(Sort.Mem, m.Args[0], m.Args[1], m.Args[2], t.Add(m.Args[3], t.Int(1)), m.Args[4]));   // alloc then free: nextblock grew by one
        var output = Output(s, regs, [(Preg.ESP, s.Regs[Esp] == callSite ? d.Reg(regs, Preg.ESP).Raw : s.Regs[Esp]), (Preg.PC, d.Reg(regs, Preg.PC).Raw), (Preg.RA, d.Reg(regs, Preg.RA).Raw)]);
        return new SpecResult<Node>(true, s.Data, after, new(s.Regs[Eax]), output);
    }

    SpecResult<Node> Asm(SymbolicCodeState s, Regs<Node> regs)
    {
        var p = spec.Primitive;
        var entry = s.Lit(Val.Vptr(Genv.BlockOf(p.Entry ?? throw new ArgumentException($"{p} has no entry symbol")), 0u));
        var pc = s.Domain.Reg(regs, Preg.PC).Raw;
        if (!s.Arith.Decide(s.T.Eq(pc, entry))) throw PathEnd.Fail($"PC is {pc}, not the entry &{p}");
        var run = new Running(this, s, s.Domain.Reg(regs, Preg.RA).Raw);
        run.Loop(null);
        return new SpecResult<Node>(true, s.Data, s.Mem, s.Domain.Vundef, Output(s, regs, [(Preg.PC, s.Next), (Preg.RA, run.Ra!)]));
    }

    /// <summary>The input registers with the machine's integer registers and flags, then <paramref name="last"/>.</summary>
    static Regs<Node> Output(SymbolicCodeState s, Regs<Node> regs, (Preg, Node)[] last)
    {
        var m = new SymbolicCodeMachine(s);
        var updates = new List<(Preg, Val<Node>)>();
        for (int r = 0; r < 8; r++) updates.Add((gprs[r], new(s.Regs[r])));
        updates.Add((Preg.ZF, new(Flag(s, ref m, FlagLogic.Zf<Node, SymbolicCodeMachine>))));
        updates.Add((Preg.CF, new(Flag(s, ref m, FlagLogic.Cf<Node, SymbolicCodeMachine>))));
        updates.Add((Preg.PF, new(Flag(s, ref m, FlagLogic.Pf<Node, SymbolicCodeMachine>))));
        updates.Add((Preg.SF, new(Flag(s, ref m, FlagLogic.Sf<Node, SymbolicCodeMachine>))));
        updates.Add((Preg.OF, new(Flag(s, ref m, FlagLogic.Of<Node, SymbolicCodeMachine>))));
        updates.AddRange(last.Select(x => (x.Item1, new Val<Node>(x.Item2))));
        return s.Domain.SetRegs(regs, [.. updates]);
    }

    delegate Node FlagOf(ref SymbolicCodeMachine m);

    /// <summary>
    /// An output flag; one the executor cannot compute (e.g. PF of an unknown result: popcnt) is a fresh value, an
    /// over-approximation: a goal proved for every value holds for the real one, and a refutation is replayed concretely.
    /// </summary>
    static Node Flag(SymbolicCodeState s, ref SymbolicCodeMachine m, FlagOf f)
    {
        try { return f(ref m); }
        catch (PathEnd e) when (e.Kind == PathEndKind.Limit) { return s.Domain.Context.Fresh("code_flag", Sort.Val); }
    }

    /// <summary>One path's run: the loop of <see cref="CodeExecutor"/> over terms.</summary>
    sealed class Running(SymbolicCodeSpec owner, SymbolicCodeState s, Node? ra)
    {
        public Node? Ra => ra;
        bool Asm => ra is not null;

        public void Loop(Node? stop)
        {
            var m = new SymbolicCodeMachine(s);
            var texts = owner.Texts;
            for (int steps = 0; ; steps++)
            {
                var pc = s.Next;
                if (stop is not null && pc == stop) return;
                var lit = SymbolicCodeState.LitVal(pc);
                if (lit is { } v && CodeBlocks.IsUnderlay(v, out var up)) { External(ref m, up); continue; }
                if (lit is not { } code || !CodeBlocks.IsCode(code, texts.Length, out int k, out uint ofs))
                {
                    if (lit is null && s.Arith.Decide(MayBeCode(pc)))
                        throw PathEnd.Limit($"a jump to {pc}, which may be code (indirect jumps into code are not explored)");
                    if (Asm) return;   // control left the code: the asm primitive's result is this PC
                    throw PathEnd.Fail($"a jump to {pc}, which is neither code nor the return address");
                }
                if (steps >= CodeExecutor.DefaultStepBound) throw PathEnd.Limit($"the step bound ({CodeExecutor.DefaultStepBound} instructions) was reached without returning");
                var d = texts[k].At(ofs) ?? throw PathEnd.Fail($"a jump to {texts[k].Label(ofs)}, which is not an instruction boundary");
                (s.ObjectIndex, s.Object, s.Current) = (k, texts[k].Object, d);
                s.Next = s.Lit(CodeBlocks.Code(k, d.Instruction.NextIP32));
                if (Asm && Convention(ref m, d.Instruction)) continue;
                try
                {
                    var insn = d.Instruction;
                    if (X86Semantics.Execute<Node, SymbolicCodeMachine>(ref m, in insn) == StepOutcome.Exiting)
                        throw PathEnd.Fail("an exiting instruction (the code layer runs in the host)");
                }
                catch (IsaFault e) { throw PathEnd.Fail(e.Message); }
            }
        }

        /// <summary>A pointer into the executor's code or underlay blocks (all at or above <see cref="CodeBlocks.UnderlayBase"/>).</summary>
        Node MayBeCode(Node v)
        {
            var t = s.T;
            return t.And(t.App(Sort.Bool, "(_ is Vptr)", v), t.Le(t.Int(CodeBlocks.UnderlayBase), t.App(Sort.Int, "blk", v)));
        }

        /// <summary>As the concrete executor: ret is Pret (PC := RA), a direct call is Pcall (RA := next).</summary>
        bool Convention(ref SymbolicCodeMachine m, in Instruction i)
        {
            switch (i.Mnemonic)
            {
                case Mnemonic.Ret when i.OpCount == 0:
                    s.Next = ra!;
                    return true;
                case Mnemonic.Ret:
                    throw PathEnd.Fail("`ret $n` in an asm primitive (its ret is Pret: the stack is not touched)");
                case Mnemonic.Call when i.Op0Kind is OpKind.NearBranch32:
                    ra = s.Next;
                    s.Next = m.BranchTarget(in i);
                    return true;
                case Mnemonic.Call:
                    throw PathEnd.Fail("an indirect call in an asm primitive (only direct calls are Pcall)");
                default:
                    return false;
            }
        }

        /// <summary>An external call: integer arguments from the stack, VMCSInit's spec on the data, result in EAX, ECX, EDX and the flags undefined.</summary>
        void External(ref SymbolicCodeMachine m, UnderlayPrimitive p)
        {
            int arity = UnderlaySymbols.Arity(p);
            var A = s.Arith;
            var first = Asm ? s.Regs[Esp] : m.Add(s.Regs[Esp], A.Vint(4));
            var args = new Node[arity];
            for (int k = 0; k < arity; k++)
            {
                var v = m.Load(m.Add(first, A.Vint((uint)(4 * k))), 4);
                if (A.Shape(ref v) != "Vint") throw PathEnd.Fail($"argument {k + 1} of {p} is {v}, not an integer");
                args[k] = v.Args[0];
            }
            var d = s.Domain;
            var a = s.Data;
            Node result = A.Vundef;
            string Field(Node enc) => enc.IsLit ? VmcsFields.Name(enc.Num) : "a computed field";
            switch (p)
            {
                case UnderlayPrimitive.get_CPU_ID:
                    VmcsInit.GetCpuId<Node, SymbolicDomain>(ref d, a, out var cpu);
                    result = A.Vint(A.Wrap(cpu.Raw));
                    break;
                case UnderlayPrimitive.vmcs_readz:
                    VmcsInit.VmcsReadz<Node, SymbolicDomain>(ref d, a, new(args[0]), Field(args[0]), out var value);
                    result = A.Vint(A.Wrap(value.Raw));
                    break;
                case UnderlayPrimitive.vmcs_writez:
                    VmcsInit.VmcsWritez<Node, SymbolicDomain>(ref d, a, new(args[0]), new(args[1]), Field(args[0]), out a);
                    break;
                case UnderlayPrimitive.hostout:
                    VmcsInit.Hostout<Node, SymbolicDomain>(ref d, a, out a);
                    break;
                case UnderlayPrimitive.hostin:
                    VmcsInit.Hostin<Node, SymbolicDomain>(ref d, a, out a);
                    break;
                default:
                    throw new ArgumentOutOfRangeException(nameof(p), p, "not an underlay primitive");
            }
            s.Data = a;
            s.Regs[Eax] = result;
            s.Regs[Ecx] = s.Regs[Edx] = A.Vundef;
            s.Flags = s.Flags with { Op = FlagOp.Explicit, Cf = A.Vundef, Pf = A.Vundef, Af = A.Vundef, Zf = A.Vundef, Sf = A.Vundef, Of = A.Vundef };
            if (Asm) { s.Next = ra!; return; }
            s.Next = m.Load(s.Regs[Esp], 4);
            s.Regs[Esp] = m.Add(s.Regs[Esp], A.Vint(4));
        }
    }
}
