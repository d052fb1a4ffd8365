namespace SamMpa.Imaging.Images;

/// <summary>
/// The image sizes the pipeline accepts, checked from the file's header before any pixel is decoded. Below
/// <see cref="MinimumSide"/> an image carries no structure to embed or register (it would be stretched to the working
/// size and elastix would return a mask of nothing); above <see cref="MaxPixels"/> one decode would need more memory
/// than a worker should take (4 bytes per pixel to decode plus 4 per pixel of gray, per image in flight).
/// </summary>
public sealed record ImageLimits
{
    /// <summary>Pixels an image needs at least on each side.</summary>
    public const int MinimumSide = 16;

    /// <summary>The default largest image: 40 megapixels (6,324 x 6,324), above any radiograph or MRI slice.</summary>
    public const long DefaultMaxPixels = 40_000_000;

    public static ImageLimits Default { get; } = new();

    /// <summary>Width x height above which an image is refused.</summary>
    public long MaxPixels { get; init; } = DefaultMaxPixels;

    /// <summary>What names the limit in the refusal (a setting's name), so the user knows what to raise.</summary>
    public string MaxPixelsSetting { get; init; } = "the pixel limit";

    /// <summary>Throws an <see cref="InvalidImageException"/> naming <paramref name="name"/> when its size is outside the limits.</summary>
    public void Check(int width, int height, string name)
    {
        if (width < MinimumSide || height < MinimumSide)
        {
            throw new InvalidImageException(name, $"image is {width}x{height} pixels; at least {MinimumSide}x{MinimumSide} is needed (too small to register)");
        }

        var pixels = (long)width * height;
        if (pixels > MaxPixels)
        {
            throw new InvalidImageException(
                name, $"image is {width}x{height} pixels ({pixels:N0}), above the limit of {MaxPixels:N0} pixels ({MaxPixelsSetting}); downsample it or raise the limit");
        }
    }
}
