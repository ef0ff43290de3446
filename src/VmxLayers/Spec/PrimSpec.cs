namespace VmxLayers.Spec;

/// <summary>
/// A primitive's specification on one layer, for every domain: <see cref="Code{T, D}"/> gives the spec's code
/// specialized to a domain (built once per domain, then cached), whose <see cref="SpecCode{T, D}.Run"/> is the spec.
/// A spec is built from named steps (the code class's virtual members), so a variant of it — a mutant — is a
/// subclass that replaces exactly one step.
/// </summary>
public abstract class PrimSpec
{
    static int count;

    protected PrimSpec(Primitive primitive, string layer)
    {
        Primitive = primitive;
        Layer = layer;
        Id = Interlocked.Increment(ref count) - 1;
    }

    public Primitive Primitive { get; }
    /// <summary>The layer whose spec this is, as messages name it ("PVMXIntro", "VMCSInit").</summary>
    public string Layer { get; }
    internal int Id { get; }

    /// <summary>This spec's code for domain D.</summary>
    public SpecCode<T, D> Code<T, D>() where D : struct, ISpecDomain<T> => SpecCodeTable<T, D>.Get(this);

    /// <summary>Builds the spec's code for domain D (called once per domain).</summary>
    protected abstract SpecCode<T, D> Create<T, D>() where D : struct, ISpecDomain<T>;

    internal SpecCode<T, D> CreateCode<T, D>() where D : struct, ISpecDomain<T> => Create<T, D>();

    public override string ToString() => $"{Primitive.Name} ({Layer})";
}

/// <summary>A spec's code for one domain. Stateless: one instance per (spec, domain) serves every thread.</summary>
public abstract class SpecCode<T, D> where D : struct, ISpecDomain<T>
{
    /// <summary>Which entry the spec has (a field, not a type test: lockstep asks on every call).</summary>
    internal SpecEntry Entry { get; init; }

    /// <summary>Runs the spec: C specs read args and return Ret (registers unchanged), asm specs read and return registers.</summary>
    public abstract SpecResult<T> Run(ref D d, AbsData<T> a, Mem<T> mem, ReadOnlySpan<Val<T>> args, Regs<T> regs);
}

/// <summary>The code of a C primitive's spec.</summary>
public abstract class CSpecCode<T, D> : SpecCode<T, D> where D : struct, ISpecDomain<T>
{
    protected CSpecCode() { Entry = SpecEntry.Call; }

    public sealed override SpecResult<T> Run(ref D d, AbsData<T> a, Mem<T> mem, ReadOnlySpan<Val<T>> args, Regs<T> regs)
    {
        var s = Call(ref d, a, mem, args);
        return new SpecResult<T>(s.Ok, s.Data, s.Mem, s.Ret, regs);
    }

    /// <summary>The spec: a failed guard returns Ok = false with the input state.</summary>
    public abstract CStep<T> Call(ref D d, AbsData<T> a, Mem<T> mem, ReadOnlySpan<Val<T>> args);
}

/// <summary>The code of an asm primitive's spec.</summary>
public abstract class AsmSpecCode<T, D> : SpecCode<T, D> where D : struct, ISpecDomain<T>
{
    protected AsmSpecCode() { Entry = SpecEntry.Exec; }

    public sealed override SpecResult<T> Run(ref D d, AbsData<T> a, Mem<T> mem, ReadOnlySpan<Val<T>> args, Regs<T> regs)
    {
        var s = Exec(ref d, a, mem, regs);
        return new SpecResult<T>(s.Ok, s.Data, s.Mem, d.Vundef, s.Regs);
    }

    /// <summary>The spec: a failed guard returns Ok = false with the input state and registers.</summary>
    public abstract AsmStep<T> Exec(ref D d, AbsData<T> a, Mem<T> mem, Regs<T> rs);
}

/// <summary>A spec code's own entry: <see cref="CSpecCode{T, D}.Call"/>, <see cref="AsmSpecCode{T, D}.Exec"/>, or only <see cref="SpecCode{T, D}.Run"/>.</summary>
internal enum SpecEntry : byte { Run, Call, Exec }

/// <summary>The code of every spec for domain D, by spec id (an array read on the hot path; built on first use).</summary>
static class SpecCodeTable<T, D> where D : struct, ISpecDomain<T>
{
    static readonly IdTable<SpecCode<T, D>> codes = new();

    public static SpecCode<T, D> Get(PrimSpec spec) => codes.Get(spec.Id, spec, static s => s.CreateCode<T, D>());
}
