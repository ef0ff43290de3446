using VmxLayers.Refinement;
using VmxLayers.Spec;

namespace VmxLayers.Mutants;

// Wrong variants of the relation. Each replaces exactly one named clause of VmxRelationCode.

sealed class RelateIgnoresVmcs : VmxRelation
{
    protected override RelationCode<T, D> Create<T, D>() => new Variant<T, D>();
    sealed class Variant<T, D> : VmxRelationCode<T, D> where D : struct, ISpecDomain<T>
    {
        public override Bool<T> RelateVmcs(ref D d, AbsData<T> h, AbsData<T> l) => d.Bool(true);
    }
}

sealed class MatchIgnoresWritable : VmxRelation
{
    protected override RelationCode<T, D> Create<T, D>() => new Variant<T, D>();
    sealed class Variant<T, D> : VmxRelationCode<T, D> where D : struct, ISpecDomain<T>
    {
        public override Bool<T> SlotWritable(ref D d, Mem<T> memLow, Z<T> ofs) => d.Bool(true);
    }
}

sealed class MatchOmitsLoadResult : VmxRelation
{
    protected override RelationCode<T, D> Create<T, D>() => new Variant<T, D>();
    sealed class Variant<T, D> : VmxRelationCode<T, D> where D : struct, ISpecDomain<T>
    {
        public override Bool<T> SlotInjects(ref D d, Val<T> high, Val<T> low) => d.Inject(high, low);
    }
}

sealed class MatchAllSkipsLastCpu : VmxRelation
{
    protected override RelationCode<T, D> Create<T, D>() => new Variant<T, D>();
    sealed class Variant<T, D> : VmxRelationCode<T, D> where D : struct, ISpecDomain<T>
    {
        public override Bool<T> MatchAll(ref D d, AbsData<T> h, Mem<T> memLow)
        {
            var dd = d;
            return d.ForallCpuSlot(VmxRelation.MatchAll, (c, i) =>
                dd.Implies(dd.Lt(dd.Add(c, dd.Z(1)), dd.TotalCpu), MatchSlot(ref dd, h, memLow, c, i)));
        }
    }
}

sealed class MatchAllOnlyCurrentCpu : VmxRelation
{
    protected override RelationCode<T, D> Create<T, D>() => new Variant<T, D>();
    sealed class Variant<T, D> : VmxRelationCode<T, D> where D : struct, ISpecDomain<T>
    {
        public override Bool<T> MatchAll(ref D d, AbsData<T> h, Mem<T> memLow) => Match(ref d, h, memLow);
    }
}
