using SamMpa.Imaging.Images;
using SamMpa.Storage;

namespace SamMpa.Grains.Services;

/// <summary>
/// Images, masks, annotations and ground truth read from blob storage, every one through the same gate: the blob's
/// length capped before it is downloaded, then <see cref="ImageFile"/>'s header check and decode within the same
/// <see cref="ImageLimits"/>. A missing, oversized or unreadable blob is an <see cref="InvalidImageException"/> naming it.
/// </summary>
internal static class BlobImages
{
    /// <summary>Reads an image whose length and size must be within <paramref name="limits"/> (checked before downloading and decoding).</summary>
    public static async Task<GrayImage> ReadImageAsync(IBlobStore blobs, string name, ImageLimits limits, CancellationToken cancellationToken) =>
        ImageFile.Decode(await ReadAsync(blobs, name, limits, cancellationToken), name, limits);

    /// <summary>Reads a mask (annotation, ground truth), binarised, within the same length and pixel limits as images.</summary>
    public static async Task<GrayImage> ReadMaskAsync(IBlobStore blobs, string name, ImageLimits limits, CancellationToken cancellationToken) =>
        ImageFile.DecodeMask(await ReadAsync(blobs, name, limits, cancellationToken), name, limits);

    private static async Task<byte[]> ReadAsync(IBlobStore blobs, string name, ImageLimits limits, CancellationToken cancellationToken)
    {
        try
        {
            return await blobs.ReadAsync(name, limits.MaxBytes, cancellationToken) ?? throw new InvalidImageException(name, "no such blob");
        }
        catch (BlobTooLargeException e)
        {
            throw new InvalidImageException(
                name, $"blob is {e.Length:N0} bytes, above the limit of {e.MaxBytes:N0} bytes ({limits.MaxBytesSetting}); it was not downloaded", e);
        }
    }
}
