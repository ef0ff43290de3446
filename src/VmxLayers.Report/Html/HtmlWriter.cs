using System.Net;
using System.Text;

namespace VmxLayers.Report.Html;

/// <summary>Builds HTML text: elements with escaped text and attributes (no markup from the documents ever reaches the page unescaped).</summary>
sealed class HtmlWriter
{
    readonly StringBuilder sb = new();

    public static string Escape(string s) => WebUtility.HtmlEncode(s);

    /// <summary>Opens a tag; attributes as ("class", "x") pairs, a null value leaves the attribute out.</summary>
    public HtmlWriter Open(string tag, params (string Name, string? Value)[] attributes)
    {
        sb.Append('<').Append(tag);
        foreach (var (name, value) in attributes)
            if (value is not null) sb.Append(' ').Append(name).Append("=\"").Append(Escape(value)).Append('"');
        sb.Append('>');
        return this;
    }

    public HtmlWriter Close(string tag)
    {
        sb.Append("</").Append(tag).Append('>');
        if (tag is "tr" or "table" or "section" or "details" or "p" or "li" or "ul" or "h1" or "h2" or "h3" or "h4" or "figure" or "pre" or "div" or "thead" or "tbody" or "article") sb.Append('\n');
        return this;
    }

    /// <summary>An element holding escaped text.</summary>
    public HtmlWriter Element(string tag, string text, params (string Name, string? Value)[] attributes) => Open(tag, attributes).Text(text).Close(tag);

    public HtmlWriter Text(string text)
    {
        sb.Append(Escape(text));
        return this;
    }

    /// <summary>Markup the report itself made (inline SVG from the charting library, the style sheet).</summary>
    public HtmlWriter Raw(string markup)
    {
        sb.Append(markup);
        return this;
    }

    /// <summary>A table row of header cells.</summary>
    public HtmlWriter HeaderRow(params string[] cells)
    {
        Open("tr");
        foreach (var c in cells) Element("th", c);
        return Close("tr");
    }

    /// <summary>A two-column row: a header cell and a data cell (key/value tables).</summary>
    public HtmlWriter KeyValue(string key, string value) => Open("tr").Element("th", key).Element("td", value).Close("tr");

    public override string ToString() => sb.ToString();
}
