using System.Runtime.CompilerServices;

namespace VmxLayers.Semantics;

/// <summary>IA-32 registers of CompCert's Asm.v: PC, the integer and float registers, ST0, the flags, RA.</summary>
public enum Preg : byte
{
    PC,
    EAX, EBX, ECX, EDX, ESI, EDI, EBP, ESP,
    XMM0, XMM1, XMM2, XMM3, XMM4, XMM5, XMM6, XMM7,
    ST0,
    ZF, CF, PF, SF, OF,
    RA,
}

/// <summary>Preg facts from Asm.v.</summary>
public static class PregInfo
{
    public const int Count = (int)Preg.RA + 1;
    public static readonly Preg[] All = Enum.GetValues<Preg>();

    /// <summary>typ_of_preg: float registers and ST0 are Tfloat, everything else Tint.</summary>
    public static Typ Type(this Preg r) => r is >= Preg.XMM0 and <= Preg.ST0 ? Typ.Tfloat : Typ.Tint;

    /// <summary>data_preg: false for PC, the condition bits and RA.</summary>
    public static bool IsData(this Preg r) => r is not (Preg.PC or Preg.RA or (>= Preg.ZF and <= Preg.OF));

    static readonly Dictionary<string, Preg> byName = All.ToDictionary(r => r.ToString(), StringComparer.Ordinal);

    /// <summary>Exact register names only (Enum.TryParse would also accept "3" or "EAX,EBX").</summary>
    public static bool TryParse(string name, out Preg r) => byName.TryGetValue(name, out r);
}

[InlineArray(PregInfo.Count)]
internal struct PregValues { Val first; }

/// <summary>CompCert's regset: a total map from <see cref="Preg"/> to <see cref="Val"/>. A value type: set copies.</summary>
public readonly struct RegSet : IEquatable<RegSet>
{
    readonly PregValues values;

    RegSet(PregValues values) { this.values = values; }

    /// <summary>Pregmap.init v: every register holds v.</summary>
    public static RegSet Init(Val v)
    {
        var vals = new PregValues();
        ((Span<Val>)vals).Fill(v);
        return new RegSet(vals);
    }

    public static readonly RegSet Undef = Init(Val.Vundef);

    public Val this[Preg r] => values[(int)r];

    /// <summary>Every register's value, in <see cref="Preg"/> order, without copying the set.</summary>
    internal static ReadOnlySpan<Val> Values(in RegSet rs) => rs.values;

    /// <summary>rs # r &lt;- v.</summary>
    public RegSet Set(Preg r, Val v)
    {
        var copy = values;
        copy[(int)r] = v;
        return new RegSet(copy);
    }

    /// <summary>undef_regs: the listed registers become Vundef.</summary>
    public RegSet UndefRegs(ReadOnlySpan<Preg> regs)
    {
        var copy = values;
        foreach (var r in regs) copy[(int)r] = Val.Vundef;
        return new RegSet(copy);
    }

    /// <summary>nextinstr: PC advances by one instruction (Val.add PC Vone).</summary>
    public RegSet NextInstr() => Set(Preg.PC, ValOps.Add(this[Preg.PC], Val.Vone));

    /// <summary>nextinstr_nf: the condition bits become Vundef, then nextinstr.</summary>
    public RegSet NextInstrNf() => UndefRegs([Preg.ZF, Preg.CF, Preg.PF, Preg.SF, Preg.OF]).NextInstr();

    public bool Equals(RegSet o)
    {
        for (int i = 0; i < PregInfo.Count; i++) if (values[i] != o.values[i]) return false;
        return true;
    }
    public override bool Equals(object? obj) => obj is RegSet r && Equals(r);
    public override int GetHashCode() => values[0].GetHashCode();

    public override string ToString()
    {
        var self = this;
        return string.Join(", ", PregInfo.All.Where(r => !self[r].IsUndef).Select(r => $"{r}={self[r]}"));
    }
}
