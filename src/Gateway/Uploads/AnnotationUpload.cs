using SamMpa.Gateway.Errors;
using SamMpa.Grains.Datasets;
using SamMpa.Imaging.Images;
using SamMpa.Storage;

namespace SamMpa.Gateway.Uploads;

/// <summary>
/// A mask a person drew, as a request body: a PNG within <c>Gateway:MaxAnnotationBytes</c>, of the image's size and not
/// empty (the checks of <c>sammpa annotate</c>), read before anything is stored.
/// </summary>
internal static class AnnotationUpload
{
    /// <summary>The PNG's bytes once every check passed; <paramref name="what"/> names the mask in every error.</summary>
    public static async Task<byte[]> ReadAsync(
        HttpRequest request, DatasetAccess access, string image, string what, IBlobStore blobs, GatewaySettings settings, CancellationToken cancellationToken)
    {
        if (request.ContentLength > settings.MaxAnnotationBytes)
        {
            throw new PayloadTooLargeException($"{what} is {request.ContentLength:N0} bytes, above the limit of {settings.MaxAnnotationBytes:N0} bytes (Gateway:MaxAnnotationBytes).");
        }

        using var buffer = new MemoryStream();
        await new LengthLimitedStream(request.Body, settings.MaxAnnotationBytes, what).CopyToAsync(buffer, cancellationToken);
        var content = buffer.ToArray();
        if (content.Length == 0 || !ImageFile.IsPng(content))
        {
            throw new ArgumentException($"{what} is not a PNG ({content.Length:N0} bytes without the PNG signature).");
        }

        var limits = ImageLimits.Default with { MaxBytes = settings.MaxAnnotationBytes, MaxBytesSetting = "Gateway:MaxAnnotationBytes" };
        using var mask = ImageFile.DecodeMask(content, $"mask of {image}", limits);
        var imageBlob = access.ImagePrefix + image;
        var imageContent = await blobs.ReadAsync(imageBlob, settings.MaxFileBytes, cancellationToken)
            ?? throw new KeyNotFoundException($"The image {image} is missing from storage ({imageBlob}).");
        var (width, height) = ImageFile.ReadSize(imageContent, image);
        return SupportAnnotation.Problem(mask, image, width, height) is { } problem
            ? throw new ArgumentException($"{what} cannot be used: {problem}.")
            : content;
    }
}
