using Iced.Intel;

namespace VmxLayers.Code.Elf;

/// <summary>Where an offset of a section lies, for error lines: ".text+0x1c, in vmx_readz+0x19 `mov 0x0(,%eax,4),%eax`".</summary>
static class CodeLocation
{
    /// <summary>A label of the section: a function or object symbol's name and start.</summary>
    public readonly record struct Label(string Name, uint Value);

    /// <param name="code">The section's bytes when it is .text (the instruction is decoded), else empty.</param>
    /// <param name="size">The section's size: a place past its end lies in no function.</param>
    public static string Describe(string section, ReadOnlySpan<byte> code, uint size, IEnumerable<Label> labels, uint offset)
    {
        string place = $"{section}+0x{offset:x}";
        if (offset >= size) return place;
        var label = labels.Where(l => l.Value <= offset).OrderByDescending(l => l.Value).Cast<Label?>().FirstOrDefault();
        if (label is null) return place;
        var start = label.Value.Value;
        if (code.IsEmpty || offset >= code.Length) return $"{place}, in {label.Value.Name}+0x{offset - start:x}";
        return TryDecodeAt(code, start, offset, out var at, out var text)
            ? $"{place}, in {label.Value.Name}+0x{at - start:x} `{text}`"
            : $"{place}, in {label.Value.Name}+0x{offset - start:x}";
    }

    /// <summary>Decodes from <paramref name="start"/> (a function's first byte) to the instruction containing <paramref name="offset"/>.</summary>
    static bool TryDecodeAt(ReadOnlySpan<byte> code, uint start, uint offset, out uint at, out string text)
    {
        var reader = new ByteArrayCodeReader(code.ToArray()) { Position = (int)start };
        var decoder = Decoder.Create(32, reader, ip: start);
        var formatter = new GasFormatter();
        while (decoder.IP <= offset)
        {
            decoder.Decode(out var instr);
            if (instr.IsInvalid) break;
            if (offset < instr.NextIP32)
            {
                var output = new StringOutput();
                formatter.Format(instr, output);
                (at, text) = (instr.IP32, output.ToStringAndReset());
                return true;
            }
        }
        (at, text) = (0, "");
        return false;
    }
}
