using System.Text;
using static SamMpa.Reports.Markup;

namespace SamMpa.Reports;

/// <summary>A set of bars drawn in one colour, one bar per group (e.g. "mean").</summary>
internal sealed record BarSeries(string Name, string Color);

/// <summary>A labelled group of bars, one value per series; a NaN value draws no bar.</summary>
internal sealed record BarGroup(string Label, IReadOnlyList<double> Values);

/// <summary>A point of a scatter plot.</summary>
internal sealed record ScatterPoint(double X, double Y, string Label);

/// <summary>
/// The report's charts as inline SVG: static shapes and text only (no script, no external reference). Each chart has a
/// &lt;title&gt; and a &lt;desc&gt;, referenced by aria-labelledby, so a screen reader announces what it shows; the
/// figures themselves are in the table the page puts beside it.
/// </summary>
internal static class SvgCharts
{
    private const string AxisColor = "#444";
    private const string GridColor = "#ddd";
    private const int Width = 520;

    /// <summary>Counts of Dice values in equal bins over [0, 1], as vertical bars.</summary>
    public static string DiceHistogram(string id, string title, string description, IReadOnlyList<int> counts, string color)
    {
        const double left = 44, right = 12, top = 12, bottom = 40, height = 220;
        var plotWidth = Width - left - right;
        var plotHeight = height - top - bottom;
        var max = Math.Max(1, counts.Count == 0 ? 1 : counts.Max());
        var svg = Open(id, title, description, Width, height);

        foreach (var tick in CountTicks(max))
        {
            var y = top + plotHeight - (plotHeight * tick / max);
            svg.Append($"<line x1=\"{Coordinate(left)}\" y1=\"{Coordinate(y)}\" x2=\"{Coordinate(left + plotWidth)}\" y2=\"{Coordinate(y)}\" stroke=\"{GridColor}\"/>");
            svg.Append($"<text x=\"{Coordinate(left - 6)}\" y=\"{Coordinate(y + 4)}\" text-anchor=\"end\">{Integer(tick)}</text>");
        }

        var barWidth = plotWidth / Math.Max(1, counts.Count);
        for (var i = 0; i < counts.Count; i++)
        {
            var barHeight = plotHeight * counts[i] / max;
            var x = left + (i * barWidth);
            svg.Append($"<rect x=\"{Coordinate(x + 1)}\" y=\"{Coordinate(top + plotHeight - barHeight)}\" width=\"{Coordinate(barWidth - 2)}\" height=\"{Coordinate(barHeight)}\" fill=\"{color}\"/>");
        }

        for (var i = 0; i <= 5; i++)
        {
            var x = left + (plotWidth * i / 5);
            svg.Append($"<text x=\"{Coordinate(x)}\" y=\"{Coordinate(top + plotHeight + 16)}\" text-anchor=\"middle\">{Number(i / 5.0, 1)}</text>");
        }

        Axes(svg, left, top, plotWidth, plotHeight);
        svg.Append($"<text x=\"{Coordinate(left + (plotWidth / 2))}\" y=\"{Coordinate(height - 4)}\" text-anchor=\"middle\">Dice</text>");
        return Close(svg);
    }

    /// <summary>
    /// Horizontal bars in labelled groups, one bar per series, each value written at its bar's end; the axis runs from
    /// 0 to <paramref name="max"/> (or the largest value when that is larger).
    /// </summary>
    public static string GroupedBars(
        string id, string title, string description, IReadOnlyList<BarSeries> series, IReadOnlyList<BarGroup> groups, double max, int decimals)
    {
        const double left = 200, right = 64, top = 30, bottom = 28, barHeight = 14, groupGap = 10;
        var plotWidth = Width - left - right;
        var groupHeight = (series.Count * barHeight) + groupGap;
        var plotHeight = Math.Max(1, groups.Count) * groupHeight;
        var height = top + plotHeight + bottom;
        var finiteMax = groups.SelectMany(g => g.Values).Where(double.IsFinite).DefaultIfEmpty(0).Max();
        var scale = Math.Max(max, finiteMax);
        if (scale <= 0)
        {
            scale = 1;
        }

        var svg = Open(id, title, description, Width, height);
        Legend(svg, series, left, 14);
        for (var i = 0; i <= 4; i++)
        {
            var x = left + (plotWidth * i / 4);
            svg.Append($"<line x1=\"{Coordinate(x)}\" y1=\"{Coordinate(top)}\" x2=\"{Coordinate(x)}\" y2=\"{Coordinate(top + plotHeight)}\" stroke=\"{GridColor}\"/>");
            svg.Append($"<text x=\"{Coordinate(x)}\" y=\"{Coordinate(top + plotHeight + 16)}\" text-anchor=\"middle\">{Number(scale * i / 4, decimals <= 1 ? decimals : 2)}</text>");
        }

        for (var g = 0; g < groups.Count; g++)
        {
            var groupTop = top + (g * groupHeight) + (groupGap / 2);
            svg.Append($"<text x=\"{Coordinate(left - 6)}\" y=\"{Coordinate(groupTop + (series.Count * barHeight / 2) + 4)}\" text-anchor=\"end\">{Escape(Shorten(groups[g].Label, 30))}</text>");
            for (var s = 0; s < series.Count && s < groups[g].Values.Count; s++)
            {
                var value = groups[g].Values[s];
                if (!double.IsFinite(value))
                {
                    continue;
                }

                var y = groupTop + (s * barHeight);
                var length = plotWidth * Math.Max(0, value) / scale;
                svg.Append($"<rect x=\"{Coordinate(left)}\" y=\"{Coordinate(y + 1)}\" width=\"{Coordinate(length)}\" height=\"{Coordinate(barHeight - 2)}\" fill=\"{series[s].Color}\"/>");
                svg.Append($"<text x=\"{Coordinate(left + length + 4)}\" y=\"{Coordinate(y + barHeight - 3)}\">{Number(value, decimals)}</text>");
            }
        }

        Axes(svg, left, top, plotWidth, plotHeight);
        return Close(svg);
    }

    /// <summary>Points over [x range] x [0, 1] (Dice on the vertical axis).</summary>
    public static string Scatter(string id, string title, string description, IReadOnlyList<ScatterPoint> points, string xLabel, string yLabel, string color)
    {
        const double left = 50, right = 14, top = 12, bottom = 40, height = 260;
        var plotWidth = Width - left - right;
        var plotHeight = height - top - bottom;
        var minX = points.Count == 0 ? 0 : points.Min(p => p.X);
        var maxX = points.Count == 0 ? 1 : points.Max(p => p.X);
        if (maxX <= minX)
        {
            maxX = minX + 1;
        }

        var svg = Open(id, title, description, Width, height);
        for (var i = 0; i <= 4; i++)
        {
            var y = top + plotHeight - (plotHeight * i / 4);
            svg.Append($"<line x1=\"{Coordinate(left)}\" y1=\"{Coordinate(y)}\" x2=\"{Coordinate(left + plotWidth)}\" y2=\"{Coordinate(y)}\" stroke=\"{GridColor}\"/>");
            svg.Append($"<text x=\"{Coordinate(left - 6)}\" y=\"{Coordinate(y + 4)}\" text-anchor=\"end\">{Number(i / 4.0, 2)}</text>");
            var x = left + (plotWidth * i / 4);
            svg.Append($"<text x=\"{Coordinate(x)}\" y=\"{Coordinate(top + plotHeight + 16)}\" text-anchor=\"middle\">{Number(minX + ((maxX - minX) * i / 4), 2)}</text>");
        }

        foreach (var point in points)
        {
            var x = left + (plotWidth * (point.X - minX) / (maxX - minX));
            var y = top + plotHeight - (plotHeight * Math.Clamp(point.Y, 0, 1));
            svg.Append($"<circle cx=\"{Coordinate(x)}\" cy=\"{Coordinate(y)}\" r=\"3\" fill=\"{color}\" fill-opacity=\"0.6\"><title>{Escape(point.Label)}</title></circle>");
        }

        Axes(svg, left, top, plotWidth, plotHeight);
        svg.Append($"<text x=\"{Coordinate(left + (plotWidth / 2))}\" y=\"{Coordinate(height - 4)}\" text-anchor=\"middle\">{Escape(xLabel)}</text>");
        svg.Append($"<text x=\"12\" y=\"{Coordinate(top + (plotHeight / 2))}\" text-anchor=\"middle\" transform=\"rotate(-90 12 {Coordinate(top + (plotHeight / 2))})\">{Escape(yLabel)}</text>");
        return Close(svg);
    }

    private static StringBuilder Open(string id, string title, string description, double width, double height)
    {
        var svg = new StringBuilder(4096);
        svg.Append($"<svg role=\"img\" aria-labelledby=\"{id}-title {id}-desc\" width=\"{Coordinate(width)}\" height=\"{Coordinate(height)}\" viewBox=\"0 0 {Coordinate(width)} {Coordinate(height)}\" font-family=\"sans-serif\" font-size=\"11\">");
        svg.Append($"<title id=\"{id}-title\">{Escape(title)}</title><desc id=\"{id}-desc\">{Escape(description)}</desc>");
        return svg;
    }

    private static string Close(StringBuilder svg) => svg.Append("</svg>").ToString();

    private static void Axes(StringBuilder svg, double left, double top, double plotWidth, double plotHeight)
    {
        svg.Append($"<line x1=\"{Coordinate(left)}\" y1=\"{Coordinate(top)}\" x2=\"{Coordinate(left)}\" y2=\"{Coordinate(top + plotHeight)}\" stroke=\"{AxisColor}\"/>");
        svg.Append($"<line x1=\"{Coordinate(left)}\" y1=\"{Coordinate(top + plotHeight)}\" x2=\"{Coordinate(left + plotWidth)}\" y2=\"{Coordinate(top + plotHeight)}\" stroke=\"{AxisColor}\"/>");
    }

    private static void Legend(StringBuilder svg, IReadOnlyList<BarSeries> series, double left, double y)
    {
        var x = left;
        foreach (var entry in series)
        {
            svg.Append($"<rect x=\"{Coordinate(x)}\" y=\"{Coordinate(y - 9)}\" width=\"10\" height=\"10\" fill=\"{entry.Color}\"/>");
            svg.Append($"<text x=\"{Coordinate(x + 14)}\" y=\"{Coordinate(y)}\">{Escape(entry.Name)}</text>");
            x += 24 + (entry.Name.Length * 6.5);
        }
    }

    /// <summary>At most five whole-number ticks from 0 to <paramref name="max"/>, max included.</summary>
    private static IEnumerable<int> CountTicks(int max)
    {
        var step = Math.Max(1, (int)Math.Ceiling(max / 4.0));
        for (var tick = 0; tick < max; tick += step)
        {
            yield return tick;
        }

        yield return max;
    }

    /// <summary>Long labels cut with an ellipsis so they fit left of the bars; the table beside has them in full.</summary>
    private static string Shorten(string label, int length) => label.Length <= length ? label : label[..(length - 1)] + "\u2026";
}
