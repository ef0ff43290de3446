using VmxLayers.Spec;

namespace VmxLayers.Primitives;

/// <summary>
/// VMCSInit's own primitives that this layer pair uses (SPEC §3, ObjVMCS/ObjMultiprocessor), written once against
/// <see cref="ISpecDomain{T}"/>. Each reports failure through its bool result.
/// </summary>
public static class VmcsInit
{
    /// <summary>get_CPU_ID: needs ikern ∧ ihost; returns CpuId.</summary>
    public static bool GetCpuId<T, D>(ref D d, AbsData<T> a, out Z<T> cpu) where D : ISpecDomain<T>
    {
        cpu = a.CpuId;
        return d.Require(d.And(a.Ikern, a.Ihost), "get_CPU_ID: needs ikern ∧ ihost");
    }

    static Bool<T> VmcsGuards<T, D>(ref D d, AbsData<T> a) where D : ISpecDomain<T> =>
        d.And(d.And(a.Ikern, a.Pg), a.Ihost);

    /// <summary>vmcs_readz(enc): needs ikern ∧ pg ∧ ihost, a valid encoding and a Vint field; returns its unsigned value.</summary>
    public static bool VmcsReadz<T, D>(ref D d, AbsData<T> a, Z<T> enc, string field, out Z<T> value) where D : ISpecDomain<T>
    {
        value = default;
        if (!d.Require(VmcsGuards<T, D>(ref d, a), GuardText.Of("vmcs_readz", field, ": needs ikern ∧ pg ∧ ihost"))) return false;
        if (!d.Require(d.ValidEncoding(enc), GuardText.Of("vmcs_readz", field, ": invalid VMCS encoding"))) return false;
        var v = d.VmcsField(a.Vmcs, a.CpuId, enc);
        if (!d.Require(d.IsInt(v), GuardText.Of("vmcs_readz", field, ": the field is not a Vint"))) return false;
        value = d.Unsigned(d.IntOf(v));
        return true;
    }

    /// <summary>vmcs_writez(enc, value): same guards; sets the field to Vint(repr value).</summary>
    public static bool VmcsWritez<T, D>(ref D d, AbsData<T> a, Z<T> enc, Z<T> value, string field, out AbsData<T> result) where D : ISpecDomain<T>
    {
        result = a;
        if (!d.Require(VmcsGuards<T, D>(ref d, a), GuardText.Of("vmcs_writez", field, ": needs ikern ∧ pg ∧ ihost"))) return false;
        if (!d.Require(d.ValidEncoding(enc), GuardText.Of("vmcs_writez", field, ": invalid VMCS encoding"))) return false;
        result = a with { Vmcs = d.SetVmcsField(a.Vmcs, a.CpuId, enc, d.Vint(d.Repr(value))) };
        return true;
    }

    /// <summary>hostout: needs ikern ∧ pg ∧ ihost ∧ init; leaves host mode (ihost := false).</summary>
    public static bool Hostout<T, D>(ref D d, AbsData<T> a, out AbsData<T> result) where D : ISpecDomain<T>
    {
        result = a;
        if (!d.Require(SpecHelpers.All(ref d, a.Ikern, a.Pg, a.Ihost, a.Init), "hostout: needs ikern ∧ pg ∧ ihost ∧ init")) return false;
        result = a with { Ihost = d.Bool(false) };
        return true;
    }

    /// <summary>hostin: needs ikern ∧ ¬ihost; the return path from a guest (ihost := true).</summary>
    public static bool Hostin<T, D>(ref D d, AbsData<T> a, out AbsData<T> result) where D : ISpecDomain<T>
    {
        result = a;
        if (!d.Require(d.And(a.Ikern, d.Not(a.Ihost)), "hostin: needs ikern ∧ ¬ihost")) return false;
        result = a with { Ihost = d.Bool(true) };
        return true;
    }
}
