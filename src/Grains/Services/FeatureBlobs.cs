using SamMpa.Imaging.Images;
using SamMpa.Imaging.Localisation;
using SamMpa.Storage;

namespace SamMpa.Grains.Services;

/// <summary>Dense feature maps read from blob storage; a missing or damaged blob is an <see cref="InvalidImageException"/> naming it.</summary>
internal static class FeatureBlobs
{
    public static async Task<DenseFeatureMap> ReadAsync(IBlobStore blobs, string name, CancellationToken cancellationToken)
    {
        var bytes = await blobs.ReadAsync(name, cancellationToken)
            ?? throw new InvalidImageException(name, "no such blob (the image's dense features were not written at embedding)");
        return FeatureMapCodec.Decode(bytes)
            ?? throw new InvalidImageException(name, $"not an intact dense feature map ({bytes.Length} bytes: truncated, foreign or corrupt)");
    }
}
