using System.Globalization;
using VmxLayers.Constants;
using VmxLayers.Semantics;
using VmxLayers.Spec.Concrete;

namespace VmxLayers.Checking;

/// <summary>Readable values: globals by name (&amp;VMX_LOC+152, &amp;vmx_exit), other pointers as &amp;b5+8.</summary>
public static class ValueText
{
    public static string Of(Val v) => v.Tag switch
    {
        ValTag.Vundef => "undef",
        ValTag.Vint => Int(v.IntValue.Bits),
        ValTag.Vptr => Pointer(v.Block, v.Ofs.Bits),
        ValTag.Vfloat => "float " + v.FloatValue.ToString("R", CultureInfo.InvariantCulture),
        _ => v.ToString(),
    };

    /// <summary>Small numbers in decimal, large ones also in hex.</summary>
    public static string Int(uint n) => n < 0x10000 ? n.ToString(CultureInfo.InvariantCulture) : $"0x{n:X8}";

    public static string Pointer(int block, uint ofs)
    {
        string b = Genv.GlobalOf(block) is { } g ? g.ToString() : $"b{block}";
        string where = ofs == 0 ? "" : $"+{ofs}";
        if (block == Genv.VmxLocBlock && ofs % 4 == 0)
            where += $" (CPU {ofs / VmxSlots.Stride} {VmxSlots.Name(ofs % VmxSlots.Stride / 4)})";
        return $"&{b}{where}";
    }
}
