using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Microsoft.ML.OnnxRuntime;
using Orleans.Concurrency;
using SamMpa.Grains.Images;
using SamMpa.Grains.Options;
using SamMpa.Grains.Placement;
using SamMpa.Grains.Services;
using SamMpa.Grains.Telemetry;
using SamMpa.Imaging.Embeddings;
using SamMpa.Imaging.Images;
using SamMpa.Imaging.Localisation;
using SamMpa.Storage;

namespace SamMpa.Grains.Workers;

/// <summary>
/// Embeds one image on its working grid and writes the embedding blob once (content depends only on the image and the
/// encoder, whose id is part of the blob name), and with it the image's dense feature map for localisation (float16,
/// named by the extractor's id). One activation per silo: the encoder already uses every core (or the GPU).
/// </summary>
[StatelessWorker(1)]
[GpuPlacement]
internal sealed class EmbeddingWorker(
    IBlobStore blobs, WorkerModels models, IOptions<ImageOptions> imageOptions, SamMpaMetrics metrics, ILogger<EmbeddingWorker> logger)
    : Grain, IEmbeddingWorker
{
    public async Task<EmbeddingOutcome> EmbedAsync(EmbeddingJob job, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(job);
        SettingRanges.RequireWorkingSize(nameof(EmbeddingJob), job.WorkingSize);
        var clock = Stopwatch.StartNew();
        // Loaded once per silo (at a gpu silo's start), on the thread pool.
        var encoder = await models.GetEncoderAsync();
        var extractor = await models.GetFeatureExtractorAsync();
        var blob = DatasetBlobLayout.Embedding(job.Dataset, encoder.Id, job.Image);
        var featureBlob = extractor is null ? null : DatasetBlobLayout.Features(job.Dataset, extractor.Id, job.Image);
        var outcome = new EmbeddingOutcome
        {
            EmbeddingBlob = blob, Encoder = encoder.Id, Dimension = encoder.Dimension, FeatureBlob = featureBlob, FeatureExtractor = extractor?.Id,
        };
        try
        {
            var embed = !await blobs.ExistsAsync(blob, cancellationToken);
            var extract = featureBlob is not null && !await blobs.ExistsAsync(featureBlob, cancellationToken);
            if (embed || extract)
            {
                // The gate of the pipeline: an image of a refused size fails here, alone, and is never a support or a query.
                using var image = await BlobImages.ReadImageAsync(blobs, job.ImageBlob, imageOptions.Value.Limits, cancellationToken);
                var geometry = WorkingGeometry.For(image, job.WorkingSize);
                using var working = geometry.ToWorking(image);
                if (embed)
                {
                    // Off the grain's scheduler: the encoder runs for a while on every core.
                    var values = await Task.Run(() => encoder.Encode(working), cancellationToken);
                    await blobs.TryCreateAsync(blob, EmbeddingCodec.Encode(values).Bytes, cancellationToken);
                }

                if (extract)
                {
                    var features = await ExtractAsync(extractor!, working, job.Image, cancellationToken);
                    await blobs.TryCreateAsync(featureBlob!, FeatureMapCodec.Encode(features).Bytes, cancellationToken);
                }
            }

            metrics.ImageProcessed(StageNames.Embed, clock.Elapsed.TotalSeconds, ok: true);
            return outcome with { Seconds = clock.Elapsed.TotalSeconds };
        }
        catch (InvalidImageException e)
        {
            logger.LogWarning("Embedding failed: {Reason}", e.Message);
            metrics.ImageProcessed(StageNames.Embed, clock.Elapsed.TotalSeconds, ok: false);
            return new EmbeddingOutcome { Error = new ImageError(StageNames.Embed, ImageError.OneLine(e.Message)), Seconds = clock.Elapsed.TotalSeconds };
        }
    }

    /// <summary>The dense features, or an <see cref="InvalidImageException"/> naming the image when the model refuses it.</summary>
    private static async Task<DenseFeatureMap> ExtractAsync(DenseFeatureExtractor extractor, GrayImage working, string image, CancellationToken cancellationToken)
    {
        try
        {
            return await Task.Run(() => extractor.Extract(working), cancellationToken);
        }
        catch (Exception e) when (e is OnnxRuntimeException or InvalidOperationException or ArgumentException)
        {
            throw new InvalidImageException(image, $"dense features ({extractor.Id}) failed: {e.Message}", e);
        }
    }
}
