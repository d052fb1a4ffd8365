using SkiaSharp;

namespace SamMpa.Imaging.Images;

/// <summary>
/// An image with the outlines of two masks drawn over it, for looking at results: the coarse (propagated) mask in
/// <see cref="CoarseColor"/>, the final (SAM) mask in <see cref="FinalColor"/>. An outline is every foreground pixel
/// (above 0.5) with a background 4-neighbour, pixels outside the image counting as background; all other pixels
/// keep the image's gray value. Where the two outlines meet the coarse colour wins, so with a final mask equal to the
/// coarse one the outline shows in the coarse colour. Written as an RGB PNG, atomically.
/// </summary>
public static class MaskOverlay
{
    /// <summary>Yellow.</summary>
    public static readonly SKColor CoarseColor = new(255, 220, 0);

    /// <summary>Cyan.</summary>
    public static readonly SKColor FinalColor = new(0, 220, 255);

    /// <summary>Green: the ground truth, when an overlay compares a mask with it (see <see cref="EncodeComparisonPng"/>).</summary>
    public static readonly SKColor TruthColor = new(0, 200, 60);

    /// <summary>Writes the overlay; either mask may be null (no outline), both must be the image's size.</summary>
    public static void WritePng(GrayImage image, GrayImage? coarse, GrayImage? final, string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        MaskFile.WriteAtomically(path, EncodePng(image, coarse, final));
    }

    /// <summary>The overlay as PNG bytes.</summary>
    public static byte[] EncodePng(GrayImage image, GrayImage? coarse, GrayImage? final)
    {
        ArgumentNullException.ThrowIfNull(image);
        RequireSameSize(image, coarse, "coarse");
        RequireSameSize(image, final, "final");
        return Encode(image, coarse, CoarseColor, final, FinalColor);
    }

    /// <summary>
    /// A mask against the ground truth, for a report: the truth's outline in <see cref="TruthColor"/>, the mask's in
    /// <paramref name="maskColor"/> (the stage's colour: <see cref="CoarseColor"/> or <see cref="FinalColor"/>); where
    /// they meet the truth wins.
    /// </summary>
    public static byte[] EncodeComparisonPng(GrayImage image, GrayImage truth, GrayImage mask, SKColor maskColor)
    {
        ArgumentNullException.ThrowIfNull(image);
        ArgumentNullException.ThrowIfNull(truth);
        ArgumentNullException.ThrowIfNull(mask);
        RequireSameSize(image, truth, "truth");
        RequireSameSize(image, mask, "compared");
        return Encode(image, truth, TruthColor, mask, maskColor);
    }

    /// <summary>Outlines over the gray image; the first mask's colour wins where both outlines meet.</summary>
    private static byte[] Encode(GrayImage image, GrayImage? first, SKColor firstColor, GrayImage? second, SKColor secondColor)
    {

        using var bitmap = new SKBitmap(new SKImageInfo(image.Width, image.Height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        var pixels = bitmap.GetPixelSpan();
        var rowBytes = bitmap.RowBytes;
        for (var y = 0; y < image.Height; y++)
        {
            var source = image.Row(y);
            var row = pixels.Slice(y * rowBytes, image.Width * 4);
            for (var x = 0; x < image.Width; x++)
            {
                var color = first is not null && IsOutline(first, x, y) ? firstColor
                    : second is not null && IsOutline(second, x, y) ? secondColor
                    : Gray(source[x]);
                row[4 * x] = color.Red;
                row[(4 * x) + 1] = color.Green;
                row[(4 * x) + 2] = color.Blue;
                row[(4 * x) + 3] = 255;
            }
        }

        using var png = bitmap.Encode(SKEncodedImageFormat.Png, 100) ?? throw new IOException("PNG encoding failed.");
        return png.ToArray();
    }

    private static void RequireSameSize(GrayImage image, GrayImage? mask, string which)
    {
        if (mask is not null && (mask.Width != image.Width || mask.Height != image.Height))
        {
            throw new ArgumentException(
                $"The {which} mask is {mask.Width}x{mask.Height} but the image is {image.Width}x{image.Height}; an overlay needs masks of the image's size.",
                which);
        }
    }

    private static bool IsOutline(GrayImage mask, int x, int y) =>
        Inside(mask, x, y)
        && (!Inside(mask, x - 1, y) || !Inside(mask, x + 1, y) || !Inside(mask, x, y - 1) || !Inside(mask, x, y + 1));

    private static bool Inside(GrayImage mask, int x, int y) =>
        x >= 0 && y >= 0 && x < mask.Width && y < mask.Height && mask[x, y] > 0.5f;

    private static SKColor Gray(float value)
    {
        var level = (byte)Math.Clamp(MathF.Round(value), 0f, 255f);
        return new SKColor(level, level, level);
    }
}
