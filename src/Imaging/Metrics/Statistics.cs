namespace SamMpa.Imaging.Metrics;

/// <summary>Mean, population standard deviation and median of a set of per-image scores.</summary>
public sealed record Statistics(int Count, double Mean, double Std, double Median)
{
    public static Statistics Of(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0)
        {
            return new Statistics(0, double.NaN, double.NaN, double.NaN);
        }

        var mean = sorted.Average();
        var variance = sorted.Sum(v => (v - mean) * (v - mean)) / sorted.Length;
        var middle = sorted.Length / 2;
        var median = sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
        return new Statistics(sorted.Length, mean, Math.Sqrt(variance), median);
    }
}
