using System.Diagnostics;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using SamMpa.Grains.Datasets.Files;
using SamMpa.Grains.Datasets.Phases;
using SamMpa.Grains.Options;
using SamMpa.Grains.Placement;
using SamMpa.Grains.Services;
using SamMpa.Imaging.Embeddings;
using SamMpa.Imaging.Images;
using SamMpa.Imaging.Selection;
using SamMpa.Storage;

namespace SamMpa.Grains.Workers;

/// <summary>Stage ES on a cpu silo: loads the dataset's embeddings (optionally pooled) and picks the supports.</summary>
[StatelessWorker(1)]
[CpuPlacement]
internal sealed class SelectionWorker(IBlobStore blobs, IOptions<ImageOptions> imageOptions, IOptions<JobOptions> jobOptions) : Grain, ISelectionWorker
{
    private const int ParallelReads = 16;

    public async Task<SelectionOutcome> SelectAsync(SelectionJob job, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(job);
        SettingRanges.Require($"{nameof(SelectionJob)}.{nameof(job.PooledDimension)}", job.PooledDimension, 0, SettingRanges.MaxPooledDimension);
        SettingRanges.Require($"{nameof(SelectionJob)}.{nameof(job.Atlases)}", job.Atlases, 1, Math.Max(1, job.K));
        var clock = Stopwatch.StartNew();
        var maxBytes = jobOptions.Value.MaxSelectionBytes;
        var images = await DatasetFiles.ReadImagesAsync(blobs, job.Dataset, job.ImageCount, cancellationToken);
        var failed = (await DatasetFiles.ReadEmbeddingAsync(blobs, job.Dataset, cancellationToken)).FailedIndexes();
        // Images whose embedding failed are neither supports nor queries.
        var candidates = Enumerable.Range(0, images.Count).Where(i => !failed.Contains(i)).ToArray();
        var embeddings = new float[candidates.Length][];
        var problems = new List<string>();
        string? overBudget = null;
        using var stopReads = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        try
        {
            await Parallel.ForEachAsync(
                Enumerable.Range(0, candidates.Length),
                new ParallelOptions { MaxDegreeOfParallelism = ParallelReads, CancellationToken = stopReads.Token },
                async (c, ct) =>
                {
                    var name = DatasetBlobLayout.Embedding(job.Dataset, job.Encoder, images[candidates[c]]);
                    var values = EmbeddingCodec.Decode(await blobs.ReadAsync(name, ct) ?? []);
                    if (values is null)
                    {
                        lock (problems)
                        {
                            problems.Add($"{name}: missing or unreadable embedding");
                        }

                        return;
                    }

                    var kept = job.PooledDimension > 0 ? EmbeddingPooling.Pool(values, job.PooledDimension) : values;
                    // All of them would take this much: refused from the first one read, none kept, the reads end.
                    var bytes = (long)candidates.Length * kept.Length * sizeof(float);
                    if (bytes > maxBytes)
                    {
                        overBudget ??= $"{nameof(SelectionJob)}.{nameof(job.PooledDimension)} {job.PooledDimension} keeps {candidates.Length} embeddings of {kept.Length} values "
                            + $"({bytes} bytes), above the {maxBytes} a selection may hold (Job:MaxSelectionBytes): "
                            + $"set it to 1..{Math.Max(1, maxBytes / sizeof(float) / candidates.Length)}";
                        await stopReads.CancelAsync();
                        return;
                    }

                    embeddings[c] = kept;
                });
        }
        catch (OperationCanceledException) when (overBudget is not null && !cancellationToken.IsCancellationRequested)
        {
        }

        if (overBudget is not null)
        {
            return new SelectionOutcome { Error = overBudget };
        }

        if (problems.Count > 0)
        {
            return new SelectionOutcome { Error = string.Join("; ", problems.Order(StringComparer.Ordinal).Take(10)) };
        }

        var dimensions = embeddings.Select(e => e.Length).Distinct().ToArray();
        if (dimensions.Length > 1)
        {
            return new SelectionOutcome { Error = $"embeddings of different lengths ({string.Join(", ", dimensions)}): the dataset was embedded by different encoders" };
        }

        var fixedSupports = job.FixedSupports?.Select(i => Array.IndexOf(candidates, i)).ToArray();
        if (fixedSupports is not null && fixedSupports.Contains(-1))
        {
            var lost = job.FixedSupports!.First(i => Array.IndexOf(candidates, i) < 0);
            return new SelectionOutcome { Error = $"support {(lost >= 0 && lost < images.Count ? images[lost] : lost.ToString(System.Globalization.CultureInfo.InvariantCulture))} has no embedding" };
        }

        try
        {
            SupportSelector.ValidateK(embeddings.Length, fixedSupports?.Length ?? job.K);
        }
        catch (ArgumentOutOfRangeException e)
        {
            return new SelectionOutcome { Error = e.Message.Split(" (Parameter", 2)[0] };
        }

        // Off the grain's scheduler: selection is O(N K d) arithmetic.
        var (supports, ranked, leftOutRanked) = await Task.Run(
            () =>
            {
                var selection = fixedSupports is not null ? SupportSelector.WithSupports(embeddings, fixedSupports)
                    : job.ByEmbedding ? SupportSelector.Select(embeddings, job.K)
                    : SupportSelector.SelectRandom(embeddings, job.K, job.Seed);
                // Stage AUTO leaves each support out in turn; it may try up to PipelineCandidates.MaxAtlases atlases.
                var leftOut = AtlasRanking.LeaveOneOut(embeddings, selection, Math.Max(job.Atlases, PipelineCandidates.MaxAtlases));
                return (selection.Supports.ToArray(), AtlasRanking.Rank(embeddings, selection, job.Atlases), leftOut);
            },
            cancellationToken);
        var atlases = Enumerable.Range(0, images.Count).Select(_ => Array.Empty<int>()).ToArray();
        for (var c = 0; c < candidates.Length; c++)
        {
            atlases[candidates[c]] = ranked[c].Select(a => candidates[a]).ToArray();
        }

        var supportImages = supports.Select(c => candidates[c]).ToArray();
        var leftOutAtlases = leftOutRanked.Select(r => r.Select(a => candidates[a]).ToArray()).ToArray();
        await DatasetFiles.WriteSelectionAsync(blobs, job.Dataset, new SelectionFile(supportImages, atlases, leftOutAtlases), cancellationToken);
        return new SelectionOutcome { Supports = supportImages, Seconds = clock.Elapsed.TotalSeconds };
    }

    public async Task<string?> CheckAnnotationAsync(AnnotationCheck check, CancellationToken cancellationToken = default)
    {
        try
        {
            using var image = await BlobImages.ReadImageAsync(blobs, check.ImageBlob, imageOptions.Value.Limits, cancellationToken);
            using var annotation = await BlobImages.ReadMaskAsync(blobs, check.AnnotationBlob, imageOptions.Value.Limits, cancellationToken);
            return SupportAnnotation.Problem(annotation, check.Image, image.Width, image.Height) is { } problem
                ? $"{check.AnnotationBlob}: {problem}"
                : null;
        }
        catch (InvalidImageException e)
        {
            return e.Message;
        }
    }
}
