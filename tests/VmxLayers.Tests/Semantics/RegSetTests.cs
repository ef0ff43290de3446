using VmxLayers.Semantics;

namespace VmxLayers.Tests.Semantics;

/// <summary>compcert-semantics.md §7 and §9 group 25 (registers).</summary>
public class RegSetTests
{
    static readonly RegSet Rs = RegSet.Init(Val.Vundef);

    // §9 group 25: rs#EAX <- Vint 1.
    [Fact]
    public void G25_SetThenGet()
    {
        var r = Rs.Set(Preg.EAX, Val.Vint(1));
        Assert.Equal(Val.Vint(1), r[Preg.EAX]);
        Assert.Equal(Val.Vundef, r[Preg.EBX]);
        Assert.Equal(Val.Vundef, Rs[Preg.EAX]); // value semantics: the original is unchanged
    }

    // §9 group 25: the rightmost assignment wins.
    [Fact]
    public void G25_RightmostAssignmentWins() =>
        Assert.Equal(Val.Vint(2), Rs.Set(Preg.EAX, Val.Vint(1)).Set(Preg.EAX, Val.Vint(2))[Preg.EAX]);

    // §9 group 25: nextinstr.
    [Fact]
    public void G25_NextInstr()
    {
        Assert.Equal(Val.Vptr(5, 4u), Rs.Set(Preg.PC, Val.Vptr(5, 3u)).NextInstr()[Preg.PC]);
        Assert.Equal(Val.Vundef, Rs.NextInstr()[Preg.PC]);
    }

    [Fact]
    public void InitGivesEveryRegisterTheDefault()
    {
        var r = RegSet.Init(Val.Vint(9));
        foreach (var p in PregInfo.All) Assert.Equal(Val.Vint(9), r[p]);
        Assert.Equal(24, PregInfo.Count);
    }

    [Fact]
    public void NextInstrNfUndefinesTheFlagsOnly()
    {
        var r = RegSet.Init(Val.Vint(1)).Set(Preg.PC, Val.Vptr(2, 0u)).NextInstrNf();
        foreach (var f in new[] { Preg.ZF, Preg.CF, Preg.PF, Preg.SF, Preg.OF }) Assert.Equal(Val.Vundef, r[f]);
        Assert.Equal(Val.Vint(1), r[Preg.EAX]);
        Assert.Equal(Val.Vint(1), r[Preg.RA]);
        Assert.Equal(Val.Vptr(2, 1u), r[Preg.PC]);
    }

    [Fact]
    public void UndefRegsAndEquality()
    {
        var a = RegSet.Init(Val.Vint(1)).UndefRegs([Preg.EAX, Preg.ECX]);
        Assert.Equal(Val.Vundef, a[Preg.EAX]);
        Assert.Equal(Val.Vundef, a[Preg.ECX]);
        Assert.Equal(Val.Vint(1), a[Preg.EDX]);
        Assert.Equal(a, RegSet.Init(Val.Vint(1)).Set(Preg.ECX, Val.Vundef).Set(Preg.EAX, Val.Vundef));
        Assert.NotEqual(a, RegSet.Init(Val.Vint(1)));
    }

    [Fact]
    public void PregFacts()
    {
        Assert.Equal(Typ.Tfloat, Preg.XMM3.Type());
        Assert.Equal(Typ.Tfloat, Preg.ST0.Type());
        Assert.Equal(Typ.Tint, Preg.ESP.Type());
        Assert.Equal(Typ.Tint, Preg.ZF.Type());
        Assert.False(Preg.PC.IsData());
        Assert.False(Preg.RA.IsData());
        Assert.False(Preg.OF.IsData());
        Assert.True(Preg.EAX.IsData());
        Assert.True(Preg.ST0.IsData());
    }

    [Fact]
    public void TryParseAcceptsExactNamesOnly()
    {
        Assert.True(PregInfo.TryParse("EDI", out var r));
        Assert.Equal(Preg.EDI, r);
        Assert.False(PregInfo.TryParse("edi", out _));
        Assert.False(PregInfo.TryParse("NOPE", out _));
        Assert.False(PregInfo.TryParse("3", out _));
        Assert.False(PregInfo.TryParse("EAX,EBX", out _));
    }
}
