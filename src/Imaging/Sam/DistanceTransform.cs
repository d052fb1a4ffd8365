namespace SamMpa.Imaging.Sam;

/// <summary>
/// Exact squared Euclidean distance transform (Felzenszwalb and Huttenlocher 2012: lower envelope of parabolas,
/// one pass over columns then one over rows, O(pixels)). Distances are in pixel units between pixel indices.
/// </summary>
internal static class DistanceTransform
{
    /// <summary>Stands for "no feature in reach"; finite so the envelope arithmetic stays NaN-free.</summary>
    private const double Far = 1e20;

    /// <summary>
    /// Squared distance from every pixel to the nearest pixel with <paramref name="feature"/> set. With
    /// <paramref name="outsideIsFeature"/>, every pixel just outside the image counts as a feature too (the distance
    /// of a foreground pixel to the background then respects the image border). Without any feature the result is ~1e20.
    /// </summary>
    public static double[] Squared(ReadOnlySpan<bool> feature, int width, int height, bool outsideIsFeature)
    {
        var longest = Math.Max(width, height) + 2;
        var f = new double[longest];
        var d = new double[longest];
        var v = new int[longest];
        var z = new double[longest + 1];
        var result = new double[width * height];

        // Columns: 1D transform of the feature indicator; index 0 and n + 1 are the outside pixels.
        for (var x = 0; x < width; x++)
        {
            f[0] = f[height + 1] = outsideIsFeature ? 0 : Far;
            for (var y = 0; y < height; y++)
            {
                f[y + 1] = feature[(y * width) + x] ? 0 : Far;
            }

            Transform1D(f.AsSpan(0, height + 2), d, v, z);
            for (var y = 0; y < height; y++)
            {
                result[(y * width) + x] = d[y + 1];
            }
        }

        // Rows: 1D transform of the column distances; the outside column is all features when asked.
        for (var y = 0; y < height; y++)
        {
            f[0] = f[width + 1] = outsideIsFeature ? 0 : Far;
            var row = result.AsSpan(y * width, width);
            row.CopyTo(f.AsSpan(1));
            Transform1D(f.AsSpan(0, width + 2), d, v, z);
            d.AsSpan(1, width).CopyTo(row);
        }

        return result;
    }

    private static void Transform1D(ReadOnlySpan<double> f, double[] d, int[] v, double[] z)
    {
        var n = f.Length;
        var k = 0;
        v[0] = 0;
        z[0] = double.NegativeInfinity;
        z[1] = double.PositiveInfinity;
        for (var q = 1; q < n; q++)
        {
            var s = Intersection(f, q, v[k]);
            while (s <= z[k])
            {
                k--;
                s = Intersection(f, q, v[k]);
            }

            k++;
            v[k] = q;
            z[k] = s;
            z[k + 1] = double.PositiveInfinity;
        }

        k = 0;
        for (var q = 0; q < n; q++)
        {
            while (z[k + 1] < q)
            {
                k++;
            }

            var dq = q - v[k];
            d[q] = ((double)dq * dq) + f[v[k]];
        }
    }

    private static double Intersection(ReadOnlySpan<double> f, int q, int p) =>
        ((f[q] + ((double)q * q)) - (f[p] + ((double)p * p))) / (2.0 * (q - p));
}
