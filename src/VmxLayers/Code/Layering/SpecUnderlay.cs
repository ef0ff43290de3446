using VmxLayers.Code.Executor;
using VmxLayers.Constants;
using VmxLayers.Primitives;
using VmxLayers.Semantics;
using VmxLayers.Spec;
using VmxLayers.Spec.Concrete;

namespace VmxLayers.Code.Layering;

/// <summary>
/// The underlay VMCSInit for the executor: each external call runs that primitive's spec (<see cref="VmcsInit"/>, the
/// very code the low specs call) on the abstract data, which it threads from call to call.
/// </summary>
sealed class SpecUnderlay(ConcreteDomain d, AbsData<CTerm> data) : IUnderlay
{
    /// <summary>The abstract data after the calls so far.</summary>
    public AbsData<CTerm> Data { get; private set; } = data;

    public bool Call(UnderlayPrimitive p, ReadOnlySpan<Val> args, out Val result, out string why)
    {
        var dd = d;
        var a = Data;
        result = Val.Vundef;
        bool ok;
        switch (p)
        {
            case UnderlayPrimitive.get_CPU_ID:
                ok = VmcsInit.GetCpuId<CTerm, ConcreteDomain>(ref dd, a, out var cpu);
                if (ok) result = Val.Vint((uint)cpu.Raw.Z);
                break;
            case UnderlayPrimitive.vmcs_readz:
                ok = VmcsInit.VmcsReadz<CTerm, ConcreteDomain>(ref dd, a, Z(args[0]), VmcsFields.Name(args[0].IntValue.Unsigned), out var value);
                if (ok) result = Val.Vint((uint)value.Raw.Z);
                break;
            case UnderlayPrimitive.vmcs_writez:
                ok = VmcsInit.VmcsWritez<CTerm, ConcreteDomain>(ref dd, a, Z(args[0]), Z(args[1]), VmcsFields.Name(args[0].IntValue.Unsigned), out a);
                break;
            case UnderlayPrimitive.hostout:
                ok = VmcsInit.Hostout<CTerm, ConcreteDomain>(ref dd, a, out a);
                break;
            case UnderlayPrimitive.hostin:
                ok = VmcsInit.Hostin<CTerm, ConcreteDomain>(ref dd, a, out a);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(p), p, "not an underlay primitive");
        }
        Data = a;
        why = ok ? "" : d.Context.Why ?? "a guard failed";
        return ok;
    }

    static Z<CTerm> Z(Val v) => new(new CTerm(v.IntValue.Unsigned));
}
