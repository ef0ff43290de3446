using VmxLayers.Refinement;
using VmxLayers.Semantics;
using VmxLayers.Spec;
using VmxLayers.Spec.Concrete;

namespace VmxLayers.Code.Layering;

/// <summary>
/// The relation of code ⊑ VMCSInit (issue 13): the abstract data equal; the code's memory extends the spec's (the
/// identity injection on every block the spec's memory has — the call's freed stack frame lies beyond); a C result
/// injects and EBX, ESI, EDI, EBP, ESP are preserved; an asm primitive's registers inject one by one. Concrete only,
/// like <see cref="CodeSpec"/>.
/// </summary>
public sealed class CodeRelation() : RelationDef("data equal ∧ Mem.extends (code ⊑ VMCSInit)")
{
    public const string Flags = "data equal: flags and CPU id", Vmcs = "data equal: VMCS", Memory = "memory: Mem.extends up to the freed frame";

    /// <summary>What a C primitive must leave as it found (the ABI's callee-saved registers and ESP).</summary>
    public static readonly Preg[] CalleeSaved = [Preg.EBX, Preg.ESI, Preg.EDI, Preg.EBP, Preg.ESP];

    protected override RelationCode<T, D> Create<T, D>()
    {
        if (typeof(T) != typeof(CTerm) || typeof(D) != typeof(ConcreteDomain))
            throw new InvalidOperationException($"the code layer's relation is evaluated only in the concrete domain, not in {typeof(D).Name} (issue 14)");
        return (RelationCode<T, D>)(object)new Code();
    }

    sealed class Code : RelationCode<CTerm, ConcreteDomain>
    {
        static Bool<CTerm> B(bool b) => new(CTerm.Of(b));

        Bool<CTerm> FlagsEqual(ref ConcreteDomain d, AbsData<CTerm> h, AbsData<CTerm> l) =>
            SpecHelpers.All(ref d, d.Iff(h.Ikern, l.Ikern), d.Iff(h.Ihost, l.Ihost), d.Iff(h.Pg, l.Pg), d.Iff(h.Init, l.Init), d.Eq(h.CpuId, l.CpuId));

        Bool<CTerm> VmcsEqual(ref ConcreteDomain d, AbsData<CTerm> h, AbsData<CTerm> l)
        {
            var dd = d;
            return d.ForallCpuField(Vmcs, h.Vmcs, l.Vmcs, (c, e) => SpecHelpers.All(ref dd,
                dd.ValEq(dd.VmcsRevid(h.Vmcs, c), dd.VmcsRevid(l.Vmcs, c)),
                dd.ValEq(dd.VmcsAbrtid(h.Vmcs, c), dd.VmcsAbrtid(l.Vmcs, c)),
                dd.ValEq(dd.VmcsField(h.Vmcs, c, e), dd.VmcsField(l.Vmcs, c, e))));
        }

        /// <summary>Mem.extends, but for the blocks the code allocated and freed beyond the spec's nextblock.</summary>
        static Bool<CTerm> Extends(ref ConcreteDomain d, Mem<CTerm> high, Mem<CTerm> low)
        {
            Mem h = high.Raw.As<Mem>(), l = low.Raw.As<Mem>();
            string? why = h.NextBlock > l.NextBlock ? $"nextblock {h.NextBlock} (spec) > {l.NextBlock} (code)"
                : MemInject.Check(MemInj.Flat(h.NextBlock), h, l) is { } v ? v.ToString() : null;
            if (why is not null) d.Context.Witness[Memory] = why;
            return B(why is null);
        }

        public override Bool<CTerm> Hypothesis(ref ConcreteDomain d, Primitive p, SimInput<CTerm> input)
        {
            var s = input.Pre;
            var hyp = SpecHelpers.All(ref d, FlagsEqual(ref d, s.High, s.Low), VmcsEqual(ref d, s.High, s.Low), Extends(ref d, s.MemHigh, s.MemLow));
            if (p.IsAsm)
                foreach (var r in PregInfo.All) hyp = d.And(hyp, d.Inject(d.Reg(input.RegsHigh, r), d.Reg(input.RegsLow, r)));
            else
                for (int k = 0; k < p.Arity; k++) hyp = d.And(hyp, d.Inject(input.ArgsHigh[k], input.ArgsLow[k]));
            return hyp;
        }

        public override int ResultClauseCount(Primitive p) => p.IsAsm ? PregInfo.Count : 1 + CalleeSaved.Length;

        public override (string Clause, Preg? Register) ResultPlace(Primitive p, int k) =>
            p.IsAsm ? (VmxRelationCode<CTerm, ConcreteDomain>.RegisterClause((Preg)k), (Preg)k)
            : k == 0 ? ("result (EAX)", null) : ($"register {CalleeSaved[k - 1]} preserved", CalleeSaved[k - 1]);

        /// <summary>Injection for a result or an asm register; equality with the registers at the call for a C primitive's callee-saved register.</summary>
        public override Bool<CTerm> ResultRelated(ref ConcreteDomain d, Primitive p, int k, Val<CTerm> high, Val<CTerm> low) =>
            p.IsAsm || k == 0 ? d.Inject(high, low) : d.ValEq(high, low);

        public override void StateGoals(ref ConcreteDomain d, Primitive p, SimOutput<CTerm> o, List<Goal<CTerm>> goals)
        {
            goals.Add(new(Flags, FlagsEqual(ref d, o.Post.High, o.Post.Low)));
            goals.Add(new(Vmcs, VmcsEqual(ref d, o.Post.High, o.Post.Low)));
            goals.Add(new(Memory, Extends(ref d, o.Post.MemHigh, o.Post.MemLow)));
        }
    }
}
