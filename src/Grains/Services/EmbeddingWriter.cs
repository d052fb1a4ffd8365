using Microsoft.Extensions.Options;
using Microsoft.ML.OnnxRuntime;
using SamMpa.Grains.Images;
using SamMpa.Grains.Options;
using SamMpa.Grains.Workers;
using SamMpa.Imaging.Embeddings;
using SamMpa.Imaging.Images;
using SamMpa.Imaging.Localisation;
using SamMpa.Storage;

namespace SamMpa.Grains.Services;

/// <summary>
/// Stage EMBED of one image: its embedding on the working grid, written once (content depends only on the image and
/// the encoder, whose id is part of the blob name), and with it the image's dense feature map for localisation
/// (float16, named by the feature source's id). With SAM the map holds the stored embedding's float16 values, so it is
/// the same whether the embedding was computed in this call, read back, or computed again because its blob was damaged.
/// An image that cannot be read or that a model refuses is an <see cref="InvalidImageException"/> naming it.
/// </summary>
public sealed class EmbeddingWriter(IBlobStore blobs, WorkerModels models, IOptions<ImageOptions> imageOptions)
{
    /// <summary>Writes what is missing of the image's embedding and feature map; the outcome names both blobs.</summary>
    public async Task<EmbeddingOutcome> WriteAsync(EmbeddingJob job, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(job);
        // Loaded once per silo (at a gpu silo's start), on the thread pool.
        var encoder = await models.GetEncoderAsync();
        var featureSource = await models.GetFeatureSourceAsync();
        var blob = DatasetBlobLayout.Embedding(job.Dataset, encoder.Id, job.Image);
        var featureBlob = featureSource is null ? null : DatasetBlobLayout.Features(job.Dataset, featureSource.Id, job.Image);
        var outcome = new EmbeddingOutcome
        {
            EmbeddingBlob = blob, Encoder = encoder.Id, Dimension = encoder.Dimension, FeatureBlob = featureBlob, FeatureExtractor = featureSource?.Id,
        };
        var embed = !await blobs.ExistsAsync(blob, cancellationToken);
        var extract = featureBlob is not null && !await blobs.ExistsAsync(featureBlob, cancellationToken);
        if (!embed && !extract)
        {
            return outcome;
        }

        // The gate of the pipeline: an image of a refused size fails here, alone, and is never a support or a query.
        using var image = await BlobImages.ReadImageAsync(blobs, job.ImageBlob, imageOptions.Value.Limits, cancellationToken);
        var geometry = WorkingGeometry.For(image, job.WorkingSize);
        using var working = geometry.ToWorking(image);
        float[]? embedding = null;
        if (embed)
        {
            embedding = await EncodeAsync(encoder, working, blob, cancellationToken);
        }

        if (extract)
        {
            if (featureSource!.UsesSamEmbedding)
            {
                embedding ??= await StoredEmbeddingAsync(blob, encoder.Dimension, cancellationToken)
                    ?? await EncodeAsync(encoder, working, blob, cancellationToken);
            }

            var features = await ExtractAsync(featureSource, working, embedding, job.Image, cancellationToken);
            await blobs.TryCreateAsync(featureBlob!, FeatureMapCodec.Encode(features).Bytes, cancellationToken);
        }

        return outcome;
    }

    /// <summary>Encodes the image and writes its embedding blob (unless there already is one); the float16 values stored.</summary>
    private async Task<float[]> EncodeAsync(IImageEncoder encoder, GrayImage working, string blob, CancellationToken cancellationToken)
    {
        // Off the caller's scheduler: the encoder runs for a while on every core.
        var values = await Task.Run(() => encoder.Encode(working), cancellationToken);
        var (bytes, rounded) = EmbeddingCodec.Encode(values);
        await blobs.TryCreateAsync(blob, bytes, cancellationToken);
        return rounded;
    }

    /// <summary>The stored embedding, or null when its blob is gone or damaged (then the image is encoded again).</summary>
    private async Task<float[]?> StoredEmbeddingAsync(string blob, int dimension, CancellationToken cancellationToken)
    {
        var bytes = await blobs.ReadAsync(blob, cancellationToken);
        return bytes is null ? null : EmbeddingCodec.Decode(bytes, dimension);
    }

    /// <summary>The dense features, or an <see cref="InvalidImageException"/> naming the image when a model refuses it.</summary>
    private static async Task<DenseFeatureMap> ExtractAsync(DenseFeatureSource featureSource, GrayImage working, float[]? embedding, string image, CancellationToken cancellationToken)
    {
        try
        {
            return await Task.Run(() => featureSource.Extract(working, embedding), cancellationToken);
        }
        catch (Exception e) when (e is OnnxRuntimeException or InvalidOperationException or ArgumentException)
        {
            throw new InvalidImageException(image, $"dense features ({featureSource.Id}) failed: {e.Message}", e);
        }
    }
}
