using System.Globalization;
using System.Xml;
using System.Xml.Linq;
using SamMpa.Imaging.Images;
using SamMpa.Reports;
using SkiaSharp;

namespace SamMpa.Tests.Reports;

/// <summary>report.html from a model: self-contained, well-formed, and showing the figures it was given.</summary>
public sealed class HtmlReportTests
{
    [Fact]
    public void The_page_is_well_formed_with_no_script_and_nothing_loaded_from_elsewhere()
    {
        var html = HtmlReport.Render(Report(Run("k3-es-mp", Queries(15), overlays: true, auto: true, uncertainty: true)));

        var page = Parse(html);

        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("http://", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("https://", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("@import", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("url(", html, StringComparison.OrdinalIgnoreCase);
        var references = page.Descendants().Attributes().Where(a => a.Name.LocalName is "src" or "href" or "xlink:href").ToArray();
        Assert.NotEmpty(references);
        Assert.All(references, a => Assert.StartsWith("data:image/png;base64,", a.Value, StringComparison.Ordinal));
        Assert.Equal("Evaluation: phantoms", page.Descendants("title").First().Value);
    }

    [Fact]
    public void Every_chart_has_a_title_and_a_description_it_is_labelled_by()
    {
        var page = Parse(HtmlReport.Render(Report(Run("k3-es-mp", Queries(15), overlays: true, auto: true, uncertainty: true))));

        var charts = page.Descendants("svg").ToArray();
        // Histogram, stage bars, two timing charts, auto candidates, uncertainty scatter.
        Assert.Equal(6, charts.Length);
        foreach (var chart in charts)
        {
            var title = chart.Element("title");
            var description = chart.Element("desc");
            Assert.NotNull(title);
            Assert.NotNull(description);
            Assert.Equal($"{title.Attribute("id")!.Value} {description.Attribute("id")!.Value}", chart.Attribute("aria-labelledby")!.Value);
            Assert.False(string.IsNullOrWhiteSpace(description.Value));
        }

        Assert.Equal(charts.Length, charts.Select(c => c.Attribute("aria-labelledby")!.Value).Distinct().Count());
    }

    [Fact]
    public void The_figures_given_appear_as_text_means_medians_and_counts()
    {
        ReportQuery[] queries =
        [
            new("a.png", 0.10, 0.20, 1.5, 0.5),
            new("b.png", 0.20, 0.40, 2.5, 0.5),
            new("c.png", 0.35, 0.90, 3.5, 0.5),
            new("d.png", 0.95, 0.98, 4.5, 0.5),
        ];
        var page = Parse(HtmlReport.Render(Report(Run("k2-es-mp-pa", queries))));

        // Coarse: mean 0.4, median 0.275; final: mean 0.62, median 0.65.
        var stages = Table(page, "Dice per run and stage");
        Assert.Equal(["k2-es-mp-pa · coarse", "4", "0.400", "0.275"], stages[0]);
        Assert.Equal(["k2-es-mp-pa · final", "4", "0.620", "0.650"], stages[1]);

        // The histogram is of the final masks: 0.2 and 0.4 in bins [0.2, 0.3) and [0.4, 0.5), 0.9 and 0.98 in the last.
        var histogram = Table(page, "4 queries, mean");
        Assert.Equal(10, histogram.Count);
        Assert.Equal(["0", "0", "1", "0", "1", "0", "0", "0", "0", "2"], histogram.Select(r => r[1]));

        var seconds = Table(page, "Seconds per query");
        Assert.Equal(["registration", "3.00", "3.00", "4.50", "12.0"], seconds[0]);
        Assert.Equal(["segmentation", "0.50", "0.50", "0.50", "2.0"], seconds[1]);

        var steps = Table(page, "Wall-clock seconds per step");
        Assert.Equal(["segmentation", "12.5"], steps[0]);
    }

    [Fact]
    public void The_worst_dozen_are_the_lowest_dice_first_each_with_its_png_overlay_and_label()
    {
        var queries = Queries(20).Append(new ReportQuery("broken.png", null, null, 0, 0, "elastix exited with code 1")).ToArray();
        var page = Parse(HtmlReport.Render(Report(Run("k3-es-mp", queries, overlays: true))));

        var worst = page.Descendants("ol").Single(o => o.Attribute("class")?.Value == "overlays").Elements("li").ToArray();

        var expected = queries.Where(q => !q.Failed).OrderBy(q => q.Dice).Take(12).ToArray();
        Assert.Equal(expected.Select(q => $"{q.Image}: Dice {Format(q.Dice!.Value)}"), worst.Select(li => li.Descendants("figcaption").Single().Value));
        foreach (var (item, query) in worst.Zip(expected))
        {
            var image = item.Descendants("img").Single();
            Assert.Contains(query.Image, image.Attribute("alt")!.Value, StringComparison.Ordinal);
            var png = Convert.FromBase64String(image.Attribute("src")!.Value["data:image/png;base64,".Length..]);
            Assert.Equal(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }, png[..8]);
            using var bitmap = SKBitmap.Decode(png);
            Assert.NotNull(bitmap);
            Assert.Equal((8, 8), (bitmap.Width, bitmap.Height));
        }
    }

    [Fact]
    public void The_worst_queries_break_ties_by_name_and_leave_out_failed_and_unscored_ones()
    {
        ReportQuery[] queries =
        [
            new("b.png", 0.5, null, 0, 0),
            new("a.png", 0.5, null, 0, 0),
            new("unscored.png", null, null, 0, 0),
            new("failed.png", 0.0, null, 0, 0, "timeout"),
            new("c.png", 0.1, null, 0, 0),
        ];

        Assert.Equal(["c.png", "a.png", "b.png"], WorstQueries.Of(queries).Select(q => q.Image));
        Assert.Equal(["c.png"], WorstQueries.Of(queries, 1).Select(q => q.Image));
    }

    [Fact]
    public void The_per_site_section_appears_only_when_some_image_has_a_site()
    {
        var without = Parse(HtmlReport.Render(Report(Run("k3-es-mp", Queries(6)))));
        var sited = Queries(6).Select((q, i) => q with { Site = i % 2 == 0 ? "site-b" : "site-a" }).ToArray();
        var with = Parse(HtmlReport.Render(Report(Run("k3-es-mp", sited))));

        Assert.DoesNotContain(without.Descendants("section"), s => s.Attribute("id")?.Value == "dice-per-site");
        Assert.Contains(with.Descendants("section"), s => s.Attribute("id")?.Value == "dice-per-site");
        var sites = Table(with, "Dice per site of k3-es-mp");
        Assert.Equal(["site-a", "site-b"], sites.Select(r => r[0]));
        var siteA = sited.Where(q => q.Site == "site-a").Select(q => q.Dice!.Value).ToArray();
        Assert.Equal(["site-a", "3", Format(siteA.Average()), Format(siteA.Order().ElementAt(1))], sites[0]);
    }

    [Fact]
    public void Failures_are_listed_with_their_reasons_and_a_run_without_says_so()
    {
        var queries = Queries(4).Append(new ReportQuery("q<9>.png", null, null, 0, 0, "registration failed: elastix exited with code 1 & wrote nothing")).ToArray();
        var failed = Parse(HtmlReport.Render(Report(Run("k3-es-mp", queries))));
        var clean = HtmlReport.Render(Report(Run("k3-es-mp", Queries(4))));

        var row = Assert.Single(Table(failed, "Failed queries and why"));
        Assert.Equal(["k3-es-mp", "q<9>.png", "registration failed: elastix exited with code 1 & wrote nothing"], row);
        Assert.Contains("No query failed.", clean, StringComparison.Ordinal);
    }

    [Fact]
    public void The_auto_choice_and_every_candidates_dice_are_shown_when_the_trial_ran()
    {
        var page = Parse(HtmlReport.Render(Report(Run("k3-es-auto", Queries(5), auto: true))));
        var plain = HtmlReport.Render(Report(Run("k3-es-mp", Queries(5))));

        var candidates = Table(page, "Candidates in the order tried");
        Assert.Equal(["mp", "0.812", "0", ""], candidates[0]);
        Assert.Equal(["loc+rf (chosen)", "0.871", "0", ""], candidates[1]);
        Assert.Equal(["loc", "0.000", "3", "timeout after 60 s"], candidates[2]);
        Assert.DoesNotContain("id=\"auto\"", plain, StringComparison.Ordinal);
    }

    [Fact]
    public void Uncertainty_is_plotted_against_dice_with_spearman_rho_only_when_measured()
    {
        var page = Parse(HtmlReport.Render(Report(Run("k3-es-mp", Queries(8), uncertainty: true))));
        var plain = HtmlReport.Render(Report(Run("k3-es-mp", Queries(8))));

        // Queries(…) gives uncertainty 1 - Dice: a perfect inverse ranking.
        var figures = Table(page, "Uncertainty against Dice");
        Assert.Contains(figures, r => r.SequenceEqual(["Spearman rho", "-1.000"]));
        Assert.Contains(figures, r => r.SequenceEqual(["queries", "8"]));
        Assert.Equal(8, page.Descendants("circle").Count());
        Assert.DoesNotContain("id=\"uncertainty\"", plain, StringComparison.Ordinal);
    }

    [Fact]
    public void The_same_model_renders_to_the_same_page()
    {
        var first = HtmlReport.Render(Report(Run("k3-es-mp", Queries(15), overlays: true, auto: true, uncertainty: true)));
        var second = HtmlReport.Render(Report(Run("k3-es-mp", Queries(15), overlays: true, auto: true, uncertainty: true)));

        Assert.Equal(first, second);
    }

    [Fact]
    public void Names_with_markup_are_escaped_and_the_page_still_parses()
    {
        var report = Report(Run("k<1>&\"x\"", [new ReportQuery("<img src=x onerror=alert(1)>.png", 0.5, null, 0, 0)])) with { Dataset = "a&b <c>" };

        var html = HtmlReport.Render(report);

        Parse(html);
        Assert.DoesNotContain("<img src=x", html, StringComparison.Ordinal);
        Assert.Contains("a&amp;b &lt;c&gt;", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Spearman_ranks_ties_by_their_mean_rank()
    {
        Assert.Equal(1.0, ReportStatistics.Spearman([1, 2, 3, 4], [10, 20, 30, 40]), 12);
        Assert.Equal(-1.0, ReportStatistics.Spearman([1, 2, 3, 4], [4, 3, 2, 1]), 12);
        // Ranks x: 1, 2.5, 2.5, 4; y: 1, 2, 3, 4 -> Pearson of the ranks = 0.9486832981.
        Assert.Equal(0.9486832981, ReportStatistics.Spearman([1, 2, 2, 3], [1, 2, 3, 4]), 9);
        Assert.True(double.IsNaN(ReportStatistics.Spearman([1, 1, 1], [1, 2, 3])));
        Assert.True(double.IsNaN(ReportStatistics.Spearman([1, 2], [1, 2])));
    }

    private static SegmentationReport Report(params ReportRun[] runs) =>
        new("Evaluation", "phantoms", [new ReportSetting("encoder", "resnet18"), new ReportSetting("working size", "256 x 256")], runs);

    private static ReportRun Run(string name, IReadOnlyList<ReportQuery> queries, bool overlays = false, bool auto = false, bool uncertainty = false)
    {
        var withUncertainty = uncertainty ? queries.Select(q => q with { Uncertainty = 1 - (q.Dice ?? 0) }).ToArray() : queries;
        return new ReportRun(
            name,
            [new ReportSetting("K", "3")],
            withUncertainty,
            [new StageSeconds("segmentation", 12.5), new StageSeconds("download", 0.25)],
            auto ? new ReportAutoChoice("loc+rf", [new("mp", 0.812), new("loc+rf", 0.871), new("loc", 0, 3, "timeout after 60 s")]) : null,
            overlays ? WorstQueries.Of(queries).Select(q => new QueryOverlay(q.Image, OverlayPng())).ToArray() : [],
            "Green: ground truth; yellow: coarse mask.");
    }

    /// <summary>Coarse Dice spread over (0, 1) in a scrambled order, so sorting is needed to find the worst.</summary>
    private static ReportQuery[] Queries(int count) =>
        Enumerable.Range(0, count)
            .Select(i => new ReportQuery($"q{i:D2}.png", ((i * 7) % count + 0.5) / count, null, 1, 0.5))
            .ToArray();

    private static byte[] OverlayPng()
    {
        using var image = new GrayImage(8, 8);
        using var truth = new GrayImage(8, 8);
        using var mask = new GrayImage(8, 8);
        for (var y = 2; y < 6; y++)
        {
            for (var x = 2; x < 6; x++)
            {
                truth[x, y] = 1;
                mask[x + 1, y] = 1;
            }
        }

        return MaskOverlay.EncodeComparisonPng(image, truth, mask, MaskOverlay.CoarseColor);
    }

    private static XDocument Parse(string html)
    {
        using var reader = XmlReader.Create(new StringReader(html), new XmlReaderSettings { DtdProcessing = DtdProcessing.Ignore });
        return XDocument.Load(reader);
    }

    /// <summary>The body rows (cell texts) of the table whose caption starts with <paramref name="caption"/>.</summary>
    private static List<string[]> Table(XDocument page, string caption)
    {
        var table = page.Descendants("table").Single(t => t.Element("caption")?.Value.StartsWith(caption, StringComparison.Ordinal) == true);
        return table.Descendants("tbody").Single().Elements("tr").Select(r => r.Elements("td").Select(c => c.Value).ToArray()).ToList();
    }

    private static string Format(double value) => value.ToString("F3", CultureInfo.InvariantCulture);
}
