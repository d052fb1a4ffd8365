using System.Collections.Concurrent;
using System.Diagnostics;
using System.Numerics.Tensors;
using SamMpa.Imaging.Embeddings;
using SamMpa.Imaging.Images;
using SamMpa.Imaging.Metrics;
using SamMpa.Imaging.Registration;
using SamMpa.Imaging.Sam;
using SamMpa.Imaging.Selection;

namespace SamMpa.Imaging.Evaluation;

/// <summary>
/// `sammpa eval`: selects supports (ES, or random), propagates their ground-truth masks to every query (MP), prompts
/// SAM with the coarse masks when a SAM package is given (PA, PR), and scores coarse and final masks against the
/// queries' ground truth. Everything is checked before anything is written; a registration that fails is recorded
/// against its query and the run goes on.
/// </summary>
public sealed class EvalRunner(EvalOptions options, IEvalProgress progress)
{
    public const string PrepareStage = "load";
    public const string EmbedStage = "embed";
    public const string RegisterStage = "register";
    public const string ScoreStage = "score";

    private const int EmbeddingChunk = 8;

    /// <summary>Soft masks already propagated, keyed by (query, support): several K values share many pairs.</summary>
    private readonly ConcurrentDictionary<(int Query, int Support), Propagation> _propagations = new();

    /// <summary>SAM's decoder when the stage pa or a manual baseline runs; null otherwise.</summary>
    private SamDecoder? _decoder;

    public async Task<EvalReport> RunAsync(CancellationToken cancellationToken)
    {
        var dataset = LabeledDataset.Open(options.ImagesDirectory, options.MasksDirectory);
        // A K given twice (--shots 10 --shots 10) is one run.
        var shots = options.Shots.Distinct().ToArray();
        foreach (var k in shots)
        {
            ValidateShots(dataset, k);
        }

        ElastixTools.EnsureAvailable(options.Registration);
        using var package = LoadSamPackage();
        using var encoder = package is null
            ? EncoderFactory.Create(options.SamEncoderPath, options.Device, progress.Warning)
            : new SamImageEncoder(package, options.Device, progress.Warning);
        _decoder = package is not null && (options.Stages.HasFlag(Stage.Pa) || options.Method.IsBaseline()) ? new SamDecoder(package) : null;

        var prepared = Prepare(dataset, cancellationToken);
        try
        {
            var embeddingClock = Stopwatch.StartNew();
            var (embeddings, computed) = Embed(prepared, encoder, cancellationToken);
            var embeddingSeconds = embeddingClock.Elapsed.TotalSeconds;

            Directory.CreateDirectory(options.OutputDirectory);
            var runs = new List<RunSummary>();
            var rows = new List<(RunSummary, QueryResult)>();
            foreach (var k in shots)
            {
                var (summary, results) = await RunShotsAsync(prepared, embeddings, k, cancellationToken);
                runs.Add(summary);
                rows.AddRange(results.Select(r => (summary, r)));
            }

            var report = new EvalReport(
                Path.GetFullPath(options.ImagesDirectory),
                Path.GetFullPath(options.MasksDirectory),
                prepared.Length,
                encoder.Id,
                options.WorkingSize,
                embeddingSeconds,
                computed,
                runs);
            EvalOutput.WritePerImage(options.OutputDirectory, rows);
            EvalOutput.WriteSummary(options.OutputDirectory, report);
            return report;
        }
        finally
        {
            foreach (var image in prepared)
            {
                image.Dispose();
            }

            foreach (var propagation in _propagations.Values)
            {
                propagation.SoftMask?.Dispose();
            }

            _propagations.Clear();
        }
    }

    /// <summary>The SAM package when one is given; checks the stages and options that depend on it first.</summary>
    private SamPackage? LoadSamPackage()
    {
        if (options.SamPackageDirectory is null)
        {
            if (options.Method.IsBaseline())
            {
                throw new ArgumentException($"--method {SegmentationMethodParser.Format(options.Method)} prompts SAM: give a SAM model package with --sam DIR.");
            }

            if (options.Stages.HasFlag(Stage.Pa))
            {
                throw new ArgumentException("The stages pa and pr run SAM: give a SAM model package with --sam DIR (see README, \"Bring your own SAM\").");
            }

            return null;
        }

        if (options.SamEncoderPath is not null)
        {
            throw new ArgumentException("--sam and --sam-encoder both name a SAM encoder: give only --sam (its encoder embeds for selection too).");
        }

        if (options.Refine < 0)
        {
            throw new ArgumentException($"--refine must be 0 or more, not {options.Refine}.");
        }

        var package = SamPackage.Load(options.SamPackageDirectory, options.Device, progress.Warning);
        return package;
    }

    private void ValidateShots(LabeledDataset dataset, int k)
    {
        try
        {
            SupportSelector.ValidateK(dataset.Images.Count, k);
        }
        catch (ArgumentOutOfRangeException e)
        {
            throw new DatasetException($"{options.ImagesDirectory}: {e.Message.Split(" (Parameter", 2)[0]}");
        }
    }

    private PreparedImage[] Prepare(LabeledDataset dataset, CancellationToken cancellationToken)
    {
        progress.StageStarted(PrepareStage, dataset.Images.Count);
        var prepared = new PreparedImage[dataset.Images.Count];
        var problems = new ConcurrentBag<(int Index, string Message)>();
        Parallel.For(0, prepared.Length, new ParallelOptions { CancellationToken = cancellationToken }, i =>
        {
            try
            {
                prepared[i] = PreparedImage.Load(dataset.Images[i], options.WorkingSize);
            }
            catch (InvalidImageException e)
            {
                problems.Add((i, e.Message));
            }

            progress.ItemCompleted(PrepareStage, dataset.Images[i].Name);
        });

        if (!problems.IsEmpty)
        {
            foreach (var image in prepared)
            {
                image?.Dispose();
            }

            // A header can be sound while the pixel data is not: such files surface only here, all named at once.
            var listed = string.Join(Environment.NewLine, problems.OrderBy(p => p.Index).Select(p => "  " + p.Message));
            throw new DatasetException($"{problems.Count} of {prepared.Length} images cannot be read:{Environment.NewLine}{listed}");
        }

        progress.StageCompleted(PrepareStage);
        return prepared;
    }

    private (float[][] Embeddings, int Computed) Embed(PreparedImage[] prepared, IImageEncoder encoder, CancellationToken cancellationToken)
    {
        progress.StageStarted(EmbedStage, prepared.Length);
        var cache = new EmbeddingCache(options.EmbeddingCacheDirectory);
        var embeddings = new float[prepared.Length][];
        // Chunks let an encoder with a dynamic batch dimension encode several images per run, with progress between.
        foreach (var chunk in Enumerable.Range(0, prepared.Length).Chunk(EmbeddingChunk))
        {
            cancellationToken.ThrowIfCancellationRequested();
            // The encoder sees the working-grid image, as in the paper, so the grid is part of the key.
            var items = chunk
                .Select(i => ($"{EmbeddingCache.ContentHash(prepared[i].Source.ImagePath)}-w{options.WorkingSize}",
                              (Func<GrayImage>)(() => prepared[i].Working.Clone())))
                .ToArray();
            var encoded = cache.GetOrAddMany(items, encoder);
            for (var j = 0; j < chunk.Length; j++)
            {
                embeddings[chunk[j]] = encoded[j];
                progress.ItemCompleted(EmbedStage, prepared[chunk[j]].Source.Name);
            }
        }

        progress.StageCompleted(EmbedStage);
        return (embeddings, cache.Misses);
    }

    private async Task<(RunSummary Summary, IReadOnlyList<QueryResult> Results)> RunShotsAsync(
        PreparedImage[] prepared, float[][] embeddings, int k, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var selection = options.Stages.HasFlag(Stage.Es)
            ? SupportSelector.Select(embeddings, k)
            : SupportSelector.SelectRandom(embeddings, k, options.RandomSupportSeed);
        var queries = Enumerable.Range(0, prepared.Length).Where(i => !selection.IsSupport(i)).ToArray();
        var baseline = options.Method.IsBaseline();
        // A baseline runs no stage of SAM-MPA but the choice of supports (es, or random), which fixes its queries.
        var stages = baseline ? StageParser.Format(options.Stages & Stage.Es) : StageParser.Format(options.Stages);
        var runName = !baseline
            ? $"k{k}-{stages.Replace(',', '-')}" + (options.Atlases > 1 ? $"-a{options.Atlases}" : string.Empty)
            : $"k{k}-{SegmentationMethodParser.Format(options.Method)}";

        var atlases = AtlasRanking.Rank(embeddings, selection, options.Atlases);
        var pending = baseline
            ? []
            : queries.SelectMany(q => atlases[q].Select(s => (Query: q, Support: s)))
                .Where(pair => !_propagations.ContainsKey(pair))
                .ToArray();
        var registrationClock = Stopwatch.StartNew();
        await PropagateAsync(prepared, pending, cancellationToken);
        var registrationWall = registrationClock.Elapsed.TotalSeconds;

        var runDirectory = Path.Combine(options.OutputDirectory, runName);
        var results = baseline
            ? ScoreBaseline(prepared, embeddings, selection, queries, runDirectory, cancellationToken)
            : Score(prepared, embeddings, atlases, queries, runDirectory, cancellationToken);

        var summary = RunSummaries.From(
            runName,
            k,
            stages,
            selection.Supports.Select(s => prepared[s].Source.Name).ToArray(),
            results,
            scoreFinal: _decoder is not null,
            clock.Elapsed.TotalSeconds,
            pending.Length,
            registrationWall,
            pending.Sum(p => _propagations[p].Seconds),
            options.Registration.MaxDegreeOfParallelism,
            options.Atlases);
        return (summary, results);
    }

    private async Task PropagateAsync(PreparedImage[] prepared, (int Query, int Support)[] pairs, CancellationToken cancellationToken)
    {
        progress.StageStarted(RegisterStage, pairs.Length);
        var propagator = new ElastixMaskPropagator(options.Registration);
        var parallel = new ParallelOptions
        {
            MaxDegreeOfParallelism = options.Registration.MaxDegreeOfParallelism,
            CancellationToken = cancellationToken,
        };
        await Parallel.ForEachAsync(pairs, parallel, async (pair, ct) =>
        {
            var query = prepared[pair.Query];
            var support = prepared[pair.Support];
            Propagation outcome;
            try
            {
                var result = await propagator.PropagateAsync(
                    query.Working, support.Working, support.WorkingMask, query.Source.Name, support.Source.Name, ct);
                outcome = new Propagation(result.SoftMask, result.Elapsed.TotalSeconds, null);
            }
            catch (RegistrationException e)
            {
                progress.Warning(e.Message);
                outcome = new Propagation(null, 0, e.Message);
            }

            _propagations[pair] = outcome;
            progress.ItemCompleted(RegisterStage, query.Source.Name);
        });
        progress.StageCompleted(RegisterStage);
    }

    private QueryResult[] Score(
        PreparedImage[] prepared, float[][] embeddings, int[][] atlases, int[] queries, string runDirectory, CancellationToken cancellationToken)
    {
        progress.StageStarted(ScoreStage, queries.Length);
        var coarseDirectory = Directory.CreateDirectory(Path.Combine(runDirectory, "coarse")).FullName;
        var finalDirectory = _decoder is null ? null : Directory.CreateDirectory(Path.Combine(runDirectory, "final")).FullName;
        var results = new QueryResult[queries.Length];
        Parallel.For(0, queries.Length, new ParallelOptions { CancellationToken = cancellationToken }, i =>
        {
            var q = queries[i];
            var query = prepared[q];
            var propagations = atlases[q].Select(s => _propagations[(q, s)]).ToArray();
            var supports = string.Join(';', atlases[q].Select(s => prepared[s].Source.Name));
            var seconds = propagations.Sum(p => p.Seconds);
            var maskName = Path.ChangeExtension(query.Source.Name, ".png");
            using var fused = Fuse(propagations);
            if (fused is null)
            {
                var errors = string.Join(" | ", propagations.Select(p => p.Error));
                results[i] = new QueryResult(query.Source.Name, supports, double.NaN, double.NaN, double.NaN, double.NaN, seconds, errors);
                progress.ItemCompleted(ScoreStage, query.Source.Name);
                return;
            }

            using var truth = ImageFile.ReadMask(query.Source.MaskPath);
            using var coarse = query.Geometry.ToOriginal(fused);
            var overlap = SegmentationMetrics.Compare(coarse.Pixels, truth.Pixels);
            MaskFile.WritePng(coarse, Path.Combine(coarseDirectory, maskName));

            var final = new Overlap(double.NaN, double.NaN);
            if (_decoder is not null && finalDirectory is not null)
            {
                using var logits = SegmentWithSam(fused, embeddings[q]);
                using var finalMask = logits is null ? null : query.Geometry.ToOriginal(logits);
                // An empty coarse mask gives SAM nothing to prompt with: the coarse mask stands as the final one.
                var threshold = finalMask is null ? 0.5f : 0f;
                var answer = finalMask ?? coarse;
                final = SegmentationMetrics.Compare(answer.Pixels, truth.Pixels, threshold);
                MaskFile.WritePng(answer, Path.Combine(finalDirectory, maskName), threshold);
            }

            results[i] = new QueryResult(query.Source.Name, supports, overlap.Dice, overlap.IoU, final.Dice, final.IoU, seconds, null);
            progress.ItemCompleted(ScoreStage, query.Source.Name);
        });
        progress.StageCompleted(ScoreStage);
        return results;
    }

    /// <summary>
    /// The paper's baselines, which register nothing: SAM prompted from each query's ground truth (manual prompts, no
    /// mask prompt, no refinement), or PerSAM from the query's support.
    /// </summary>
    private QueryResult[] ScoreBaseline(
        PreparedImage[] prepared, float[][] embeddings, SupportSelection selection, int[] queries, string runDirectory, CancellationToken cancellationToken)
    {
        progress.StageStarted(ScoreStage, queries.Length);
        var finalDirectory = Directory.CreateDirectory(Path.Combine(runDirectory, "final")).FullName;
        var results = new QueryResult[queries.Length];
        Parallel.For(0, queries.Length, new ParallelOptions { CancellationToken = cancellationToken }, i =>
        {
            var q = queries[i];
            var query = prepared[q];
            var support = options.Method == SegmentationMethod.PerSam ? prepared[selection.SupportOf(q)].Source.Name : string.Empty;
            using var truth = ImageFile.ReadMask(query.Source.MaskPath);
            using var logits = SegmentBaseline(prepared, embeddings, selection, q);
            // An empty ground truth gives nothing to click: the baseline answers with an empty mask.
            using var answer = logits is null ? new GrayImage(truth.Width, truth.Height) : query.Geometry.ToOriginal(logits);
            var final = SegmentationMetrics.Compare(answer.Pixels, truth.Pixels, threshold: 0f);
            MaskFile.WritePng(answer, Path.Combine(finalDirectory, Path.ChangeExtension(query.Source.Name, ".png")), threshold: 0f);
            results[i] = new QueryResult(query.Source.Name, support, double.NaN, double.NaN, final.Dice, final.IoU, 0, null);
            progress.ItemCompleted(ScoreStage, query.Source.Name);
        });
        progress.StageCompleted(ScoreStage);
        return results;
    }

    /// <summary>A baseline's logits on the working grid, or null when a manual prompt has nothing to click.</summary>
    private GrayImage? SegmentBaseline(PreparedImage[] prepared, float[][] embeddings, SupportSelection selection, int q)
    {
        var query = prepared[q];
        if (options.Method == SegmentationMethod.PerSam)
        {
            var s = selection.SupportOf(q);
            return PerSam.Segment(_decoder!, embeddings[s], prepared[s].WorkingMask, embeddings[q], SamFrame.Of(query.Working));
        }

        var prompt = PromptGenerator.FromGroundTruth(query.WorkingMask, options.Method.ManualPrompt()!.Value);
        return prompt is null ? null : SamSegmenter.Segment(_decoder!, embeddings[q], prompt, refine: 0);
    }

    /// <summary>Stages PA, SEG and PR on the working grid: SAM's final logits there, or null for an empty coarse mask.</summary>
    private GrayImage? SegmentWithSam(GrayImage coarseSoftMask, float[] embedding)
    {
        var prompt = PromptGenerator.FromCoarseMask(coarseSoftMask, options.Prompts);
        if (prompt is null)
        {
            return null;
        }

        try
        {
            var refine = options.Stages.HasFlag(Stage.Pr) ? options.Refine : 0;
            return SamSegmenter.Segment(_decoder!, embedding, prompt, refine);
        }
        finally
        {
            prompt.MaskInput?.Dispose();
        }
    }

    /// <summary>
    /// The mean of the soft masks that were propagated (label fusion by averaging); with one atlas, a copy of it.
    /// Null when every registration of the query failed.
    /// </summary>
    private static GrayImage? Fuse(Propagation[] propagations)
    {
        var masks = propagations.Where(p => p.SoftMask is not null).Select(p => p.SoftMask!).ToArray();
        if (masks.Length == 0)
        {
            return null;
        }

        var fused = masks[0].Clone();
        for (var m = 1; m < masks.Length; m++)
        {
            TensorPrimitives.Add(fused.Pixels, masks[m].Pixels, fused.Pixels);
        }

        if (masks.Length > 1)
        {
            TensorPrimitives.Multiply(fused.Pixels, 1f / masks.Length, fused.Pixels);
        }

        return fused;
    }

    private sealed record Propagation(GrayImage? SoftMask, double Seconds, string? Error);
}
