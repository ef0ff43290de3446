using System.Numerics;
using VmxLayers.Semantics;
using Int64 = VmxLayers.Semantics.Int64;
using Byte = VmxLayers.Semantics.Byte;

namespace VmxLayers.Tests.Semantics;

/// <summary>compcert-semantics.md §1 and §9 group 23 (integer half): Int/Int64/Byte wrap with floor modulo.</summary>
public class IntegersTests
{
    // §9 group 23: Int.unsigned (repr (-1)) = 4294967295 and Int.signed (repr (-1)) = -1.
    [Fact]
    public void G23_ReprMinusOneIsMaxUnsignedAndSignedMinusOne()
    {
        Assert.Equal(4294967295L, Int.Repr(-1).Unsigned);
        Assert.Equal(-1, Int.Repr(-1).Signed);
        Assert.Equal(Int.MOne, Int.Repr(-1));
    }

    // §9 group 23: repr 4294967296 = zero.
    [Fact]
    public void G23_ReprModulusIsZero()
    {
        Assert.Equal(Int.Zero, Int.Repr(4294967296L));
        Assert.Equal(Int.Zero, Int.Repr(new BigInteger(Int.Modulus)));
        Assert.Equal(Int.One, Int.Repr(4294967297L));
    }

    // §9 group 23: signed (repr 0x80000000) = -2147483648.
    [Fact]
    public void G23_SignedOfHalfModulusIsMinSigned()
    {
        Assert.Equal(-2147483648, Int.Repr(0x80000000L).Signed);
        Assert.Equal(Int.MinSigned, Int.Repr(0x80000000L).Signed);
        Assert.Equal(Int.MaxSigned, Int.Repr(0x7FFFFFFFL).Signed);
    }

    // §9 group 23: Int.add (repr max_unsigned) one = zero.
    [Fact]
    public void G23_AddWrapsAtMaxUnsigned() => Assert.Equal(Int.Zero, Int.Repr(Int.MaxUnsigned).Add(Int.One));

    [Theory]
    [InlineData(-4L, 4294967292L)]
    [InlineData(-4294967296L, 0L)]
    [InlineData(-4294967297L, 4294967295L)]
    [InlineData(8589934593L, 1L)]
    public void ReprIsFloorModulo(long z, long expected)
    {
        Assert.Equal(expected, Int.Repr(z).Unsigned);
        Assert.Equal(expected, Int.Repr(new BigInteger(z)).Unsigned);
    }

    [Fact]
    public void ReprOfHugeBigIntegerWraps()
    {
        var z = BigInteger.Pow(2, 100) + 5;
        Assert.Equal(5L, Int.Repr(z).Unsigned);
        Assert.Equal(4294967291L, Int.Repr(-z).Unsigned);
        Assert.Equal(ulong.MaxValue - 4, Int64.Repr(-z).Unsigned);
    }

    [Fact]
    public void ExtensionsKeepOrSignExtendTheLowBits()
    {
        var x = Int.Repr(0xFFF);
        Assert.Equal(0xFFu, x.ZeroExt(8).Bits);
        Assert.Equal(0xFFFFFFFFu, x.SignExt(8).Bits);
        Assert.Equal(0x7Fu, Int.Repr(0x17F).SignExt(8).Bits);
        Assert.Equal(0xFFFF8000u, Int.Repr(0x18000).SignExt(16).Bits);
        Assert.Equal(0x8000u, Int.Repr(0x18000).ZeroExt(16).Bits);
    }

    [Fact]
    public void ArithmeticWraps()
    {
        Assert.Equal(Int.MOne, Int.Zero.Sub(Int.One));
        Assert.Equal(Int.MOne, Int.One.Neg());
        Assert.Equal(Int.Zero, Int.Repr(0x80000000L).Mul(Int.Repr(2)));
        Assert.True(Int.Repr(-1).Lt(Int.Zero));
        Assert.False(Int.Repr(-1).Ltu(Int.Zero));
    }

    [Fact]
    public void Int64WordsAndByteRepr()
    {
        var n = new Int64(0x0102030405060708UL);
        Assert.Equal(0x05060708u, n.Loword.Bits);
        Assert.Equal(0x01020304u, n.Hiword.Bits);
        Assert.Equal(n, Int64.OfWords(n.Hiword, n.Loword));
        Assert.Equal(-1L, Int64.Repr(-1).Signed);
        Assert.Equal(0xFF, Byte.Repr(-1).Unsigned);
        Assert.Equal(-1, Byte.Repr(255).Signed);
        Assert.Equal(0, Byte.Repr(256).Unsigned);
    }
}
