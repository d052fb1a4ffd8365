namespace SamMpa.Imaging.Images;

/// <summary>
/// The images and masks the pipeline accepts, checked before any pixel is decoded: a file's length before it is read,
/// its size from its header. Below <see cref="MinimumSide"/> an image carries no structure to embed or register (it
/// would be stretched to the working size and elastix would return a mask of nothing); above <see cref="MaxPixels"/>
/// one decode would need more memory than a worker should take (README, "Image limits", gives the measured bytes per
/// pixel); above <see cref="MaxBytes"/> the file itself is refused unread.
/// </summary>
public sealed record ImageLimits
{
    /// <summary>Pixels an image needs at least on each side.</summary>
    public const int MinimumSide = 16;

    /// <summary>The default largest image: 40 megapixels (6,324 x 6,324), above any radiograph or MRI slice.</summary>
    public const long DefaultMaxPixels = 40_000_000;

    /// <summary>The default longest file: 256 MiB, above an uncompressed 16-bit RGBA image of 40 megapixels.</summary>
    public const long DefaultMaxBytes = 256L * 1024 * 1024;

    public static ImageLimits Default { get; } = new();

    /// <summary>Width x height above which an image or mask is refused.</summary>
    public long MaxPixels { get; init; } = DefaultMaxPixels;

    /// <summary>What names the pixel limit in the refusal (a setting's name), so the user knows what to raise.</summary>
    public string MaxPixelsSetting { get; init; } = "the pixel limit";

    /// <summary>File (blob) length in bytes above which an image or mask is refused before it is read.</summary>
    public long MaxBytes { get; init; } = DefaultMaxBytes;

    /// <summary>What names the length limit in the refusal.</summary>
    public string MaxBytesSetting { get; init; } = "the file length limit";

    /// <summary>
    /// Throws an <see cref="InvalidImageException"/> naming <paramref name="name"/> when an image's size is outside the
    /// limits (too small to register, or above <see cref="MaxPixels"/>).
    /// </summary>
    public void Check(int width, int height, string name)
    {
        if (width < MinimumSide || height < MinimumSide)
        {
            throw new InvalidImageException(name, $"image is {width}x{height} pixels; at least {MinimumSide}x{MinimumSide} is needed (too small to register)");
        }

        CheckPixels(width, height, name);
    }

    /// <summary>Throws an <see cref="InvalidImageException"/> naming <paramref name="name"/> when width x height is above <see cref="MaxPixels"/>.</summary>
    public void CheckPixels(int width, int height, string name)
    {
        var pixels = (long)width * height;
        if (pixels > MaxPixels)
        {
            throw new InvalidImageException(
                name, $"image is {width}x{height} pixels ({pixels:N0}), above the limit of {MaxPixels:N0} pixels ({MaxPixelsSetting}); downsample it or raise the limit");
        }
    }

    /// <summary>Throws an <see cref="InvalidImageException"/> naming <paramref name="name"/> when a file of <paramref name="length"/> bytes is above <see cref="MaxBytes"/>.</summary>
    public void CheckBytes(long length, string name)
    {
        if (length > MaxBytes)
        {
            throw new InvalidImageException(
                name, $"file is {length:N0} bytes, above the limit of {MaxBytes:N0} bytes ({MaxBytesSetting}); it was not read");
        }
    }
}
