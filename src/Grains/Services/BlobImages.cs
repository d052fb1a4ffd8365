using SamMpa.Imaging.Images;
using SamMpa.Storage;

namespace SamMpa.Grains.Services;

/// <summary>Images and masks read from blob storage; a missing or unreadable blob is an <see cref="InvalidImageException"/> naming it.</summary>
internal static class BlobImages
{
    public static async Task<GrayImage> ReadImageAsync(IBlobStore blobs, string name, CancellationToken cancellationToken) =>
        ImageFile.Decode(await ReadAsync(blobs, name, cancellationToken), name);

    /// <summary>Reads an image whose size must be within <paramref name="limits"/> (checked from its header before decoding).</summary>
    public static async Task<GrayImage> ReadImageAsync(IBlobStore blobs, string name, ImageLimits limits, CancellationToken cancellationToken) =>
        ImageFile.Decode(await ReadAsync(blobs, name, cancellationToken), name, limits);

    /// <summary>An image's size from its header, without decoding its pixels.</summary>
    public static async Task<(int Width, int Height)> ReadSizeAsync(IBlobStore blobs, string name, CancellationToken cancellationToken) =>
        ImageFile.ReadSize(await ReadAsync(blobs, name, cancellationToken), name);

    public static async Task<GrayImage> ReadMaskAsync(IBlobStore blobs, string name, CancellationToken cancellationToken) =>
        ImageFile.DecodeMask(await ReadAsync(blobs, name, cancellationToken), name);

    private static async Task<byte[]> ReadAsync(IBlobStore blobs, string name, CancellationToken cancellationToken) =>
        await blobs.ReadAsync(name, cancellationToken) ?? throw new InvalidImageException(name, "no such blob");
}
