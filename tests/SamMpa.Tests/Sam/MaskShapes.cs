using SamMpa.Imaging.Images;

namespace SamMpa.Tests.Sam;

/// <summary>Synthetic masks for the SAM prompt tests, plus a Dice helper.</summary>
internal static class MaskShapes
{
    /// <summary>A smooth star-like blob: radius r(t) = r0 (1 + 0.15 sin 3t) around the image centre, r0 = 0.3 of the shorter side.</summary>
    public static GrayImage Blob(int width, int height)
    {
        var mask = new GrayImage(width, height);
        double cx = width / 2.0, cy = height / 2.0, r0 = 0.3 * Math.Min(width, height);
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                double dx = x - cx, dy = y - cy;
                var r = r0 * (1 + (0.15 * Math.Sin(3 * Math.Atan2(dy, dx))));
                mask[x, y] = (dx * dx) + (dy * dy) <= r * r ? 1f : 0f;
            }
        }

        return mask;
    }

    /// <summary>A mask of <paramref name="value"/> everywhere.</summary>
    public static GrayImage Uniform(int width, int height, float value)
    {
        var mask = new GrayImage(width, height);
        mask.Pixels.Fill(value);
        return mask;
    }

    public static GrayImage Disk(int width, int height, double cx, double cy, double radius)
    {
        var mask = new GrayImage(width, height);
        for (var y = 0; y < height; y++)
        {
            for (var x = 0; x < width; x++)
            {
                mask[x, y] = ((x - cx) * (x - cx)) + ((y - cy) * (y - cy)) <= radius * radius ? 1f : 0f;
            }
        }

        return mask;
    }

    public static GrayImage Rectangle(int width, int height, int x0, int y0, int x1, int y1)
    {
        var mask = new GrayImage(width, height);
        for (var y = y0; y <= y1; y++)
        {
            mask.Row(y)[x0..(x1 + 1)].Fill(1f);
        }

        return mask;
    }

    /// <summary>Two separate upright ellipses left and right of the centre, like lungs on a chest X-ray.</summary>
    public static GrayImage Lungs(int width, int height)
    {
        var mask = new GrayImage(width, height);
        double ry = 0.35 * height, rx = 0.15 * width, cy = height / 2.0;
        foreach (var cx in new[] { 0.28 * width, 0.72 * width })
        {
            for (var y = 0; y < height; y++)
            {
                for (var x = 0; x < width; x++)
                {
                    double u = (x - cx) / rx, v = (y - cy) / ry;
                    if ((u * u) + (v * v) <= 1)
                    {
                        mask[x, y] = 1f;
                    }
                }
            }
        }

        return mask;
    }

    public static double Dice(GrayImage a, GrayImage b, float thresholdA, float thresholdB)
    {
        Assert.Equal((a.Width, a.Height), (b.Width, b.Height));
        ReadOnlySpan<float> pa = a.Pixels, pb = b.Pixels;
        long both = 0, sum = 0;
        for (var i = 0; i < pa.Length; i++)
        {
            var ia = pa[i] > thresholdA;
            var ib = pb[i] > thresholdB;
            both += ia && ib ? 1 : 0;
            sum += (ia ? 1 : 0) + (ib ? 1 : 0);
        }

        return sum == 0 ? 1.0 : 2.0 * both / sum;
    }

    public static int Count(GrayImage image, float threshold)
    {
        var count = 0;
        foreach (var v in image.Pixels)
        {
            count += v > threshold ? 1 : 0;
        }

        return count;
    }
}
