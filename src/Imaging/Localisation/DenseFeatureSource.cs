using System.Numerics.Tensors;
using SamMpa.Imaging.Images;

namespace SamMpa.Imaging.Localisation;

/// <summary>
/// The dense features an embedding silo writes for localisation: ResNet18's layer3 + layer4 map
/// (<see cref="DenseFeatureExtractor"/>), joined, when the silo embeds with a SAM encoder, by that image embedding on the
/// same grid (<see cref="SamEmbeddingGrid"/>). Joined, the three blocks (layer3, layer4, SAM) weigh alike: each cell's
/// vector is still of length 1, with each block at 1/sqrt(3). SAM's embedding is the encoder's output the silo already
/// computed for the image, so the SAM block costs no second run of the encoder.
/// </summary>
public sealed class DenseFeatureSource
{
    private static readonly float ResNetScale = MathF.Sqrt(2f / 3f);
    private static readonly float SamScale = MathF.Sqrt(1f / 3f);

    /// <param name="resNet">The ResNet18 extractor.</param>
    /// <param name="samEncoderId">The id of the SAM encoder whose embeddings join the map, or null for ResNet18 alone.</param>
    public DenseFeatureSource(DenseFeatureExtractor resNet, string? samEncoderId = null)
    {
        ArgumentNullException.ThrowIfNull(resNet);
        if (samEncoderId is not null && string.IsNullOrWhiteSpace(samEncoderId))
        {
            throw new ArgumentException("A SAM encoder id cannot be blank.", nameof(samEncoderId));
        }

        ResNet = resNet;
        SamEncoderId = samEncoderId;
        Id = samEncoderId is null ? resNet.Id : $"{resNet.Id}_{samEncoderId}";
    }

    /// <summary>Names every model that feeds the map: stored maps are valid only for the same id.</summary>
    public string Id { get; }

    public DenseFeatureExtractor ResNet { get; }

    /// <summary>The SAM encoder whose embeddings join the map, or null.</summary>
    public string? SamEncoderId { get; }

    /// <summary>Whether <see cref="Extract"/> needs the image's SAM embedding.</summary>
    public bool UsesSamEmbedding => SamEncoderId is not null;

    /// <param name="working">The image on its working grid (what the encoders saw).</param>
    /// <param name="samEmbedding">The image's embedding by the SAM encoder named by <see cref="SamEncoderId"/>; ignored without one.</param>
    public DenseFeatureMap Extract(GrayImage working, ReadOnlySpan<float> samEmbedding)
    {
        ArgumentNullException.ThrowIfNull(working);
        var resNet = ResNet.Extract(working);
        if (!UsesSamEmbedding)
        {
            return resNet;
        }

        var sam = SamEmbeddingGrid.OnGrid(samEmbedding, working.Width, working.Height, resNet.Width, resNet.Height);
        var resNetLength = resNet.Values.Length;
        var values = new float[resNetLength + sam.Values.Length];
        TensorPrimitives.Multiply(resNet.Values, ResNetScale, values.AsSpan(0, resNetLength));
        TensorPrimitives.Multiply(sam.Values, SamScale, values.AsSpan(resNetLength));
        return new DenseFeatureMap(resNet.Channels + sam.Channels, resNet.Height, resNet.Width, values);
    }
}
