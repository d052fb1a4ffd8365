using SamMpa.Imaging.Images;

namespace SamMpa.Grains.Options;

/// <summary>What images a dataset accepts (configuration section "Images"), checked when an image is embedded.</summary>
public sealed class ImageOptions
{
    public const string Section = "Images";

    /// <summary>Width x height above which an image fails (refused before it is decoded); images below 16x16 always fail.</summary>
    public long MaxPixels { get; set; } = ImageLimits.DefaultMaxPixels;

    public ImageLimits Limits => new() { MaxPixels = MaxPixels, MaxPixelsSetting = $"{Section}:{nameof(MaxPixels)}" };
}
