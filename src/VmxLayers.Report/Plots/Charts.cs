using System.Text.RegularExpressions;
using ScottPlot;

namespace VmxLayers.Report.Plots;

/// <summary>
/// The report's plots, drawn by ScottPlot and rendered as SVG for inlining. Each SVG's ids get the plot's own prefix:
/// inline SVGs share the page's id space, and two plots' clip paths must not capture each other.
/// </summary>
static partial class Charts
{
    const int Width = 600, Height = 320;
    const string Font = "DejaVu Sans";

    /// <summary>A bar per label (vertical bars, labels under them, the value above each bar).</summary>
    public static string Bars(string id, string title, string yLabel, IReadOnlyList<(string Label, double Value)> data, string? color = null)
    {
        var plot = New(title);
        var bars = data.Select((d, i) => new Bar
        {
            Position = i, Value = d.Value, Label = Short(d.Value),
            FillColor = color is null ? Colors.SteelBlue : Color.FromHex(color), LineWidth = 0,
        }).ToArray();
        var series = plot.Add.Bars(bars);
        series.ValueLabelStyle.FontName = Font;
        series.ValueLabelStyle.FontSize = 11;
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            [.. data.Select((_, i) => (double)i)], [.. data.Select(d => d.Label)]);
        plot.Axes.Bottom.MajorTickStyle.Length = 0;
        plot.Axes.Bottom.TickLabelStyle.FontSize = 11;
        // Rotated only when the labels would not fit side by side (about 7 px a character at this size).
        if (data.Sum(d => d.Label.Length + 2) * 7 > Width - 90)
        {
            plot.Axes.Bottom.TickLabelStyle.Rotation = -30;
            plot.Axes.Bottom.TickLabelStyle.Alignment = Alignment.MiddleRight;
            plot.Axes.Bottom.MinimumSize = 8 * data.Max(d => d.Label.Length);
        }
        plot.Axes.Margins(bottom: 0, top: 0.15);
        plot.YLabel(yLabel);
        plot.HideGrid();
        return Svg(plot, id);
    }

    /// <summary>A line through (x, y) points, markers on each.</summary>
    public static string Line(string id, string title, string xLabel, string yLabel, IReadOnlyList<double> xs, IReadOnlyList<double> ys)
    {
        var plot = New(title);
        var line = plot.Add.Scatter(xs.ToArray(), ys.ToArray(), Colors.SteelBlue);
        line.LineWidth = 2;
        line.MarkerSize = xs.Count > 60 ? 0 : 5;
        plot.XLabel(xLabel);
        plot.YLabel(yLabel);
        plot.Axes.Margins(bottom: 0);
        return Svg(plot, id);
    }

    static Plot New(string title)
    {
        var plot = new Plot();
        plot.Font.Set(Font);
        plot.Title(title, size: 15);
        return plot;
    }

    /// <summary>1234 → "1,234"; 0.5 → "0.5".</summary>
    static string Short(double v) => v == Math.Floor(v) ? J.N(v) : J.N(v, 2);

    [GeneratedRegex(@"\bid=""([^""]+)""")]
    private static partial Regex Id();

    /// <summary>The SVG element alone (no XML declaration), every id and reference to one renamed to "{prefix}-k" in order of appearance.</summary>
    static string Svg(Plot plot, string prefix)
    {
        string svg = plot.GetSvgXml(Width, Height);
        svg = svg[svg.IndexOf("<svg", StringComparison.Ordinal)..];
        var ids = Id().Matches(svg).Select(m => m.Groups[1].Value).Distinct().ToList();
        for (int k = 0; k < ids.Count; k++)
        {
            string fresh = $"{prefix}-{k}";
            svg = svg.Replace($"id=\"{ids[k]}\"", $"id=\"{fresh}\"").Replace($"url(#{ids[k]})", $"url(#{fresh})").Replace($"href=\"#{ids[k]}\"", $"href=\"#{fresh}\"");
        }
        // scale with the page: the viewBox keeps the drawing, the CSS sets the size
        return svg.Replace($"width=\"{Width}\" height=\"{Height}\"", $"width=\"{Width}\" height=\"{Height}\" viewBox=\"0 0 {Width} {Height}\" role=\"img\"");
    }
}
