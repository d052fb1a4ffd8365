using System.Collections.Concurrent;
using System.Diagnostics;
using System.Numerics.Tensors;
using SamMpa.Imaging.Embeddings;
using SamMpa.Imaging.Images;
using SamMpa.Imaging.Metrics;
using SamMpa.Imaging.Registration;
using SamMpa.Imaging.Selection;

namespace SamMpa.Imaging.Evaluation;

/// <summary>
/// `sammpa eval`: selects supports (ES, or random), propagates their ground-truth masks to every query (MP) and
/// scores the coarse masks against the queries' ground truth. Everything is checked before anything is written;
/// a registration that fails is recorded against its query and the run goes on.
/// </summary>
public sealed class EvalRunner(EvalOptions options, IEvalProgress progress)
{
    public const string PrepareStage = "load";
    public const string EmbedStage = "embed";
    public const string RegisterStage = "register";
    public const string ScoreStage = "score";

    /// <summary>Soft masks already propagated, keyed by (query, support): several K values share many pairs.</summary>
    private readonly ConcurrentDictionary<(int Query, int Support), Propagation> _propagations = new();

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
        using var encoder = EncoderFactory.Create(options.SamEncoderPath, options.Device, progress.Warning);

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
        for (var i = 0; i < prepared.Length; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var image = prepared[i];
            // The encoder sees the working-grid image, as in the paper, so the grid is part of the key.
            var key = $"{EmbeddingCache.ContentHash(image.Source.ImagePath)}-w{options.WorkingSize}";
            embeddings[i] = cache.GetOrAdd(key, encoder, () => image.Working.Clone());
            progress.ItemCompleted(EmbedStage, image.Source.Name);
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
        var stages = StageParser.Format(options.Stages);
        var runName = $"k{k}-{stages.Replace(',', '-')}" + (options.Atlases > 1 ? $"-a{options.Atlases}" : string.Empty);

        var atlases = AtlasRanking.Rank(embeddings, selection, options.Atlases);
        var pending = queries.SelectMany(q => atlases[q].Select(s => (Query: q, Support: s)))
            .Where(pair => !_propagations.ContainsKey(pair))
            .ToArray();
        var registrationClock = Stopwatch.StartNew();
        await PropagateAsync(prepared, pending, cancellationToken);
        var registrationWall = registrationClock.Elapsed.TotalSeconds;

        var results = Score(prepared, atlases, queries, Path.Combine(options.OutputDirectory, runName, "coarse"), cancellationToken);

        var succeeded = results.Where(r => !r.Failed).ToArray();
        var dice = Statistics.Of(succeeded.Select(r => r.Dice));
        var summary = new RunSummary(
            runName,
            k,
            stages,
            selection.Supports.Select(s => prepared[s].Source.Name).ToArray(),
            queries.Length,
            results.Count(r => r.Failed),
            dice.Mean,
            dice.Std,
            dice.Median,
            succeeded.Length == 0 ? double.NaN : succeeded.Average(r => r.IoU),
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

    private QueryResult[] Score(PreparedImage[] prepared, int[][] atlases, int[] queries, string coarseDirectory, CancellationToken cancellationToken)
    {
        progress.StageStarted(ScoreStage, queries.Length);
        Directory.CreateDirectory(coarseDirectory);
        var results = new QueryResult[queries.Length];
        Parallel.For(0, queries.Length, new ParallelOptions { CancellationToken = cancellationToken }, i =>
        {
            var query = prepared[queries[i]];
            var propagations = atlases[queries[i]].Select(s => _propagations[(queries[i], s)]).ToArray();
            var supports = string.Join(';', atlases[queries[i]].Select(s => prepared[s].Source.Name));
            var seconds = propagations.Sum(p => p.Seconds);
            using var fused = Fuse(propagations);
            if (fused is null)
            {
                var errors = string.Join(" | ", propagations.Select(p => p.Error));
                results[i] = new QueryResult(query.Source.Name, supports, double.NaN, double.NaN, seconds, errors);
            }
            else
            {
                using var coarse = query.Geometry.ToOriginal(fused);
                using var truth = ImageFile.ReadMask(query.Source.MaskPath);
                var overlap = SegmentationMetrics.Compare(coarse.Pixels, truth.Pixels);
                MaskFile.WritePng(coarse, Path.Combine(coarseDirectory, Path.ChangeExtension(query.Source.Name, ".png")));
                results[i] = new QueryResult(query.Source.Name, supports, overlap.Dice, overlap.IoU, seconds, null);
            }

            progress.ItemCompleted(ScoreStage, query.Source.Name);
        });
        progress.StageCompleted(ScoreStage);
        return results;
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
