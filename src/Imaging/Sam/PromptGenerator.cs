using SamMpa.Imaging.Images;

namespace SamMpa.Imaging.Sam;

/// <summary>
/// Stage PA: SAM prompts from a coarse mask (method.md). Pixel convention is SAM's: pixel column x, row y is the point
/// (x, y) (no +0.5), so the centroid is the mean of the foreground pixel indices and the box is (minX, minY)-(maxX, maxY),
/// as SAM's batched_mask_to_box. A pixel is foreground when its soft value is &gt; 0.5.
/// An empty mask gives no box and no point, which would leave SAM unprompted: both methods return null then, and the
/// caller keeps the coarse mask as the result.
/// </summary>
public static class PromptGenerator
{
    private const float Threshold = 0.5f;

    /// <summary>
    /// Automatic prompts from a soft coarse mask (0..1) at original size: one foreground point, four background points at
    /// the corners of the (margin-expanded) bounding box, the box, and the mask prompt. With MaskDilation r &gt; 0 the binary
    /// mask is dilated by a disk of radius r (exact Euclidean distance); the mask prompt is then max(soft, dilated binary),
    /// whose &gt; 0.5 set is exactly the dilated mask. Returns null for an empty mask.
    /// </summary>
    public static SamPrompt? FromCoarseMask(GrayImage softMaskAtOriginal, PromptOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(softMaskAtOriginal);
        options ??= PromptOptions.Default;
        if (options.BoxMargin < 0 || options.MaskDilation < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "Box margin and mask dilation cannot be negative.");
        }

        if (!options.UseBox && !options.UseMask && !options.UsePoints)
        {
            throw new ArgumentException("At least one of points, box and mask must be used.", nameof(options));
        }

        var frame = SamFrame.Of(softMaskAtOriginal);
        var binary = Binarize(softMaskAtOriginal);
        if (options.MaskDilation > 0)
        {
            Dilate(binary, frame.Width, frame.Height, options.MaskDilation);
        }

        if (!MaskBounds.TryFind(binary, frame.Width, out var box))
        {
            return null;
        }

        var (x0, y0, x1, y1) = Expand(box, options.BoxMargin, frame);
        var points = new List<(float X, float Y, float Label)>(7);
        if (options.UsePoints)
        {
            var (fx, fy) = options.ForegroundPoint == ForegroundPoint.Interior
                ? MostInterior(binary, frame.Width, frame.Height)
                : Centroid(binary, frame.Width);
            Add(points, frame, fx, fy, SamPrompt.Foreground);
            Add(points, frame, x0, y0, SamPrompt.Background);
            Add(points, frame, x1, y0, SamPrompt.Background);
            Add(points, frame, x0, y1, SamPrompt.Background);
            Add(points, frame, x1, y1, SamPrompt.Background);
        }

        if (options.UseBox)
        {
            Add(points, frame, x0, y0, SamPrompt.BoxTopLeft);
            Add(points, frame, x1, y1, SamPrompt.BoxBottomRight);
        }

        GrayImage? maskInput = null;
        if (options.UseMask)
        {
            if (options.MaskDilation > 0)
            {
                using var dilated = softMaskAtOriginal.Clone();
                var pixels = dilated.Pixels;
                for (var i = 0; i < pixels.Length; i++)
                {
                    if (binary[i])
                    {
                        pixels[i] = 1f;
                    }
                }

                maskInput = frame.MaskToLowResLogits(dilated, options.MaskLogitGain, options.MaskLogitLimit);
            }
            else
            {
                maskInput = frame.MaskToLowResLogits(softMaskAtOriginal, options.MaskLogitGain, options.MaskLogitLimit);
            }
        }

        return new SamPrompt { Frame = frame, Points = points, MaskInput = maskInput };
    }

    /// <summary>The paper's manual baselines from a ground-truth mask (&gt; 0.5 is foreground): centroid point, box, or both; no mask prompt. Null for an empty mask.</summary>
    public static SamPrompt? FromGroundTruth(GrayImage mask, ManualPromptKind kind)
    {
        ArgumentNullException.ThrowIfNull(mask);
        if (!Enum.IsDefined(kind))
        {
            throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown manual prompt kind.");
        }

        var frame = SamFrame.Of(mask);
        var binary = Binarize(mask);
        if (!MaskBounds.TryFind(binary, frame.Width, out var box))
        {
            return null;
        }

        var points = new List<(float X, float Y, float Label)>(3);
        if (kind is ManualPromptKind.Point or ManualPromptKind.PointAndBox)
        {
            var (fx, fy) = Centroid(binary, frame.Width);
            Add(points, frame, fx, fy, SamPrompt.Foreground);
        }

        if (kind is ManualPromptKind.Box or ManualPromptKind.PointAndBox)
        {
            Add(points, frame, box.X0, box.Y0, SamPrompt.BoxTopLeft);
            Add(points, frame, box.X1, box.Y1, SamPrompt.BoxBottomRight);
        }

        return new SamPrompt { Frame = frame, Points = points };
    }

    private static void Add(List<(float X, float Y, float Label)> points, SamFrame frame, float x, float y, float label)
    {
        var (ix, iy) = frame.ToInput(x, y);
        points.Add((ix, iy, label));
    }

    private static bool[] Binarize(GrayImage mask)
    {
        ReadOnlySpan<float> pixels = mask.Pixels;
        var binary = new bool[pixels.Length];
        for (var i = 0; i < pixels.Length; i++)
        {
            binary[i] = pixels[i] > Threshold;
        }

        return binary;
    }

    private static void Dilate(bool[] binary, int width, int height, int radius)
    {
        var distance = DistanceTransform.Squared(binary, width, height, outsideIsFeature: false);
        var limit = (double)radius * radius;
        for (var i = 0; i < binary.Length; i++)
        {
            binary[i] = distance[i] <= limit;
        }
    }

    private static (int X0, int Y0, int X1, int Y1) Expand((int X0, int Y0, int X1, int Y1) box, int margin, SamFrame frame) =>
        (Math.Max(box.X0 - margin, 0), Math.Max(box.Y0 - margin, 0),
         Math.Min(box.X1 + margin, frame.Width - 1), Math.Min(box.Y1 + margin, frame.Height - 1));

    private static (float X, float Y) Centroid(bool[] binary, int width)
    {
        double sx = 0, sy = 0;
        long count = 0;
        for (var i = 0; i < binary.Length; i++)
        {
            if (binary[i])
            {
                sx += i % width;
                sy += i / width;
                count++;
            }
        }

        return ((float)(sx / count), (float)(sy / count));
    }

    /// <summary>The foreground pixel farthest from background and image border; ties go to the one nearest the centroid.</summary>
    private static (float X, float Y) MostInterior(bool[] binary, int width, int height)
    {
        var background = new bool[binary.Length];
        for (var i = 0; i < binary.Length; i++)
        {
            background[i] = !binary[i];
        }

        var distance = DistanceTransform.Squared(background, width, height, outsideIsFeature: true);
        var (cx, cy) = Centroid(binary, width);
        var best = -1;
        double bestDistance = -1, bestToCentroid = double.MaxValue;
        for (var i = 0; i < binary.Length; i++)
        {
            if (!binary[i] || distance[i] < bestDistance)
            {
                continue;
            }

            double dx = (i % width) - cx, dy = (i / width) - cy;
            var toCentroid = (dx * dx) + (dy * dy);
            if (distance[i] > bestDistance || toCentroid < bestToCentroid)
            {
                best = i;
                bestDistance = distance[i];
                bestToCentroid = toCentroid;
            }
        }

        return (best % width, best / width);
    }
}
