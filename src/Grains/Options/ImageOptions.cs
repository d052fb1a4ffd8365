using SamMpa.Imaging.Images;

namespace SamMpa.Grains.Options;

/// <summary>
/// What images and masks a dataset accepts (configuration section "Images"), checked wherever one is read from storage:
/// an image, annotation or ground-truth mask above either limit fails that image alone.
/// </summary>
public sealed class ImageOptions
{
    public const string Section = "Images";

    /// <summary>Width x height above which an image or mask fails (refused before it is decoded); images below 16x16 always fail.</summary>
    public long MaxPixels { get; set; } = ImageLimits.DefaultMaxPixels;

    /// <summary>Blob length in bytes above which an image or mask fails (refused before it is downloaded).</summary>
    public long MaxBlobBytes { get; set; } = ImageLimits.DefaultMaxBytes;

    public ImageLimits Limits => new()
    {
        MaxPixels = MaxPixels,
        MaxPixelsSetting = $"{Section}:{nameof(MaxPixels)}",
        MaxBytes = MaxBlobBytes,
        MaxBytesSetting = $"{Section}:{nameof(MaxBlobBytes)}",
    };
}
