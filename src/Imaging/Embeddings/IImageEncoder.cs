using SamMpa.Imaging.Images;

namespace SamMpa.Imaging.Embeddings;

/// <summary>
/// Turns a gray image (intensities on a 0..255 scale, treated as R=G=B) into a flat feature vector.
/// Implementations are thread-safe: concurrent <see cref="Encode"/> calls share one inference session.
/// </summary>
public interface IImageEncoder : IDisposable
{
    /// <summary>Identifies the encoder and its model weights (e.g. "resnet18-1a2b3c4d5e6f"); used as a cache key.</summary>
    string Id { get; }

    /// <summary>Number of floats returned per image.</summary>
    int Dimension { get; }

    float[] Encode(GrayImage image);

    IReadOnlyList<float[]> EncodeBatch(IReadOnlyList<GrayImage> images);
}
