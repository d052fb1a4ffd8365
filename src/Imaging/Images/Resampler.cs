namespace SamMpa.Imaging.Images;

/// <summary>
/// Resizes gray images with the pixel-centre convention (align_corners=false, as cv2.resize and PyTorch):
/// destination pixel x samples source position (x + 0.5) * srcW / dstW - 0.5, clamped to the border.
/// </summary>
public static class Resampler
{
    /// <summary>
    /// Bilinear resize. When an axis shrinks by more than 2x, the source is first box-filtered along that axis
    /// (odd width close to the scale factor, same size, so the geometry is unchanged): bilinear sampling alone would
    /// read only 2 of every scale-factor pixels and alias thin structures and noise.
    /// </summary>
    public static GrayImage Bilinear(GrayImage source, int width, int height)
    {
        ArgumentNullException.ThrowIfNull(source);
        CheckSize(width, height);

        var boxWidth = PrefilterWidth(source.Width, width);
        var boxHeight = PrefilterWidth(source.Height, height);
        if (boxWidth == 1 && boxHeight == 1)
        {
            return BilinearSample(source, width, height);
        }

        using var smoothed = BoxFilter(source, boxWidth, boxHeight);
        return BilinearSample(smoothed, width, height);
    }

    /// <summary>Nearest-neighbour resize: destination pixel x takes source pixel floor((x + 0.5) * srcW / dstW).</summary>
    public static GrayImage Nearest(GrayImage source, int width, int height)
    {
        ArgumentNullException.ThrowIfNull(source);
        CheckSize(width, height);

        var columns = new int[width];
        for (var x = 0; x < width; x++)
        {
            columns[x] = NearestIndex(x, source.Width, width);
        }

        var result = new GrayImage(width, height);
        for (var y = 0; y < height; y++)
        {
            ReadOnlySpan<float> sourceRow = source.Row(NearestIndex(y, source.Height, height));
            var targetRow = result.Row(y);
            for (var x = 0; x < targetRow.Length; x++)
            {
                targetRow[x] = sourceRow[columns[x]];
            }
        }

        return result;
    }

    private static GrayImage BilinearSample(GrayImage source, int width, int height)
    {
        var (left, right, columnWeights) = Taps(source.Width, width);
        var (top, bottom, rowWeights) = Taps(source.Height, height);

        var result = new GrayImage(width, height);
        for (var y = 0; y < height; y++)
        {
            ReadOnlySpan<float> upper = source.Row(top[y]);
            ReadOnlySpan<float> lower = source.Row(bottom[y]);
            var wy = rowWeights[y];
            var targetRow = result.Row(y);
            for (var x = 0; x < targetRow.Length; x++)
            {
                int x0 = left[x], x1 = right[x];
                var wx = columnWeights[x];
                var a = upper[x0] + ((upper[x1] - upper[x0]) * wx);
                var b = lower[x0] + ((lower[x1] - lower[x0]) * wx);
                targetRow[x] = a + ((b - a) * wy);
            }
        }

        return result;
    }

    /// <summary>For each destination index: the two source indices to blend and the weight of the second.</summary>
    private static (int[] First, int[] Second, float[] Weight) Taps(int sourceLength, int targetLength)
    {
        var first = new int[targetLength];
        var second = new int[targetLength];
        var weight = new float[targetLength];
        var scale = (double)sourceLength / targetLength;
        for (var i = 0; i < targetLength; i++)
        {
            var position = Math.Clamp(((i + 0.5) * scale) - 0.5, 0.0, sourceLength - 1);
            var index = (int)position;
            first[i] = index;
            second[i] = Math.Min(index + 1, sourceLength - 1);
            weight[i] = (float)(position - index);
        }

        return (first, second, weight);
    }

    private static int NearestIndex(int target, int sourceLength, int targetLength) =>
        Math.Min((int)((target + 0.5) * sourceLength / targetLength), sourceLength - 1);

    /// <summary>Odd box width closest below the shrink factor, or 1 when shrinking by 2x or less.</summary>
    private static int PrefilterWidth(int sourceLength, int targetLength)
    {
        var factor = (double)sourceLength / targetLength;
        return factor > 2.0 ? (2 * (int)(factor / 2)) + 1 : 1;
    }

    /// <summary>Separable moving average with replicated borders; output has the source size.</summary>
    private static GrayImage BoxFilter(GrayImage source, int boxWidth, int boxHeight)
    {
        var horizontal = source.Clone();
        if (boxWidth > 1)
        {
            var line = new float[source.Width];
            for (var y = 0; y < source.Height; y++)
            {
                var row = horizontal.Row(y);
                row.CopyTo(line);
                MovingAverage(line, row, 1, boxWidth);
            }
        }

        if (boxHeight == 1)
        {
            return horizontal;
        }

        // Vertical pass column by column through a gathered line: strided access, but only once per pixel.
        var column = new float[source.Height];
        var pixels = horizontal.Pixels;
        var stride = source.Width;
        for (var x = 0; x < source.Width; x++)
        {
            for (var y = 0; y < column.Length; y++)
            {
                column[y] = pixels[(y * stride) + x];
            }

            MovingAverage(column, pixels[x..], stride, boxHeight);
        }

        return horizontal;
    }

    /// <summary>Writes the running mean of <paramref name="line"/> over an odd window to every stride-th element of target.</summary>
    private static void MovingAverage(ReadOnlySpan<float> line, Span<float> target, int stride, int window)
    {
        var radius = window / 2;
        var last = line.Length - 1;
        var sum = 0.0;
        for (var k = -radius; k <= radius; k++)
        {
            sum += line[Math.Clamp(k, 0, last)];
        }

        for (var i = 0; i < line.Length; i++)
        {
            target[i * stride] = (float)(sum / window);
            sum += line[Math.Min(i + radius + 1, last)] - line[Math.Max(i - radius, 0)];
        }
    }

    private static void CheckSize(int width, int height)
    {
        if (width <= 0 || height <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(width), $"Target size must be positive, not {width}x{height}.");
        }
    }
}
