using System.Buffers;
using System.Numerics.Tensors;
using SamMpa.Imaging.Embeddings;
using SamMpa.Imaging.Images;

namespace SamMpa.Imaging.Sam;

/// <summary>
/// SAM's input frame for one image of <see cref="Width"/> x <see cref="Height"/> pixels: the longest side resized to
/// 1024 (same size formula as <see cref="SamImageEncoder.ResizedSize"/>), padded bottom/right to 1024 x 1024; the
/// decoder's low-resolution masks cover that padded frame at 256 x 256 (4 input pixels per low-res pixel).
/// Coordinates are SAM's: pixel column x / row y of the original image is the point (x, y), no half-pixel shift.
/// </summary>
public sealed record SamFrame
{
    public const int ImageSize = SamImageEncoder.ImageSize;
    public const int LowResSize = 256;

    /// <summary>Default magnitude bound of mask-prompt logits (sigmoid(10) = 0.99995).</summary>
    public const float DefaultLogitLimit = 10f;

    private const int LowResFactor = ImageSize / LowResSize;

    public SamFrame(int width, int height)
    {
        if (width <= 0 || height <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(width), $"An image needs a positive size, not {width}x{height}.");
        }

        Width = width;
        Height = height;
        (ResizedWidth, ResizedHeight) = SamImageEncoder.ResizedSize(width, height);
    }

    /// <summary>Original image width in pixels.</summary>
    public int Width { get; }

    /// <summary>Original image height in pixels.</summary>
    public int Height { get; }

    /// <summary>Width of the image inside the 1024 frame.</summary>
    public int ResizedWidth { get; }

    /// <summary>Height of the image inside the 1024 frame.</summary>
    public int ResizedHeight { get; }

    /// <summary>1024 / longest side (the nominal scale; coordinates use the per-axis ratios of <see cref="ToInput"/>).</summary>
    public double Scale => (double)ImageSize / Math.Max(Width, Height);

    public static SamFrame Of(GrayImage image)
    {
        ArgumentNullException.ThrowIfNull(image);
        return new SamFrame(image.Width, image.Height);
    }

    /// <summary>Original pixel coordinates to the 1024 input frame, as SAM's ResizeLongestSide.apply_coords: x * newW / oldW, y * newH / oldH.</summary>
    public (float X, float Y) ToInput(float x, float y) =>
        ((float)(x * (double)ResizedWidth / Width), (float)(y * (double)ResizedHeight / Height));

    /// <summary>The inverse of <see cref="ToInput"/>.</summary>
    public (float X, float Y) FromInput(float x, float y) =>
        ((float)(x * (double)Width / ResizedWidth), (float)(y * (double)Height / ResizedHeight));

    /// <summary>
    /// A soft mask (0..1) at original size to SAM's 256 x 256 mask_input logits: resized like the image (longest side to
    /// 1024, the encoder's bilinear), zero-padded bottom/right to 1024 x 1024, averaged over 4 x 4 blocks (area average,
    /// the natural inverse of the decoder's 4x bilinear upsampling), then logit = clamp(gain * ln(p / (1 - p)), -limit, limit).
    /// Log-odds are chosen because SAM reads its mask prompt as logits whose sigmoid is a probability: with gain 1,
    /// sigmoid(logit) reproduces the coarse probability (the paper's "softened by a sigmoid"), and the clamp keeps hard
    /// 0/1 regions at a finite, SAM-like magnitude. Pure padding blocks have p = 0, so they get -limit, the most negative value.
    /// </summary>
    public GrayImage MaskToLowResLogits(GrayImage softMaskAtOriginal, float gain = 1f, float limit = DefaultLogitLimit)
    {
        ArgumentNullException.ThrowIfNull(softMaskAtOriginal);
        CheckSize(softMaskAtOriginal);
        if (!(gain > 0f) || !(limit > 0f) || float.IsInfinity(gain) || float.IsInfinity(limit))
        {
            throw new ArgumentOutOfRangeException(nameof(gain), $"Gain and limit must be positive and finite, not {gain} and {limit}.");
        }

        var result = new GrayImage(LowResSize, LowResSize);
        MaskToGrid(softMaskAtOriginal, LowResFactor, result.Pixels);
        foreach (ref var value in result.Pixels)
        {
            value = ToLogit(value, gain, limit);
        }

        return result;
    }

    /// <summary>
    /// A mask carried into the padded 1024 frame like the image (longest side to 1024, bottom/right padding with 0) and
    /// area-averaged over <paramref name="factor"/> x <paramref name="factor"/> blocks into a (1024 / factor)^2 grid.
    /// </summary>
    internal void MaskToGrid(GrayImage mask, int factor, Span<float> grid)
    {
        var side = ImageSize / factor;
        if (grid.Length != side * side)
        {
            throw new ArgumentException($"A {factor}x{factor} block grid of the {ImageSize} frame has {side * side} cells, not {grid.Length}.", nameof(grid));
        }

        int w = ResizedWidth, h = ResizedHeight;
        var resized = ArrayPool<float>.Shared.Rent(w * h);
        try
        {
            BilinearResize.Resize(mask.Pixels, Width, Height, resized, w, h);
            grid.Clear();
            for (var y = 0; y < h; y++)
            {
                var target = grid.Slice(y / factor * side, side);
                ReadOnlySpan<float> row = resized.AsSpan(y * w, w);
                for (var x = 0; x < row.Length; x++)
                {
                    target[x / factor] += row[x];
                }
            }

            TensorPrimitives.Divide(grid, (float)(factor * factor), grid);
        }
        finally
        {
            ArrayPool<float>.Shared.Return(resized);
        }
    }

    /// <summary>
    /// SAM's postprocess_masks: low-res logits (256 x 256) bilinearly upsampled to 1024 x 1024 (align_corners=False),
    /// cropped to the resized image (ResizedWidth x ResizedHeight), bilinearly resized to the original size (no antialias).
    /// Returns logits at original size; the caller thresholds at &gt; 0.
    /// </summary>
    public GrayImage LowResLogitsToOriginal(GrayImage lowRes256)
    {
        ArgumentNullException.ThrowIfNull(lowRes256);
        if (lowRes256.Width != LowResSize || lowRes256.Height != LowResSize)
        {
            throw new ArgumentException($"Low-res logits must be {LowResSize}x{LowResSize}, not {lowRes256.Width}x{lowRes256.Height}.", nameof(lowRes256));
        }

        int w = ResizedWidth, h = ResizedHeight;
        var cropped = ArrayPool<float>.Shared.Rent(w * h);
        try
        {
            PlainBilinear.Resize(lowRes256.Pixels, LowResSize, LowResSize, LowResSize, ImageSize, ImageSize, cropped, w, h);
            var result = new GrayImage(Width, Height);
            PlainBilinear.Resize(cropped, w, h, w, Width, Height, result.Pixels, Width, Height);
            return result;
        }
        finally
        {
            ArrayPool<float>.Shared.Return(cropped);
        }
    }

    private static float ToLogit(float p, float gain, float limit)
    {
        if (p <= 0f)
        {
            return -limit;
        }

        if (p >= 1f)
        {
            return limit;
        }

        return Math.Clamp(gain * MathF.Log(p / (1f - p)), -limit, limit);
    }

    private void CheckSize(GrayImage image)
    {
        if (image.Width != Width || image.Height != Height)
        {
            throw new ArgumentException($"Mask is {image.Width}x{image.Height}; this frame is for {Width}x{Height}.", nameof(image));
        }
    }
}
