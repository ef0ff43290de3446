using VmxLayers.Code.Executor;
using VmxLayers.Constants;
using VmxLayers.Refinement;
using VmxLayers.Semantics;
using VmxLayers.Spec;
using static VmxLayers.Spec.SpecHelpers;

namespace VmxLayers.Code.Layering;

/// <summary>
/// The relation of code ⊑ VMCSInit (issue 13), written once for every domain: the abstract data equal; the code's
/// memory extends the spec's (nextblock ordered, VMX_LOC word by word, the other blocks by the domain's
/// <see cref="ICodeDomain{T, D}.OtherBlocksExtend"/>: the call's freed stack frame lies beyond); a C result is
/// related by the identity injection (Vundef or equal), and EBX, ESI, EDI, EBP, ESP — one caller's, equal on both
/// sides at the call — are given back unchanged; an asm primitive's registers are related one by one. Layer invariants (an asm primitive's RA names an allocated block; integer registers are typed Tint) in the hypothesis: VMX_LOC lies in the 32-bit address space,
/// its words name allocated blocks only, and nextblock stays below the executor's code blocks.
/// </summary>
public sealed class CodeRelation() : RelationDef("data equal ∧ Mem.extends (code ⊑ VMCSInit)")
{
    public const string Flags = "data equal: flags and CPU id", Vmcs = "data equal: VMCS", Memory = "memory: Mem.extends up to the freed frame";
    public const string Invariants = "layer invariants: VMX_LOC fits the address space, its words name allocated blocks, nextblock below the code blocks";

    /// <summary>What a C primitive must leave as it found (the ABI's callee-saved registers and ESP).</summary>
    public static readonly Preg[] CalleeSaved = [Preg.EBX, Preg.ESI, Preg.EDI, Preg.EBP, Preg.ESP];

    /// <summary>The integer registers (typed Tint in CompCert's register set).</summary>
    public static readonly Preg[] IntegerRegisters = [Preg.EAX, Preg.ECX, Preg.EDX, Preg.EBX, Preg.ESP, Preg.EBP, Preg.ESI, Preg.EDI];

    /// <summary>The code and the spec run over two VMCSInit states (the checkers' cases put one state on both sides).</summary>
    public override bool OneLayerData => true;

    protected override RelationCode<T, D> Create<T, D>() => new Clauses<T, D>();

    sealed class Clauses<T, D> : RelationCode<T, D> where D : struct, ISpecDomain<T>
    {
        static Bool<T> FlagsEqual(ref D d, AbsData<T> h, AbsData<T> l) =>
            All(ref d, d.Iff(h.Ikern, l.Ikern), d.Iff(h.Ihost, l.Ihost), d.Iff(h.Pg, l.Pg), d.Iff(h.Init, l.Init), d.Eq(h.CpuId, l.CpuId));

        static Bool<T> VmcsEqual(ref D d, AbsData<T> h, AbsData<T> l)
        {
            var dd = d;
            return d.ForallCpuField(Vmcs, h.Vmcs, l.Vmcs, (c, e) => All(ref dd,
                dd.ValEq(dd.VmcsRevid(h.Vmcs, c), dd.VmcsRevid(l.Vmcs, c)),
                dd.ValEq(dd.VmcsAbrtid(h.Vmcs, c), dd.VmcsAbrtid(l.Vmcs, c)),
                dd.ValEq(dd.VmcsField(h.Vmcs, c, e), dd.VmcsField(l.Vmcs, c, e))));
        }

        /// <summary>val_inject inject_id: Vundef is refined by anything, any other value only by itself (Mem.extends' values).</summary>
        static Bool<T> InjectId(ref D d, Val<T> high, Val<T> low) => d.Or(d.IsUndef(high), d.ValEq(high, low));

        /// <summary>Mem.extends, but for the blocks the code allocated and freed beyond the spec's nextblock.</summary>
        static Bool<T> Extends(ref D d, Mem<T> high, Mem<T> low)
        {
            var dd = d;
            var words = d.ForallCpuSlot(Memory, (c, i) =>
            {
                var ofs = SlotOffset(ref dd, c, i);
                var vh = dd.LoadVmxLoc(high, ofs, out var okH);
                var vl = dd.LoadVmxLoc(low, ofs, out var okL);
                return dd.And(dd.Implies(okH, dd.And(okL, InjectId(ref dd, vh, vl))),
                    dd.Implies(dd.WritableVmxLoc(high, ofs), dd.WritableVmxLoc(low, ofs)));
            });
            return All(ref d, d.Le(d.NextBlock(high), d.NextBlock(low)), words, CodeDomains.For<T, D>().OtherBlocksExtend(ref d, Memory, high, low));
        }

        /// <summary>
        /// VMX_LOC (152·TOTAL_CPU bytes) fits in the 32-bit address space, its words name allocated blocks (inject_neutral),
        /// and nextblock is below the blocks the executor gives code (docs/decisions.md, "Code layer proved").
        /// </summary>
        static Bool<T> LayerInvariants(ref D d, Mem<T> m)
        {
            var dd = d;
            var next = d.NextBlock(m);
            var neutral = d.ForallCpuSlot(Invariants, (c, i) => dd.InjectsFlat(dd.LoadVmxLoc(m, SlotOffset(ref dd, c, i), out _), next));
            return All(ref d, d.Le(d.Mul(d.Z(VmxSlots.Stride), d.TotalCpu), d.Z(1L << 32)), neutral, d.Lt(next, d.Z(CodeBlocks.UnderlayBase)));
        }

        public override Bool<T> Hypothesis(ref D d, Primitive p, SimInput<T> input)
        {
            var s = input.Pre;
            var hyp = All(ref d, FlagsEqual(ref d, s.High, s.Low), VmcsEqual(ref d, s.High, s.Low), Extends(ref d, s.MemHigh, s.MemLow), LayerInvariants(ref d, s.MemLow));
            if (p.IsAsm)
            {
                foreach (var r in PregInfo.All) hyp = d.And(hyp, InjectId(ref d, d.Reg(input.RegsHigh, r), d.Reg(input.RegsLow, r)));
                // the return address is the caller's code: a global's block, never one the executor gives code
                hyp = d.And(hyp, d.InjectsFlat(d.Reg(input.RegsLow, Preg.RA), d.NextBlock(s.MemLow)));
            }
            else
            {
                for (int k = 0; k < p.Arity; k++) hyp = d.And(hyp, InjectId(ref d, input.ArgsHigh[k], input.ArgsLow[k]));
                // one caller for both: the registers a C primitive must give back are the same on both sides (the goal
                // then says the code returns exactly its own, as CompCert's callee-save convention does)
                foreach (var r in CalleeSaved) hyp = d.And(hyp, d.ValEq(d.Reg(input.RegsHigh, r), d.Reg(input.RegsLow, r)));
            }
            // CompCert's register typing (wt_regset): an integer register holds Vundef, a Vint or a Vptr, so a Mint32 push/pop keeps it
            foreach (var r in IntegerRegisters) hyp = d.And(hyp, d.HasType(d.Reg(input.RegsLow, r), Typ.Tint));
            return hyp;
        }

        public override int ResultClauseCount(Primitive p) => p.IsAsm ? PregInfo.Count : 1 + CalleeSaved.Length;

        public override (string Clause, Preg? Register) ResultPlace(Primitive p, int k) =>
            p.IsAsm ? (VmxRelationCode<T, D>.RegisterClause((Preg)k), (Preg)k)
            : k == 0 ? ("result (EAX)", null) : ($"register {CalleeSaved[k - 1]} preserved", CalleeSaved[k - 1]);

        /// <summary>
        /// The identity injection for a result or an asm register; equality for a C primitive's callee-saved register (the
        /// spec side keeps the caller's value, the same as the code's at the call: the code must give back exactly that).
        /// </summary>
        public override Bool<T> ResultRelated(ref D d, Primitive p, int k, Val<T> high, Val<T> low) =>
            p.IsAsm || k == 0 ? InjectId(ref d, high, low) : d.ValEq(high, low);

        public override void StateGoals(ref D d, Primitive p, SimOutput<T> o, List<Goal<T>> goals)
        {
            goals.Add(new(Flags, FlagsEqual(ref d, o.Post.High, o.Post.Low)));
            goals.Add(new(Vmcs, VmcsEqual(ref d, o.Post.High, o.Post.Low)));
            goals.Add(new(Memory, Extends(ref d, o.Post.MemHigh, o.Post.MemLow)));
        }
    }
}
