using System.Text;
using static SamMpa.Reports.Markup;

namespace SamMpa.Reports;

/// <summary>
/// A run's report as one self-contained HTML page: charts as inline SVG, overlays as PNG data URIs, no script and no
/// reference to anything outside the page, so it opens offline and can be mailed as one file. Every chart has its
/// figures as text beside it. The same model always renders to the same string (no clock, invariant culture, stable
/// orders). The markup is well-formed XML (every element closed, attributes quoted) so tools can read it too.
/// </summary>
public static class HtmlReport
{
    private const string CoarseColor = "#b58900";
    private const string FinalColor = "#0077a3";
    private const string MeanColor = "#2f6fb0";
    private const string MedianColor = "#9cc3ea";
    private const string SecondsColor = "#6c5fa8";
    private const string ScatterColor = "#c0392b";
    private const int HistogramBins = 10;

    private const string Style = """
        body { font-family: sans-serif; margin: 1.5em auto; max-width: 1100px; color: #222; line-height: 1.4; }
        h1 { margin-bottom: 0.2em; }
        h2 { border-bottom: 1px solid #ccc; padding-bottom: 0.2em; margin-top: 1.8em; }
        dl.settings { display: grid; grid-template-columns: max-content auto; gap: 0.1em 1em; }
        dl.settings dt { font-weight: bold; }
        dl.settings dd { margin: 0; word-break: break-all; }
        .chart { display: flex; flex-wrap: wrap; gap: 1.5em; align-items: flex-start; margin: 1em 0; }
        table { border-collapse: collapse; font-size: 0.9em; }
        th, td { border: 1px solid #ccc; padding: 0.15em 0.5em; text-align: right; }
        th:first-child, td:first-child { text-align: left; }
        caption { font-weight: bold; text-align: left; padding-bottom: 0.3em; }
        ol.overlays { list-style: none; padding: 0; display: grid; grid-template-columns: repeat(auto-fill, minmax(250px, 1fr)); gap: 1em; }
        ol.overlays img { max-width: 100%; height: auto; image-rendering: pixelated; border: 1px solid #999; }
        figure { margin: 0; }
        .note { color: #555; }
        """;

    public static string Render(SegmentationReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var html = new StringBuilder(64 * 1024);
        html.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"/>")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>")
            .Append($"<title>{Escape(report.Title)}: {Escape(report.Dataset)}</title>")
            .Append("<style>").Append(Style).Append("</style></head>\n<body>");
        Header(html, report);
        Summary(html, report);
        DiceDistribution(html, report);
        DicePerStage(html, report);
        DicePerSite(html, report);
        Seconds(html, report);
        AutoTrial(html, report);
        Uncertainty(html, report);
        WorstOverlays(html, report);
        Failures(html, report);
        html.Append("\n</body></html>\n");
        return html.ToString();
    }

    private static void Header(StringBuilder html, SegmentationReport report)
    {
        html.Append($"<header><h1>{Escape(report.Title)}</h1><p>Dataset: <strong>{Escape(report.Dataset)}</strong></p>");
        Settings(html, report.Settings);
        html.Append("</header>\n");
    }

    private static void Summary(StringBuilder html, SegmentationReport report)
    {
        html.Append("<section id=\"runs\"><h2>Runs</h2>");
        html.Append("<table><caption>Dice per run (over the queries that did not fail)</caption><thead><tr><th>run</th><th>queries</th><th>failed</th>")
            .Append("<th>coarse mean</th><th>coarse median</th><th>final mean</th><th>final median</th></tr></thead><tbody>");
        foreach (var run in report.Runs)
        {
            var coarse = Scores(run, q => q.CoarseDice);
            var final = Scores(run, q => q.FinalDice);
            html.Append($"<tr><td>{Escape(run.Name)}</td><td>{Integer(run.Queries.Count)}</td><td>{Integer(run.Queries.Count(q => q.Failed))}</td>")
                .Append($"<td>{Number(ReportStatistics.Mean(coarse))}</td><td>{Number(ReportStatistics.Median(coarse))}</td>")
                .Append($"<td>{Number(ReportStatistics.Mean(final))}</td><td>{Number(ReportStatistics.Median(final))}</td></tr>");
        }

        html.Append("</tbody></table>");
        foreach (var run in report.Runs.Where(r => r.Settings.Count > 0))
        {
            html.Append($"<h3>{Escape(run.Name)}</h3>");
            Settings(html, run.Settings);
        }

        html.Append("</section>\n");
    }

    private static void DiceDistribution(StringBuilder html, SegmentationReport report)
    {
        html.Append("<section id=\"dice-distribution\"><h2>Dice distribution</h2>");
        for (var r = 0; r < report.Runs.Count; r++)
        {
            var run = report.Runs[r];
            var final = HasFinal(run);
            var dice = Scores(run, q => q.Dice);
            var which = final ? "final (SAM) masks" : "coarse masks";
            if (dice.Count == 0)
            {
                html.Append($"<p>{Escape(run.Name)}: no query was scored (no truth, or every query failed).</p>");
                continue;
            }

            var counts = ReportStatistics.Histogram(dice, HistogramBins);
            var title = $"Dice distribution of {run.Name}";
            var description = $"Histogram of the Dice of the {which} of {dice.Count} queries in {HistogramBins} bins from 0 to 1; mean {Number(ReportStatistics.Mean(dice))}, median {Number(ReportStatistics.Median(dice))}.";
            html.Append($"<h3>{Escape(run.Name)}: {which}</h3><div class=\"chart\">")
                .Append(SvgCharts.DiceHistogram($"hist-{r}", title, description, counts, final ? FinalColor : CoarseColor));
            html.Append($"<table><caption>{Integer(dice.Count)} queries, mean {Number(ReportStatistics.Mean(dice))}, median {Number(ReportStatistics.Median(dice))}</caption>")
                .Append("<thead><tr><th>Dice</th><th>queries</th></tr></thead><tbody>");
            for (var b = 0; b < counts.Length; b++)
            {
                var upper = b == counts.Length - 1 ? "]" : ")";
                html.Append($"<tr><td>[{Number(b / (double)HistogramBins, 1)}, {Number((b + 1) / (double)HistogramBins, 1)}{upper}</td><td>{Integer(counts[b])}</td></tr>");
            }

            html.Append("</tbody></table></div>");
        }

        html.Append("</section>\n");
    }

    private static void DicePerStage(StringBuilder html, SegmentationReport report)
    {
        var groups = new List<(string Label, IReadOnlyList<double> Dice)>();
        foreach (var run in report.Runs)
        {
            var coarse = Scores(run, q => q.CoarseDice);
            var final = Scores(run, q => q.FinalDice);
            if (coarse.Count > 0)
            {
                groups.Add(($"{run.Name} · coarse", coarse));
            }

            if (final.Count > 0)
            {
                groups.Add(($"{run.Name} · final", final));
            }
        }

        html.Append("<section id=\"dice-per-stage\"><h2>Dice per stage</h2>");
        if (groups.Count == 0)
        {
            html.Append("<p>No query was scored.</p></section>\n");
            return;
        }

        html.Append("<div class=\"chart\">").Append(MeanMedianChart(
            "stage",
            "Dice per run and stage",
            "Mean and median Dice of the coarse (propagated) masks and, where SAM ran, the final masks, per run.",
            groups));
        MeanMedianTable(html, "Dice per run and stage", "run · stage", groups);
        html.Append("</div></section>\n");
    }

    /// <summary>Only when some query has a site: with no sites the report says nothing about them.</summary>
    private static void DicePerSite(StringBuilder html, SegmentationReport report)
    {
        if (!report.Runs.Any(r => r.Queries.Any(q => q.Site is not null)))
        {
            return;
        }

        html.Append("<section id=\"dice-per-site\"><h2>Dice per site</h2>");
        for (var r = 0; r < report.Runs.Count; r++)
        {
            var run = report.Runs[r];
            var groups = run.Queries
                .Where(q => !q.Failed && q.Dice is { } d && double.IsFinite(d))
                .GroupBy(q => q.Site ?? "(no site)", StringComparer.Ordinal)
                .OrderBy(g => g.Key, StringComparer.Ordinal)
                .Select(g => (g.Key, (IReadOnlyList<double>)g.Select(q => q.Dice!.Value).ToArray()))
                .ToList();
            if (groups.Count == 0)
            {
                continue;
            }

            html.Append($"<h3>{Escape(run.Name)}</h3><div class=\"chart\">").Append(MeanMedianChart(
                $"site-{r}",
                $"Dice per site of {run.Name}",
                $"Mean and median Dice of the {(HasFinal(run) ? "final" : "coarse")} masks per site of {run.Name}.",
                groups));
            MeanMedianTable(html, $"Dice per site of {run.Name}", "site", groups);
            html.Append("</div>");
        }

        html.Append("</section>\n");
    }

    private static void Seconds(StringBuilder html, SegmentationReport report)
    {
        html.Append("<section id=\"seconds\"><h2>Seconds per stage</h2>");
        for (var r = 0; r < report.Runs.Count; r++)
        {
            var run = report.Runs[r];
            html.Append($"<h3>{Escape(run.Name)}</h3>");
            if (run.StageSeconds.Count > 0)
            {
                var steps = run.StageSeconds.Select(s => new BarGroup(s.Stage, [s.Seconds])).ToArray();
                html.Append("<div class=\"chart\">").Append(SvgCharts.GroupedBars(
                    $"steps-{r}",
                    $"Wall-clock seconds per step of {run.Name}",
                    $"Seconds each step of {run.Name} took: {string.Join("; ", run.StageSeconds.Select(s => $"{s.Stage} {Number(s.Seconds, 1)}"))}.",
                    [new BarSeries("seconds", SecondsColor)],
                    steps,
                    0,
                    1));
                html.Append($"<table><caption>Wall-clock seconds per step</caption><thead><tr><th>step</th><th>seconds</th></tr></thead><tbody>");
                foreach (var step in run.StageSeconds)
                {
                    html.Append($"<tr><td>{Escape(step.Stage)}</td><td>{Number(step.Seconds, 1)}</td></tr>");
                }

                html.Append("</tbody></table></div>");
            }

            var done = run.Queries.Where(q => !q.Failed).ToArray();
            if (done.Length == 0)
            {
                continue;
            }

            var perQuery = new (string Label, IReadOnlyList<double> Seconds)[]
            {
                ("registration", done.Select(q => q.RegistrationSeconds).ToArray()),
                ("segmentation", done.Select(q => q.SegmentationSeconds).ToArray()),
            };
            html.Append("<div class=\"chart\">").Append(SvgCharts.GroupedBars(
                $"query-seconds-{r}",
                $"Seconds per query of {run.Name}",
                $"Mean and median seconds per query of {run.Name} in registration (summed over its atlases) and in segmentation, over {done.Length} queries.",
                [new BarSeries("mean", MeanColor), new BarSeries("median", MedianColor)],
                perQuery.Select(p => new BarGroup(p.Label, [ReportStatistics.Mean(p.Seconds), ReportStatistics.Median(p.Seconds)])).ToArray(),
                0,
                2));
            html.Append($"<table><caption>Seconds per query ({Integer(done.Length)} queries)</caption><thead><tr><th>stage</th><th>mean</th><th>median</th><th>max</th><th>sum</th></tr></thead><tbody>");
            foreach (var (label, seconds) in perQuery)
            {
                html.Append($"<tr><td>{label}</td><td>{Number(ReportStatistics.Mean(seconds), 2)}</td><td>{Number(ReportStatistics.Median(seconds), 2)}</td><td>{Number(seconds.Max(), 2)}</td><td>{Number(seconds.Sum(), 1)}</td></tr>");
            }

            html.Append("</tbody></table></div>");
        }

        html.Append("</section>\n");
    }

    private static void AutoTrial(StringBuilder html, SegmentationReport report)
    {
        if (!report.Runs.Any(r => r.Auto is not null))
        {
            return;
        }

        html.Append("<section id=\"auto\"><h2>Auto trial</h2><p class=\"note\">Each candidate pipeline segmented every support from the other supports (leave one out); the chosen one is marked.</p>");
        for (var r = 0; r < report.Runs.Count; r++)
        {
            var run = report.Runs[r];
            if (run.Auto is not { } auto)
            {
                continue;
            }

            html.Append($"<h3>{Escape(run.Name)}</h3><p>Chose <strong>{Escape(auto.Chosen)}</strong>.");
            if (auto.Note is not null)
            {
                html.Append($" {Escape(auto.Note)}");
            }

            html.Append("</p>");
            if (auto.Candidates.Count == 0)
            {
                continue;
            }

            var groups = auto.Candidates
                .Select(c => new BarGroup(c.Pipeline == auto.Chosen ? $"{c.Pipeline} (chosen)" : c.Pipeline, [c.LeaveOneOutDice]))
                .ToArray();
            html.Append("<div class=\"chart\">").Append(SvgCharts.GroupedBars(
                $"auto-{r}",
                $"Auto trial of {run.Name}",
                $"Leave-one-out Dice per candidate pipeline: {string.Join("; ", auto.Candidates.Select(c => $"{c.Pipeline} {Number(c.LeaveOneOutDice)}"))}; chosen {auto.Chosen}.",
                [new BarSeries("leave-one-out Dice", MeanColor)],
                groups,
                1,
                3));
            html.Append("<table><caption>Candidates in the order tried</caption><thead><tr><th>pipeline</th><th>leave-one-out Dice</th><th>failed trials</th><th>first failure</th></tr></thead><tbody>");
            foreach (var candidate in auto.Candidates)
            {
                var name = candidate.Pipeline == auto.Chosen ? $"<strong>{Escape(candidate.Pipeline)}</strong> (chosen)" : Escape(candidate.Pipeline);
                html.Append($"<tr><td>{name}</td><td>{Number(candidate.LeaveOneOutDice)}</td><td>{Integer(candidate.Failed)}</td><td>{Escape(candidate.FirstFailure ?? string.Empty)}</td></tr>");
            }

            html.Append("</tbody></table></div>");
        }

        html.Append("</section>\n");
    }

    /// <summary>Only when some query has an uncertainty and a Dice: how well the uncertainty ranks the bad masks.</summary>
    private static void Uncertainty(StringBuilder html, SegmentationReport report)
    {
        var runs = report.Runs
            .Select((run, index) => (run, index, pairs: run.Queries.Where(q => !q.Failed && q.Uncertainty is { } u && double.IsFinite(u) && q.Dice is { } d && double.IsFinite(d)).ToArray()))
            .Where(r => r.pairs.Length > 0)
            .ToArray();
        if (runs.Length == 0)
        {
            return;
        }

        html.Append("<section id=\"uncertainty\"><h2>Uncertainty and Dice</h2><p class=\"note\">The uncertainty predicts a bad mask (higher means worse), so a good one has a strongly negative Spearman rho with Dice.</p>");
        foreach (var (run, index, pairs) in runs)
        {
            var uncertainty = pairs.Select(q => q.Uncertainty!.Value).ToArray();
            var dice = pairs.Select(q => q.Dice!.Value).ToArray();
            var rho = ReportStatistics.Spearman(uncertainty, dice);
            html.Append($"<h3>{Escape(run.Name)}</h3><div class=\"chart\">").Append(SvgCharts.Scatter(
                $"uncertainty-{index}",
                $"Uncertainty against Dice of {run.Name}",
                $"One point per query ({pairs.Length}): uncertainty across, Dice up; Spearman rho {Number(rho)}.",
                pairs.Select(q => new ScatterPoint(q.Uncertainty!.Value, q.Dice!.Value, $"{q.Image}: uncertainty {Number(q.Uncertainty)}, Dice {Number(q.Dice)}")).ToArray(),
                "uncertainty",
                "Dice",
                ScatterColor));
            html.Append($"<table><caption>Uncertainty against Dice</caption><tbody>")
                .Append($"<tr><td>queries</td><td>{Integer(pairs.Length)}</td></tr>")
                .Append($"<tr><td>Spearman rho</td><td>{Number(rho)}</td></tr>")
                .Append($"<tr><td>uncertainty min</td><td>{Number(uncertainty.Min())}</td></tr>")
                .Append($"<tr><td>uncertainty median</td><td>{Number(ReportStatistics.Median(uncertainty))}</td></tr>")
                .Append($"<tr><td>uncertainty max</td><td>{Number(uncertainty.Max())}</td></tr>")
                .Append("</tbody></table></div>");
        }

        html.Append("</section>\n");
    }

    private static void WorstOverlays(StringBuilder html, SegmentationReport report)
    {
        html.Append($"<section id=\"worst\"><h2>The worst {Integer(WorstQueries.Count)} queries</h2>");
        foreach (var run in report.Runs)
        {
            var worst = WorstQueries.Of(run.Queries);
            html.Append($"<h3>{Escape(run.Name)}</h3>");
            if (worst.Count == 0)
            {
                html.Append("<p>No scored query.</p>");
                continue;
            }

            html.Append($"<p class=\"note\">Lowest Dice first. {Escape(run.OverlayLegend)}</p><ol class=\"overlays\">");
            var overlays = new Dictionary<string, QueryOverlay>(StringComparer.Ordinal);
            foreach (var overlay in run.Overlays)
            {
                overlays.TryAdd(overlay.Image, overlay);
            }

            foreach (var query in worst)
            {
                var label = $"{query.Image}: Dice {Number(query.Dice)}";
                html.Append("<li><figure>");
                if (overlays.TryGetValue(query.Image, out var overlay) && !overlay.Png.IsEmpty)
                {
                    html.Append($"<img src=\"data:image/png;base64,{Convert.ToBase64String(overlay.Png.Span)}\" alt=\"{Escape($"Overlay of {label}")}\"/>");
                }
                else
                {
                    html.Append("<p class=\"note\">(no overlay)</p>");
                }

                html.Append($"<figcaption>{Escape(query.Image)}: Dice <strong>{Number(query.Dice)}</strong></figcaption></figure></li>");
            }

            html.Append("</ol>");
        }

        html.Append("</section>\n");
    }

    private static void Failures(StringBuilder html, SegmentationReport report)
    {
        html.Append("<section id=\"failures\"><h2>Failures</h2>");
        var failed = report.Runs.SelectMany(r => r.Queries.Where(q => q.Failed).Select(q => (Run: r.Name, Query: q))).ToArray();
        if (failed.Length == 0)
        {
            html.Append("<p>No query failed.</p></section>\n");
            return;
        }

        html.Append("<table><caption>Failed queries and why</caption><thead><tr><th>run</th><th>image</th><th>reason</th></tr></thead><tbody>");
        foreach (var (run, query) in failed)
        {
            html.Append($"<tr><td>{Escape(run)}</td><td>{Escape(query.Image)}</td><td style=\"text-align: left\">{Escape(query.Error!)}</td></tr>");
        }

        html.Append("</tbody></table></section>\n");
    }

    private static string MeanMedianChart(string id, string title, string description, IReadOnlyList<(string Label, IReadOnlyList<double> Dice)> groups) =>
        SvgCharts.GroupedBars(
            id,
            title,
            description,
            [new BarSeries("mean", MeanColor), new BarSeries("median", MedianColor)],
            groups.Select(g => new BarGroup(g.Label, [ReportStatistics.Mean(g.Dice), ReportStatistics.Median(g.Dice)])).ToArray(),
            1,
            3);

    private static void MeanMedianTable(StringBuilder html, string caption, string groupHeading, IReadOnlyList<(string Label, IReadOnlyList<double> Dice)> groups)
    {
        html.Append($"<table><caption>{Escape(caption)}</caption><thead><tr><th>{Escape(groupHeading)}</th><th>queries</th><th>mean</th><th>median</th></tr></thead><tbody>");
        foreach (var (label, dice) in groups)
        {
            html.Append($"<tr><td>{Escape(label)}</td><td>{Integer(dice.Count)}</td><td>{Number(ReportStatistics.Mean(dice))}</td><td>{Number(ReportStatistics.Median(dice))}</td></tr>");
        }

        html.Append("</tbody></table>");
    }

    private static void Settings(StringBuilder html, IReadOnlyList<ReportSetting> settings)
    {
        if (settings.Count == 0)
        {
            return;
        }

        html.Append("<dl class=\"settings\">");
        foreach (var setting in settings)
        {
            html.Append($"<dt>{Escape(setting.Name)}</dt><dd>{Escape(setting.Value)}</dd>");
        }

        html.Append("</dl>");
    }

    private static bool HasFinal(ReportRun run) => run.Queries.Any(q => q.FinalDice is { } d && double.IsFinite(d));

    /// <summary>The chosen Dice of the queries that did not fail, missing and non-finite values left out.</summary>
    private static IReadOnlyList<double> Scores(ReportRun run, Func<ReportQuery, double?> dice) =>
        run.Queries.Where(q => !q.Failed).Select(dice).Where(d => d is { } v && double.IsFinite(v)).Select(d => d!.Value).ToArray();
}
