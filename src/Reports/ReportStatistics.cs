namespace SamMpa.Reports;

/// <summary>The few statistics the report draws: mean, median, a Dice histogram and Spearman's rank correlation.</summary>
public static class ReportStatistics
{
    /// <summary>The arithmetic mean; NaN for no values.</summary>
    public static double Mean(IReadOnlyList<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        return values.Count == 0 ? double.NaN : values.Average();
    }

    /// <summary>The median (the mean of the middle two for an even count); NaN for no values.</summary>
    public static double Median(IReadOnlyList<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count == 0)
        {
            return double.NaN;
        }

        var sorted = values.Order().ToArray();
        var middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    /// <summary>
    /// Counts of Dice values in <paramref name="bins"/> equal bins over [0, 1]; a value of 1 falls in the last bin,
    /// values outside [0, 1] are clamped into the end bins.
    /// </summary>
    public static int[] Histogram(IReadOnlyList<double> dice, int bins)
    {
        ArgumentNullException.ThrowIfNull(dice);
        ArgumentOutOfRangeException.ThrowIfLessThan(bins, 1);
        var counts = new int[bins];
        foreach (var value in dice)
        {
            counts[Math.Clamp((int)Math.Floor(value * bins), 0, bins - 1)]++;
        }

        return counts;
    }

    /// <summary>
    /// Spearman's rho: Pearson's correlation of the ranks (ties get their average rank). NaN with fewer than 3 pairs or
    /// when either side is constant.
    /// </summary>
    public static double Spearman(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        if (x.Count != y.Count)
        {
            throw new ArgumentException($"Spearman needs pairs: {x.Count} x values but {y.Count} y values.", nameof(y));
        }

        if (x.Count < 3)
        {
            return double.NaN;
        }

        return Pearson(Ranks(x), Ranks(y));
    }

    private static double[] Ranks(IReadOnlyList<double> values)
    {
        var order = Enumerable.Range(0, values.Count).OrderBy(i => values[i]).ToArray();
        var ranks = new double[values.Count];
        for (var start = 0; start < order.Length;)
        {
            var end = start;
            while (end + 1 < order.Length && values[order[end + 1]].Equals(values[order[start]]))
            {
                end++;
            }

            // Ranks are 1-based; a run of ties shares the mean of the ranks it spans.
            var rank = ((start + end) / 2.0) + 1;
            for (var i = start; i <= end; i++)
            {
                ranks[order[i]] = rank;
            }

            start = end + 1;
        }

        return ranks;
    }

    private static double Pearson(double[] x, double[] y)
    {
        var meanX = x.Average();
        var meanY = y.Average();
        double covariance = 0, varianceX = 0, varianceY = 0;
        for (var i = 0; i < x.Length; i++)
        {
            var dx = x[i] - meanX;
            var dy = y[i] - meanY;
            covariance += dx * dy;
            varianceX += dx * dx;
            varianceY += dy * dy;
        }

        return varianceX == 0 || varianceY == 0 ? double.NaN : covariance / Math.Sqrt(varianceX * varianceY);
    }
}
