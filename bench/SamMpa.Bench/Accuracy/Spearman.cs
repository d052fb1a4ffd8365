namespace SamMpa.Bench.Accuracy;

/// <summary>Spearman's rank correlation (ties get their average rank; NaN pairs are left out).</summary>
public static class Spearman
{
    public static double Rho(IReadOnlyList<double> first, IReadOnlyList<double> second)
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(second);
        var pairs = first.Zip(second).Where(p => !double.IsNaN(p.First) && !double.IsNaN(p.Second)).ToArray();
        if (pairs.Length < 3)
        {
            return double.NaN;
        }

        var a = Ranks(pairs.Select(p => p.First).ToArray());
        var b = Ranks(pairs.Select(p => p.Second).ToArray());
        double meanA = a.Average(), meanB = b.Average(), cov = 0, varA = 0, varB = 0;
        for (var i = 0; i < a.Length; i++)
        {
            cov += (a[i] - meanA) * (b[i] - meanB);
            varA += (a[i] - meanA) * (a[i] - meanA);
            varB += (b[i] - meanB) * (b[i] - meanB);
        }

        return varA == 0 || varB == 0 ? double.NaN : cov / Math.Sqrt(varA * varB);
    }

    private static double[] Ranks(double[] values)
    {
        var order = Enumerable.Range(0, values.Length).OrderBy(i => values[i]).ToArray();
        var ranks = new double[values.Length];
        for (var start = 0; start < order.Length;)
        {
            var end = start;
            while (end + 1 < order.Length && values[order[end + 1]] == values[order[start]])
            {
                end++;
            }

            for (var k = start; k <= end; k++)
            {
                ranks[order[k]] = (start + end) / 2.0;
            }

            start = end + 1;
        }

        return ranks;
    }
}
