namespace VmxLayers.Semantics;

/// <summary>CompCert's AST.typ: the types a value can have.</summary>
public enum Typ : byte { Tint, Tfloat, Tlong, Tsingle }

/// <summary>The eight memory chunks of CompCert 2.x.</summary>
public enum Chunk : byte { Mint8signed, Mint8unsigned, Mint16signed, Mint16unsigned, Mint32, Mint64, Mfloat32, Mfloat64 }

/// <summary>size_chunk, align_chunk and type_of_chunk.</summary>
public static class ChunkInfo
{
    public static int Size(this Chunk c) => c switch
    {
        Chunk.Mint8signed or Chunk.Mint8unsigned => 1,
        Chunk.Mint16signed or Chunk.Mint16unsigned => 2,
        Chunk.Mint32 or Chunk.Mfloat32 => 4,
        _ => 8,
    };

    /// <summary>Mint64 aligns to 8 but Mfloat64 only to 4 (CompCert 2.x).</summary>
    public static int Align(this Chunk c) => c switch
    {
        Chunk.Mint8signed or Chunk.Mint8unsigned => 1,
        Chunk.Mint16signed or Chunk.Mint16unsigned => 2,
        Chunk.Mint64 => 8,
        _ => 4,
    };

    public static Typ Type(this Chunk c) => c switch
    {
        Chunk.Mint64 => Typ.Tlong,
        Chunk.Mfloat32 => Typ.Tsingle,
        Chunk.Mfloat64 => Typ.Tfloat,
        _ => Typ.Tint,
    };

    public static Chunk OfType(Typ t) => t switch
    {
        Typ.Tint => Chunk.Mint32,
        Typ.Tfloat => Chunk.Mfloat64,
        Typ.Tlong => Chunk.Mint64,
        _ => Chunk.Mfloat32,
    };

    public static readonly Chunk[] All = Enum.GetValues<Chunk>();
}
