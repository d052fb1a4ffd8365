using System.Diagnostics;
using SamMpa.Client.Evaluation;
using SamMpa.Client.Commands;
using SamMpa.Dicom.Import;
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
/// <param name="dicom">The images folder's DICOM files, staged by the caller (null: staged here for the run).</param>
internal sealed class ClusterEval(ClusterConnection cluster, EvalOptions options, IEvalProgress progress, DicomStaging? dicom = null)
{
    /// <summary>
    /// Runs the evaluation. Cancelled (Ctrl-C, SIGTERM), it cancels the dataset's job on the cluster too and throws
    /// <see cref="CommandCancelledException"/> saying how far it got.
    /// </summary>
    public async Task<ClusterEvalOutcome> RunAsync(CancellationToken cancellationToken)
    {
        using var staged = dicom is null ? await DicomStaging.ConvertAsync(options.ImagesDirectory, new DicomImporter(), cancellationToken) : null;
        var instances = dicom ?? staged!;
        var labeled = Validate(options, instances);
        foreach (var failure in instances.Failures)
        {
            progress.Warning($"{failure.File}: {failure.Reason} (not evaluated)");
        }

        var session = new DatasetSession(cluster, EvalDatasetId.Of(options, labeled, instances.Sources), progress);
        var truthByImage = labeled.Images.ToDictionary(i => i.Name, i => i.MaskPath, StringComparer.Ordinal);
        try
        {
            await session.UploadAsync(labeled.Images.Select(i => i.ImagePath).ToArray(), truthByImage, cancellationToken, instances);
        }
        catch (OperationCanceledException e) when (cancellationToken.IsCancellationRequested)
        {
            throw new CommandCancelledException($"uploading dataset {session.Dataset} stopped; nothing was started", e);
        }

        try
        {
            return await EvaluateAsync(labeled, session, truthByImage, cancellationToken);
        }
        catch (OperationCanceledException e) when (cancellationToken.IsCancellationRequested)
        {
            throw new CommandCancelledException(await session.CancelAsync(), e);
        }
    }

    private async Task<ClusterEvalOutcome> EvaluateAsync(
        LabeledDataset labeled, DatasetSession session, Dictionary<string, string> truthByImage, CancellationToken cancellationToken)
    {
        var shots = options.Shots.Distinct().ToArray();
        // A baseline always decodes with SAM (and registers nothing); SAM-MPA with the stage pa.
        var useSam = options.Method.IsBaseline() || options.Stages.HasFlag(Stage.Pa);

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
        var resultsByRun = rows.GroupBy(r => r.Item1.Run, r => r.Item2)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<QueryResult>)g.ToArray(), StringComparer.Ordinal);
        EvalOutput.WriteReport(
            options.OutputDirectory, EvalHtmlReport.Build(report, resultsByRun, labeled.Images, options.OutputDirectory, progress.Warning));
        return new ClusterEvalOutcome(report, resultsByRun);
    }

    /// <summary>
    /// Checks the folders, K and the stages before any silo starts: the user's mistakes end the command at once,
    /// naming the file or option.
    /// </summary>
    /// <param name="dicom">The images folder's DICOM files staged as images; their ground truth is a mask per image name.</param>
    public static LabeledDataset Validate(EvalOptions options, DicomStaging? dicom = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.Method.IsBaseline() && options.SamPackageDirectory is null)
        {
            throw new ArgumentException($"--method {SegmentationMethods.Format(options.Method)} prompts SAM: give a SAM model package with --sam DIR.");
        }

        if (options.Stages.HasFlag(Stage.Pa) && options.SamPackageDirectory is null)
        {
            throw new ArgumentException("The stages pa and pr run SAM: give a SAM model package with --sam DIR (see README, \"Bring your own SAM\").");
        }

        ValidateStrata(options);
        var labeled = LabeledDataset.Open(options.ImagesDirectory, options.MasksDirectory, dicom?.ImagePaths);
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

    /// <summary>--stratify-by names a provenance field, with es, and --min-stratum-share is a share.</summary>
    private static void ValidateStrata(EvalOptions options)
    {
        if (options.StratifyBy is not { } field)
        {
            return;
        }

        try
        {
            new ImageProvenance().ValueOf(field);
        }
        catch (ArgumentException)
        {
            throw new ArgumentException($"--stratify-by {field}: not a field to stratify by; use none, {string.Join(", ", ImageProvenance.Fields)}.");
        }

        if (!options.Stages.HasFlag(Stage.Es))
        {
            throw new ArgumentException($"--stratify-by {field} spreads the supports ES selects: add es to --stages.");
        }

        if (!double.IsFinite(options.MinStratumShare) || options.MinStratumShare < 0 || options.MinStratumShare > 1)
        {
            throw new ArgumentException($"--min-stratum-share must be 0..1, not {options.MinStratumShare.ToString(System.Globalization.CultureInfo.InvariantCulture)}.");
        }
    }

    private async Task<(RunSummary, IReadOnlyList<QueryResult>)> RunShotsAsync(
        DatasetSession session, IReadOnlyDictionary<string, string> truthByImage, int k, bool useSam, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var baseline = options.Method.IsBaseline();
        // A baseline runs no stage of SAM-MPA but the choice of supports (es, or random), which fixes its queries.
        var stages = StageParser.Format(baseline ? options.Stages & Stage.Es : options.Stages);
        var runName = baseline
            ? $"k{k}-{SegmentationMethods.Format(options.Method)}"
            : $"k{k}-{stages.Replace(',', '-')}" + (options.Atlases > 1 ? $"-a{options.Atlases}" : string.Empty);
        await session.SelectAsync(
            new SelectSupports
            {
                K = k,
                ByEmbedding = options.Stages.HasFlag(Stage.Es),
                Seed = options.RandomSupportSeed,
                Atlases = options.Atlases,
                StratifyBy = options.StratifyBy,
                MinStratumShare = options.MinStratumShare,
            },
            cancellationToken);
        var annotated = await session.AnnotateAsync(async (support, ct) => await File.ReadAllBytesAsync(truthByImage[support], ct), cancellationToken);
        if (annotated.MissingAnnotations.Count > 0)
        {
            throw new DatasetException(annotated.Message ?? "Some supports have no usable annotation.");
        }

        var settings = new RunSettings
        {
            Method = options.Method,
            UseSam = useSam && !baseline,
            Refine = options.Stages.HasFlag(Stage.Pr) && !baseline ? options.Refine : 0,
            Auto = options.Stages.HasFlag(Stage.Auto) && !baseline,
            // An auto run's stages are replaced by the choice; mp stands until then.
            Register = baseline || options.Stages.HasFlag(Stage.Mp) || options.Stages.HasFlag(Stage.Auto),
            Localise = options.Stages.HasFlag(Stage.Loc) && !baseline,
            GraphCut = options.Stages.HasFlag(Stage.Rf) && !baseline,
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

        // Images read from DICOM: each final mask as a DICOM Segmentation referencing its instance.
        if (report.Outcomes.Select(o => o.Seg).OfType<string>().ToArray() is { Length: > 0 } segs)
        {
            await session.DownloadAsync(segs, Path.Combine(runDirectory, "seg"), cancellationToken);
        }

        foreach (var note in report.Outcomes.Where(o => o.Note is not null))
        {
            progress.Warning($"{note.Image}: {note.Note}");
        }

        var results = report.Outcomes.Select(o => new QueryResult(
            o.Image,
            string.Join(';', o.Supports),
            o.CoarseDice ?? double.NaN,
            o.CoarseIou ?? double.NaN,
            useSam ? o.FinalDice ?? double.NaN : double.NaN,
            useSam ? o.FinalIou ?? double.NaN : double.NaN,
            o.RegistrationSeconds,
            o.Error,
            o.Uncertainty,
            o.SegmentationSeconds,
            o.Stratum)).ToArray();
        var summary = RunSummaries.From(
            runName,
            k,
            stages,
            report.Supports,
            results,
            scoreFinal: useSam,
            clock.Elapsed.TotalSeconds,
            baseline ? 0 : results.Sum(r => r.Support.Split(';', StringSplitOptions.RemoveEmptyEntries).Length),
            runWall,
            results.Sum(r => r.RegistrationSeconds),
            options.Registration.MaxDegreeOfParallelism,
            report.Atlases,
            report.Auto,
            report.Stratified == true ? report.StratumField : null);
        return (summary, results);
    }
}
