namespace SamMpa.Imaging.Sam;

/// <summary>
/// Bilinear resampling exactly as PyTorch's F.interpolate(mode="bilinear", align_corners=False, antialias=False),
/// which SAM's postprocess_masks uses: destination index i samples source position max((i + 0.5) * src / dst - 0.5, 0),
/// the upper neighbour clamped to the last index. No prefilter, also when shrinking (unlike Images.Resampler.Bilinear).
/// The source may be a region of a larger buffer (row stride), and only the top-left part of the virtual target may be
/// computed, so "upsample to 1024 x 1024 then crop" costs only the cropped pixels.
/// </summary>
internal static class PlainBilinear
{
    /// <param name="source">Source pixels, row-major with <paramref name="stride"/>.</param>
    /// <param name="targetWidth">Width of the virtual resized image (sets the scale).</param>
    /// <param name="targetHeight">Height of the virtual resized image (sets the scale).</param>
    /// <param name="destination">Receives the first <paramref name="outWidth"/> x <paramref name="outHeight"/> pixels, row-major.</param>
    public static void Resize(
        ReadOnlySpan<float> source, int sourceWidth, int sourceHeight, int stride,
        int targetWidth, int targetHeight,
        Span<float> destination, int outWidth, int outHeight)
    {
        if (outWidth > targetWidth || outHeight > targetHeight || destination.Length < outWidth * outHeight)
        {
            throw new ArgumentException("The output region must lie inside the target and fit the destination.");
        }

        var (left, right, wx) = Taps(sourceWidth, targetWidth, outWidth);
        var (top, bottom, wy) = Taps(sourceHeight, targetHeight, outHeight);
        for (var y = 0; y < outHeight; y++)
        {
            var upper = source.Slice(top[y] * stride, sourceWidth);
            var lower = source.Slice(bottom[y] * stride, sourceWidth);
            var weight = wy[y];
            var row = destination.Slice(y * outWidth, outWidth);
            for (var x = 0; x < row.Length; x++)
            {
                int x0 = left[x], x1 = right[x];
                var a = upper[x0] + ((upper[x1] - upper[x0]) * wx[x]);
                var b = lower[x0] + ((lower[x1] - lower[x0]) * wx[x]);
                row[x] = a + ((b - a) * weight);
            }
        }
    }

    private static (int[] First, int[] Second, float[] Weight) Taps(int sourceLength, int targetLength, int count)
    {
        var first = new int[count];
        var second = new int[count];
        var weight = new float[count];
        var scale = (double)sourceLength / targetLength;
        for (var i = 0; i < count; i++)
        {
            var position = Math.Max(((i + 0.5) * scale) - 0.5, 0.0);
            var index = Math.Min((int)position, sourceLength - 1);
            first[i] = index;
            second[i] = Math.Min(index + 1, sourceLength - 1);
            weight[i] = (float)(position - index);
        }

        return (first, second, weight);
    }
}
