namespace VmxLayers.Guest;

/// <summary>Bytes a guest image places at an address (a flat binary has one; an ELF executable one per PT_LOAD).</summary>
public sealed record GuestSegment(uint Address, byte[] Bytes);

/// <summary>
/// A guest image: IA-32 machine code (a flat binary at <see cref="LoadAddress"/>, or the segments of an ELF executable),
/// entered at <see cref="Entry"/>, with its exact expected console output.
/// </summary>
public sealed record GuestProgram(string Name, byte[] Code, uint LoadAddress, uint Entry, string ExpectedOutput)
{
    /// <summary>Load address (and entry) of the shipped guests: the .bin files are linked at 0x1000.</summary>
    public const uint DefaultLoadAddress = 0x1000;

    readonly IReadOnlyList<GuestSegment>? segments;

    /// <summary>Bytes of guest memory; the stack starts at its top.</summary>
    public int MemorySize { get; init; } = GuestCpu.DefaultMemorySize;

    /// <summary>False when the program came without an .expected file (ExpectedOutput is then empty and means nothing).</summary>
    public bool HasExpectedOutput { get; init; } = true;

    /// <summary>What is loaded where: by default <see cref="Code"/> at <see cref="LoadAddress"/>.</summary>
    public IReadOnlyList<GuestSegment> Segments { get => segments ?? [new GuestSegment(LoadAddress, Code)]; init => segments = value; }

    /// <summary>Throws <see cref="GuestLoadException"/> unless every segment fits in <see cref="MemorySize"/> bytes.</summary>
    public void CheckFits()
    {
        foreach (var s in Segments)
            if ((ulong)s.Address + (ulong)s.Bytes.Length > (ulong)MemorySize)
                throw new GuestLoadException($"guest '{Name}': {s.Bytes.Length} bytes at 0x{s.Address:X} do not fit in {MemorySize} bytes of guest memory (--guest-memory)");
    }
}
