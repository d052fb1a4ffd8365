using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using SamMpa.Grains.Datasets;
using SamMpa.Imaging.Evaluation;
using SamMpa.Imaging.Metrics;
using SamMpa.Imaging.Sam;
using SamMpa.Imaging.Selection;
using SamMpa.Storage;

namespace SamMpa.Client.Cluster;

/// <summary>
/// `sammpa eval` on the cluster: uploads a labelled folder as a dataset, then for each K selects supports, annotates
/// them from the ground truth, runs, and turns the run's report into the eval outputs (per_image.csv, summary.json,
/// coarse and final masks per run).
/// </summary>
internal sealed class ClusterEval(ClusterConnection cluster, EvalOptions options, IEvalProgress progress)
{
    public async Task<EvalReport> RunAsync(CancellationToken cancellationToken)
    {
        var labeled = Validate(options);
        var shots = options.Shots.Distinct().ToArray();
        var useSam = options.Stages.HasFlag(Stage.Pa);

        var session = new DatasetSession(cluster, DatasetIdOf(labeled), progress);
        var truthByImage = labeled.Images.ToDictionary(i => i.Name, i => i.MaskPath, StringComparer.Ordinal);
        await session.UploadAsync(labeled.Images.Select(i => i.ImagePath).ToArray(), truthByImage, cancellationToken);

        var embeddingClock = Stopwatch.StartNew();
        var created = await session.Grain.CreateAsync(
            new CreateDataset { TruthPrefix = DatasetBlobLayout.TruthPrefix(session.Dataset), WorkingSize = options.WorkingSize });
        // The same folders again find their dataset embedded already: nothing is computed then.
        var computing = created.Phase == DatasetPhase.Embedding;
        var status = await session.WaitForEmbeddingsAsync(created, cancellationToken);
        var embeddingSeconds = embeddingClock.Elapsed.TotalSeconds;
        foreach (var failure in status.Failures)
        {
            progress.Warning($"{failure.Image}: {failure.Reason}");
        }

        Directory.CreateDirectory(options.OutputDirectory);
        var runs = new List<RunSummary>();
        var rows = new List<(RunSummary, QueryResult)>();
        foreach (var k in shots)
        {
            var (summary, results) = await RunShotsAsync(session, truthByImage, k, useSam, cancellationToken);
            runs.Add(summary);
            rows.AddRange(results.Select(r => (summary, r)));
        }

        var report = new EvalReport(
            Path.GetFullPath(options.ImagesDirectory),
            Path.GetFullPath(options.MasksDirectory),
            labeled.Images.Count,
            status.Encoder ?? "unknown",
            options.WorkingSize,
            embeddingSeconds,
            computing ? status.Embedded : 0,
            runs);
        EvalOutput.WritePerImage(options.OutputDirectory, rows);
        EvalOutput.WriteSummary(options.OutputDirectory, report);
        return report;
    }

    /// <summary>
    /// Checks the folders, K and the stages before any silo starts: the user's mistakes end the command at once,
    /// naming the file or option.
    /// </summary>
    public static LabeledDataset Validate(EvalOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Method.IsBaseline())
        {
            throw new ArgumentException($"--method {SegmentationMethodParser.Format(options.Method)} is a baseline; it runs without the cluster.");
        }

        if (options.Stages.HasFlag(Stage.Pa) && options.SamPackageDirectory is null)
        {
            throw new ArgumentException("The stages pa and pr run SAM: give a SAM model package with --sam DIR (see README, \"Bring your own SAM\").");
        }

        var labeled = LabeledDataset.Open(options.ImagesDirectory, options.MasksDirectory);
        foreach (var k in options.Shots.Distinct())
        {
            try
            {
                SupportSelector.ValidateK(labeled.Images.Count, k);
            }
            catch (ArgumentOutOfRangeException e)
            {
                throw new DatasetException($"{options.ImagesDirectory}: {e.Message.Split(" (Parameter", 2)[0]}");
            }
        }

        return labeled;
    }

    private async Task<(RunSummary, IReadOnlyList<QueryResult>)> RunShotsAsync(
        DatasetSession session, IReadOnlyDictionary<string, string> truthByImage, int k, bool useSam, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var stages = StageParser.Format(options.Stages);
        var runName = $"k{k}-{stages.Replace(',', '-')}" + (options.Atlases > 1 ? $"-a{options.Atlases}" : string.Empty);
        await session.SelectAsync(
            new SelectSupports { K = k, ByEmbedding = options.Stages.HasFlag(Stage.Es), Seed = options.RandomSupportSeed, Atlases = options.Atlases },
            cancellationToken);
        var annotated = await session.AnnotateAsync(async (support, ct) => await File.ReadAllBytesAsync(truthByImage[support], ct), cancellationToken);
        if (annotated.MissingAnnotations.Count > 0)
        {
            throw new DatasetException(annotated.Message ?? "Some supports have no usable annotation.");
        }

        var settings = new RunSettings
        {
            UseSam = useSam,
            Refine = options.Stages.HasFlag(Stage.Pr) ? options.Refine : 0,
            Prompts = new SamPromptSettings
            {
                BoxMargin = options.Prompts.BoxMargin,
                MaskDilation = options.Prompts.MaskDilation,
                InteriorPoint = options.Prompts.ForegroundPoint == ForegroundPoint.Interior,
            },
        };
        var runClock = Stopwatch.StartNew();
        await session.RunAsync(settings, onEvent: null, cancellationToken);
        var runWall = runClock.Elapsed.TotalSeconds;
        var report = await session.ReadReportAsync(cancellationToken);

        var runDirectory = Path.Combine(options.OutputDirectory, runName);
        await session.DownloadAsync(report.Outcomes.Where(o => o.CoarseMask is not null).Select(o => o.CoarseMask!), Path.Combine(runDirectory, "coarse"), cancellationToken);
        if (useSam)
        {
            await session.DownloadAsync(report.Outcomes.Where(o => o.Mask is not null).Select(o => o.Mask!), Path.Combine(runDirectory, "final"), cancellationToken);
        }

        var results = report.Outcomes.Select(o => new QueryResult(
            o.Image,
            string.Join(';', o.Supports),
            o.CoarseDice ?? double.NaN,
            o.CoarseIou ?? double.NaN,
            useSam ? o.FinalDice ?? double.NaN : double.NaN,
            useSam ? o.FinalIou ?? double.NaN : double.NaN,
            o.RegistrationSeconds,
            o.Error)).ToArray();
        var summary = RunSummaries.From(
            runName,
            k,
            stages,
            report.Supports,
            results,
            scoreFinal: useSam,
            clock.Elapsed.TotalSeconds,
            results.Sum(r => r.Support.Split(';', StringSplitOptions.RemoveEmptyEntries).Length),
            runWall,
            results.Sum(r => r.RegistrationSeconds),
            options.Registration.MaxDegreeOfParallelism,
            options.Atlases);
        return (summary, results);
    }

    /// <summary>
    /// A dataset id from the folders' content listing (names, sizes, times) and the working size: the same folders
    /// reuse their dataset and its embeddings; changed files make a new one.
    /// </summary>
    private string DatasetIdOf(LabeledDataset labeled)
    {
        var listing = new StringBuilder().Append(options.WorkingSize).Append('\n');
        foreach (var image in labeled.Images)
        {
            foreach (var path in new[] { image.ImagePath, image.MaskPath })
            {
                var info = new FileInfo(path);
                listing.Append(info.FullName).Append('|').Append(info.Length).Append('|').Append(info.LastWriteTimeUtc.Ticks).Append('\n');
            }
        }

        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(listing.ToString())))[..16];
        var name = new string(Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(options.ImagesDirectory)))
            .Where(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_').Take(40).ToArray());
        return $"eval-{(name.Length == 0 ? "images" : name)}-{hash}";
    }
}
