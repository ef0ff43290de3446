using System.Collections.Frozen;
using Iced.Intel;
using VmxLayers.Code.Elf;
using VmxLayers.Isa;

namespace VmxLayers.Code.Executor;

/// <summary>One decoded instruction of an object's .text, with where its relocatable fields lie.</summary>
public sealed record DecodedInstruction(Instruction Instruction, ConstantOffsets Offsets, string Text);

/// <summary>
/// The .text of one object, decoded once by a linear sweep (as objdump does: gcc and gas emit no data in .text) and
/// checked against the supported instruction set: an undecodable or unsupported instruction anywhere in .text is bad
/// input (<see cref="ObjectFileError"/>, naming the place and the instruction).
/// </summary>
public sealed class CodeText
{
    readonly FrozenDictionary<uint, DecodedInstruction> byOffset;

    public CodeText(ObjectImage obj)
    {
        Object = obj;
        var text = obj.Section(SectionKind.Text);
        byte[] bytes = text is null ? [] : [.. text.Bytes];
        var decoder = Decoder.Create(32, new ByteArrayCodeReader(bytes), ip: 0);
        var formatter = new GasFormatter();
        var output = new StringOutput();
        var all = new Dictionary<uint, DecodedInstruction>();
        while (decoder.IP < (ulong)bytes.Length)
        {
            uint at = (uint)decoder.IP;
            decoder.Decode(out var insn);
            if (insn.IsInvalid)
                throw new ObjectFileError(obj.File, $"{obj.Describe(SectionKind.Text, at)}: an undecodable instruction (bytes {Hex(bytes, at)})");
            formatter.Format(insn, output);
            string asText = output.ToStringAndReset();
            if (X86Semantics.Unsupported(insn) is { } why)
                throw new ObjectFileError(obj.File, $"{obj.Describe(SectionKind.Text, at)}: the instruction `{asText}` is outside the supported set ({why})");
            all[at] = new DecodedInstruction(insn, decoder.GetConstantOffsets(insn), asText);
        }
        byOffset = all.ToFrozenDictionary();
    }

    public ObjectImage Object { get; }

    /// <summary>"vmx_readz+0x19": the offset relative to the function (or other label) it lies in.</summary>
    public string Label(uint offset)
    {
        var label = Object.Symbols.Where(s => s.Section == SectionKind.Text && s.Kind != SymbolKind.Section && s.Value <= offset)
            .OrderByDescending(s => s.Value).FirstOrDefault();
        return label is null ? $".text+0x{offset:x}" : $"{label.Name}+0x{offset - label.Value:x}";
    }

    /// <summary>The instruction starting at <paramref name="offset"/>, or null (not an instruction boundary, or past the end).</summary>
    public DecodedInstruction? At(uint offset) => byOffset.GetValueOrDefault(offset);

    static string Hex(byte[] bytes, uint at) => Convert.ToHexString(bytes, (int)at, Math.Min(8, bytes.Length - (int)at)).ToLowerInvariant();
}
