namespace VmxLayers.Guest;

/// <summary>A guest image: flat IA-32 machine code loaded at <see cref="LoadAddress"/>, entered at <see cref="Entry"/>, with its exact expected console output.</summary>
public sealed record GuestProgram(string Name, byte[] Code, uint LoadAddress, uint Entry, string ExpectedOutput)
{
    /// <summary>Load address (and entry) of the shipped guests: the .bin files are linked at 0x1000.</summary>
    public const uint DefaultLoadAddress = 0x1000;

    /// <summary>Bytes of guest memory; the stack starts at its top.</summary>
    public int MemorySize { get; init; } = GuestCpu.DefaultMemorySize;

    /// <summary>False when the program came without an .expected file (ExpectedOutput is then empty and means nothing).</summary>
    public bool HasExpectedOutput { get; init; } = true;
}
