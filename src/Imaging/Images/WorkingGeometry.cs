namespace SamMpa.Imaging.Images;

/// <summary>
/// Maps an image between its original size and the square working size the model runs at (256x256 in the paper).
/// The resize is anisotropic: aspect ratio is not kept, so every original pixel maps to the whole working frame.
/// </summary>
public sealed record WorkingGeometry(int OriginalWidth, int OriginalHeight, int WorkingWidth, int WorkingHeight)
{
    /// <summary>Geometry taking <paramref name="image"/> to a square of <paramref name="workingSize"/> pixels.</summary>
    public static WorkingGeometry For(GrayImage image, int workingSize = 256)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(workingSize);
        return new WorkingGeometry(image.Width, image.Height, workingSize, workingSize);
    }

    /// <summary>Intensities at working size (bilinear).</summary>
    public GrayImage ToWorking(GrayImage original)
    {
        CheckSize(original, OriginalWidth, OriginalHeight, "original");
        return Resampler.Bilinear(original, WorkingWidth, WorkingHeight);
    }

    /// <summary>A 0/1 mask at working size as a soft mask (bilinear, values in 0..1).</summary>
    public GrayImage MaskToWorking(GrayImage mask) => ToWorking(mask);

    /// <summary>
    /// A working-size image back at original size (bilinear). For soft masks the caller thresholds at 0.5 afterwards.
    /// </summary>
    public GrayImage ToOriginal(GrayImage working)
    {
        CheckSize(working, WorkingWidth, WorkingHeight, "working");
        return Resampler.Bilinear(working, OriginalWidth, OriginalHeight);
    }

    private static void CheckSize(GrayImage image, int width, int height, string kind)
    {
        ArgumentNullException.ThrowIfNull(image);
        if (image.Width != width || image.Height != height)
        {
            throw new ArgumentException(
                $"Expected a {kind} image of {width}x{height}, got {image.Width}x{image.Height}.", nameof(image));
        }
    }
}
