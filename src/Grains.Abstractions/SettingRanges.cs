using SamMpa.Grains.Datasets;

namespace SamMpa.Grains;

/// <summary>
/// The allowed range of every numeric setting a grain or worker receives, checked where the value is used as well as
/// where a dataset accepts it: a worker may be called by any client, and an out-of-range size or count is otherwise an
/// allocation or a loop of the caller's choosing. A bad value is an <see cref="ArgumentOutOfRangeException"/> naming the
/// field and the range.
/// </summary>
public static class SettingRanges
{
    public const int MinWorkingSize = 32;
    public const int MaxWorkingSize = 4096;

    /// <summary>SAM's answer fed back at most this many times (each pass is one decode).</summary>
    public const int MaxRefine = 100;

    /// <summary>A box margin beyond the largest working grid adds nothing.</summary>
    public const int MaxBoxMargin = MaxWorkingSize;

    public const int MaxMaskDilation = 256;

    /// <summary>SAM's embeddings have 256 x 64 x 64 values: pooling to more keeps them whole.</summary>
    public const int MaxPooledDimension = 1 << 20;

    /// <summary>Side of an original image a worker maps a mask back to (PNG's limit is 2^31 - 1; the pixel limit applies too).</summary>
    public const int MaxImageSide = 1 << 16;

    /// <summary>Throws when <paramref name="value"/> is outside <paramref name="min"/>..<paramref name="max"/>, naming <paramref name="field"/>.</summary>
    public static void Require(string field, long value, long min, long max)
    {
        if (value < min || value > max)
        {
            throw new ArgumentOutOfRangeException(field, value, $"{field} is {value}: allowed {min}..{max}.");
        }
    }

    public static void RequireWorkingSize(string owner, int workingSize) =>
        Require($"{owner}.WorkingSize", workingSize, MinWorkingSize, MaxWorkingSize);

    /// <summary>The numeric fields of a run's settings: Refine and the prompts' margin and dilation.</summary>
    public static void RequireRun(string owner, RunSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        Require($"{owner}.Settings.Refine", settings.Refine, 0, MaxRefine);
        ArgumentNullException.ThrowIfNull(settings.Prompts, $"{owner}.Settings.Prompts");
        Require($"{owner}.Settings.Prompts.BoxMargin", settings.Prompts.BoxMargin, 0, MaxBoxMargin);
        Require($"{owner}.Settings.Prompts.MaskDilation", settings.Prompts.MaskDilation, 0, MaxMaskDilation);
    }

    /// <summary>An original image's size: each side 1..<see cref="MaxImageSide"/>, the product at most <paramref name="maxPixels"/>.</summary>
    public static void RequireImageSize(string owner, int width, int height, long maxPixels)
    {
        Require($"{owner}.Width", width, 1, MaxImageSide);
        Require($"{owner}.Height", height, 1, MaxImageSide);
        Require($"{owner}.Width x Height", (long)width * height, 1, maxPixels);
    }
}
