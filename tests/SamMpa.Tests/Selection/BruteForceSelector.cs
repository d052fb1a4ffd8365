namespace SamMpa.Tests.Selection;

/// <summary>
/// The selection of method.md ES written the obvious way, over a full N x N cosine-distance matrix,
/// as a reference for the O(N K d) implementation.
/// </summary>
internal static class BruteForceSelector
{
    public static (int[] Supports, int[] Assignment) Select(IReadOnlyList<float[]> z, int k, int maxRounds = 100)
    {
        var n = z.Count;
        var d = new double[n, n];
        for (var i = 0; i < n; i++)
        {
            for (var j = 0; j < n; j++)
            {
                d[i, j] = 1 - (Dot(z[i], z[j]) / (Norm(z[i]) * Norm(z[j])));
            }
        }

        // s1: smallest mean distance to all others.
        var s1 = Enumerable.Range(0, n).MinBy(i => Enumerable.Range(0, n).Where(j => j != i).Average(j => d[i, j]));
        var centres = new List<int> { s1 };
        while (centres.Count < k)
        {
            var next = Enumerable.Range(0, n).Where(i => !centres.Contains(i))
                .MaxBy(i => centres.Min(c => d[i, c]));
            centres.Add(next);
        }

        var assignment = Assign(d, centres, n);
        for (var round = 0; round < maxRounds; round++)
        {
            var moved = false;
            for (var c = 0; c < centres.Count; c++)
            {
                var members = Enumerable.Range(0, n).Where(i => assignment[i] == c).ToArray();
                var current = centres[c];
                var best = current;
                var bestCost = members.Sum(j => d[current, j]);
                foreach (var i in members)
                {
                    var cost = members.Sum(j => d[i, j]);
                    if (cost < bestCost - 1e-9)
                    {
                        best = i;
                        bestCost = cost;
                    }
                }

                moved |= best != current;
                centres[c] = best;
            }

            if (!moved)
            {
                break;
            }

            assignment = Assign(d, centres, n);
        }

        return (centres.ToArray(), assignment);
    }

    private static int[] Assign(double[,] d, List<int> centres, int n)
    {
        var assignment = new int[n];
        for (var i = 0; i < n; i++)
        {
            assignment[i] = Enumerable.Range(0, centres.Count).MinBy(c => d[i, centres[c]]);
        }

        return assignment;
    }

    private static double Dot(float[] a, float[] b) => a.Zip(b, (x, y) => (double)x * y).Sum();

    private static double Norm(float[] a) => Math.Sqrt(Dot(a, a));
}
