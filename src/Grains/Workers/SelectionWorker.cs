using System.Diagnostics;
using Microsoft.Extensions.Options;
using Orleans.Concurrency;
using SamMpa.Grains.Datasets;
using SamMpa.Grains.Datasets.Files;
using SamMpa.Grains.Datasets.Phases;
using SamMpa.Grains.Images;
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

        var (strata, strataProblem) = await ReadStrataAsync(job, images, candidates, cancellationToken);
        if (strataProblem is not null)
        {
            return new SelectionOutcome { Error = strataProblem };
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
        var stratified = job.StratifyBy is not null;
        var rankStrata = stratified ? strata : null;
        var (supports, ranked, leftOutRanked, note) = await Task.Run(
            () =>
            {
                string? note = null;
                SupportSelection selection;
                if (fixedSupports is not null)
                {
                    selection = stratified ? StratifiedSelector.WithSupports(embeddings, strata!, fixedSupports) : SupportSelector.WithSupports(embeddings, fixedSupports);
                }
                else if (stratified)
                {
                    var result = StratifiedSelector.Select(embeddings, strata!, job.K, job.MinStratumShare);
                    selection = result.Selection;
                    note = result.Note;
                }
                else
                {
                    selection = job.ByEmbedding ? SupportSelector.Select(embeddings, job.K) : SupportSelector.SelectRandom(embeddings, job.K, job.Seed);
                }

                // Stage AUTO leaves each support out in turn; it may try up to PipelineCandidates.MaxAtlases atlases.
                var leftOut = AtlasRanking.LeaveOneOut(embeddings, selection, Math.Max(job.Atlases, PipelineCandidates.MaxAtlases), rankStrata);
                return (selection.Supports.ToArray(), AtlasRanking.Rank(embeddings, selection, job.Atlases, rankStrata), leftOut, note);
            },
            cancellationToken);
        var atlases = Enumerable.Range(0, images.Count).Select(_ => Array.Empty<int>()).ToArray();
        for (var c = 0; c < candidates.Length; c++)
        {
            atlases[candidates[c]] = ranked[c].Select(a => candidates[a]).ToArray();
        }

        var supportImages = supports.Select(c => candidates[c]).ToArray();
        var leftOutAtlases = leftOutRanked.Select(r => r.Select(a => candidates[a]).ToArray()).ToArray();
        string[]? imageStrata = null;
        if (strata is not null)
        {
            imageStrata = new string[images.Count];
            Array.Fill(imageStrata, string.Empty);
            for (var c = 0; c < candidates.Length; c++)
            {
                imageStrata[candidates[c]] = strata[c];
            }
        }

        var file = new SelectionFile(supportImages, atlases, leftOutAtlases, imageStrata is null ? null : StratumField(job), imageStrata, stratified);
        await DatasetFiles.WriteSelectionAsync(blobs, job.Dataset, file, cancellationToken);
        return new SelectionOutcome { Supports = supportImages, Seconds = clock.Elapsed.TotalSeconds, Note = note };
    }

    /// <summary>The field strata are read by: the one selected by, else the site (for Dice per site in the report).</summary>
    private static string StratumField(SelectionJob job) => job.StratifyBy ?? "site";

    /// <summary>
    /// Each candidate's stratum ("" without a provenance blob), or null when the selection is not stratified and no image
    /// has provenance. Only the blobs listed under the dataset's provenance folder are read; one that cannot be read
    /// fails the selection, naming it.
    /// </summary>
    private async Task<(string[]? Strata, string? Problem)> ReadStrataAsync(
        SelectionJob job, IReadOnlyList<string> images, int[] candidates, CancellationToken cancellationToken)
    {
        var field = StratumField(job);
        try
        {
            new ImageProvenance().ValueOf(field);
        }
        catch (ArgumentException e)
        {
            return (null, e.Message.Split(" (Parameter", 2)[0]);
        }

        var present = new HashSet<string>(StringComparer.Ordinal);
        await foreach (var name in blobs.ListAsync(DatasetBlobLayout.Prefix(job.Dataset) + "provenance/", cancellationToken))
        {
            present.Add(name);
        }

        if (present.Count == 0 && job.StratifyBy is null)
        {
            return (null, null);
        }

        var strata = new string[candidates.Length];
        var problems = new List<string>();
        await Parallel.ForEachAsync(
            Enumerable.Range(0, candidates.Length),
            new ParallelOptions { MaxDegreeOfParallelism = ParallelReads, CancellationToken = cancellationToken },
            async (c, ct) =>
            {
                var name = DatasetBlobLayout.Provenance(job.Dataset, images[candidates[c]]);
                if (!present.Contains(name) || await blobs.ReadAsync(name, ct) is not { } bytes)
                {
                    strata[c] = string.Empty;
                    return;
                }

                try
                {
                    strata[c] = ImageProvenance.FromJson(bytes, name).ValueOf(field);
                }
                catch (Exception e) when (e is System.Text.Json.JsonException or InvalidDataException)
                {
                    lock (problems)
                    {
                        problems.Add($"{name}: not a readable provenance ({ImageError.OneLine(e.Message)})");
                    }
                }
            });
        return problems.Count > 0 ? (null, string.Join("; ", problems.Order(StringComparer.Ordinal).Take(10))) : (strata, null);
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
