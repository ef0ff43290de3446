using System.Globalization;
using System.Text;

namespace VmxLayers.Io;

/// <summary>Text from the user or the system made safe to echo on one line of a terminal.</summary>
public static class Printable
{
    /// <summary>Control characters (newlines, ESC, DEL, C1) as \n, \t, \u001B …: an echoed key can neither break the line nor drive the terminal.</summary>
    public static string OneLine(string s)
    {
        if (!s.Any(IsControl)) return s;
        var sb = new StringBuilder(s.Length + 8);
        foreach (char c in s)
            sb.Append(c switch
            {
                '\n' => "\\n",
                '\r' => "\\r",
                '\t' => "\\t",
                _ when IsControl(c) => "\\u" + ((int)c).ToString("X4", CultureInfo.InvariantCulture),
                _ => c.ToString(),
            });
        return sb.ToString();
    }

    static bool IsControl(char c) => char.IsControl(c) || c is '\u2028' or '\u2029';
}
