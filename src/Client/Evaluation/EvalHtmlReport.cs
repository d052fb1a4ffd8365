using System.Globalization;
using SamMpa.Imaging.Evaluation;
using SamMpa.Imaging.Images;
using SamMpa.Reports;
using SamMpa.Storage;
using SkiaSharp;

namespace SamMpa.Client.Evaluation;

/// <summary>
/// An eval's figures (its <see cref="EvalReport"/> and each run's query results, the source of every number) as the
/// model of report.html, with overlays of each run's worst queries drawn from the masks the eval wrote.
/// </summary>
internal static class EvalHtmlReport
{
    /// <summary>Overlays are shrunk to at most this side: they are for seeing what went wrong, and keep the page small.</summary>
    private const int OverlaySide = 384;

    /// <param name="resultsByRun">Each run's query results, by run name.</param>
    /// <param name="images">The labelled images, for the image and its truth behind each overlay.</param>
    /// <param name="outputDirectory">The eval's output folder, holding {run}/coarse and {run}/final.</param>
    /// <param name="warn">Told why an overlay could not be drawn (the report then shows the query without one).</param>
    public static SegmentationReport Build(
        EvalReport report,
        IReadOnlyDictionary<string, IReadOnlyList<QueryResult>> resultsByRun,
        IReadOnlyList<LabeledImage> images,
        string outputDirectory,
        Action<string> warn)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(resultsByRun);
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(warn);
        var imagesByName = images.ToDictionary(i => i.Name, StringComparer.Ordinal);
        var runs = report.Runs
            .Select(run => Run(report, run, resultsByRun.TryGetValue(run.Run, out var results) ? results : [], imagesByName, outputDirectory, warn))
            .ToArray();
        return new SegmentationReport("SamMpa evaluation", DatasetName(report.ImagesDirectory), Settings(report), runs);
    }

    private static ReportRun Run(
        EvalReport report,
        RunSummary run,
        IReadOnlyList<QueryResult> results,
        Dictionary<string, LabeledImage> images,
        string outputDirectory,
        Action<string> warn)
    {
        var queries = results.Select(r => new ReportQuery(
            r.Image,
            Finite(r.Dice),
            Finite(r.FinalDice),
            r.RegistrationSeconds,
            r.SegmentationSeconds,
            r.Error,
            r.Uncertainty,
            r.Stratum)).ToArray();
        var final = run.FinalDiceMean is not null;
        var maskFolder = Path.Combine(outputDirectory, run.Run, final ? "final" : "coarse");
        var overlays = new List<QueryOverlay>();
        foreach (var query in WorstQueries.Of(queries))
        {
            if (Overlay(query.Image, images, maskFolder, final ? MaskOverlay.FinalColor : MaskOverlay.CoarseColor, warn) is { } png)
            {
                overlays.Add(new QueryOverlay(query.Image, png));
            }
        }

        var steps = new[]
        {
            new StageSeconds("embedding (once, for all runs)", report.EmbeddingSeconds),
            new StageSeconds("segmentation on the cluster", run.RegistrationWallSeconds),
            new StageSeconds("select, annotate, download", Math.Max(0, run.WallSeconds - run.RegistrationWallSeconds)),
        };
        return new ReportRun(
            run.Run,
            RunSettings(run),
            queries,
            steps,
            run.Auto is { } auto
                ? new ReportAutoChoice(auto.Chosen, auto.Candidates.Select(c => new ReportAutoCandidate(c.Pipeline, c.LeaveOneOutDice, c.Failed, c.FirstFailure)).ToArray(), auto.Note)
                : null,
            overlays,
            final ? "Green: ground truth; cyan: final (SAM) mask." : "Green: ground truth; yellow: coarse mask.");
    }

    /// <summary>The query's image with its truth's and its mask's outlines, or null (and a warning naming it) when a file is missing or unreadable.</summary>
    private static byte[]? Overlay(string image, Dictionary<string, LabeledImage> images, string maskFolder, SKColor maskColor, Action<string> warn)
    {
        if (!images.TryGetValue(image, out var labeled))
        {
            warn($"report.html: no overlay for {image}: it is not among the labelled images.");
            return null;
        }

        var maskPath = Path.Combine(maskFolder, DatasetBlobLayout.MaskName(image));
        try
        {
            using var picture = ImageFile.Read(labeled.ImagePath);
            using var truth = ImageFile.ReadMask(labeled.MaskPath);
            using var mask = ImageFile.ReadMask(maskPath);
            var scale = Math.Min(1.0, OverlaySide / (double)Math.Max(picture.Width, picture.Height));
            if (scale >= 1.0)
            {
                return MaskOverlay.EncodeComparisonPng(picture, truth, mask, maskColor);
            }

            var width = Math.Max(1, (int)Math.Round(picture.Width * scale));
            var height = Math.Max(1, (int)Math.Round(picture.Height * scale));
            using var smallPicture = Resampler.Bilinear(picture, width, height);
            using var smallTruth = Resampler.Bilinear(truth, width, height);
            using var smallMask = Resampler.Bilinear(mask, width, height);
            return MaskOverlay.EncodeComparisonPng(smallPicture, smallTruth, smallMask, maskColor);
        }
        catch (Exception e) when (e is IOException or InvalidImageException or ArgumentException or UnauthorizedAccessException)
        {
            warn($"report.html: no overlay for {image}: {e.Message}");
            return null;
        }
    }

    private static ReportSetting[] Settings(EvalReport report) =>
    [
        new("images", report.ImagesDirectory),
        new("masks", report.MasksDirectory),
        new("image count", Integer(report.Images)),
        new("encoder", report.Encoder),
        new("working size", $"{Integer(report.WorkingSize)} x {Integer(report.WorkingSize)}"),
        new("embeddings computed", Integer(report.EmbeddingsComputed)),
    ];

    private static ReportSetting[] RunSettings(RunSummary run) =>
    [
        new("K", Integer(run.Shots)),
        new("stages", run.Stages),
        new("atlases", Integer(run.Atlases)),
        new("supports", string.Join(", ", run.Supports)),
        new("registrations", Integer(run.Registrations)),
        new("parallelism", Integer(run.Parallelism)),
        new("wall seconds", run.WallSeconds.ToString("F1", CultureInfo.InvariantCulture)),
    ];

    /// <summary>"busi" for .../busi/images: the images folder's name, or its parent's when it is just "images".</summary>
    private static string DatasetName(string imagesDirectory)
    {
        var full = Path.TrimEndingDirectorySeparator(imagesDirectory);
        var name = Path.GetFileName(full);
        var parent = Path.GetFileName(Path.GetDirectoryName(full));
        return string.Equals(name, "images", StringComparison.OrdinalIgnoreCase) && !string.IsNullOrEmpty(parent) ? parent : name;
    }

    private static double? Finite(double value) => double.IsFinite(value) ? value : null;

    private static string Integer(int value) => value.ToString(CultureInfo.InvariantCulture);
}
