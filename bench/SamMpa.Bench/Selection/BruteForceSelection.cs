using System.Numerics.Tensors;

namespace SamMpa.Bench.Selection;

/// <summary>
/// Stage ES written the obvious way, as the reference the product's O(N K d) selector is timed against: the full
/// N x N cosine-distance matrix first (N^2 d / 2 work, N^2 doubles of memory), then s1 by smallest total distance,
/// K-Center-Greedy and k-medoids on the matrix. The same criterion and tie rules as the product (lowest index wins,
/// a medoid keeps its place on a tie), so on data without near-ties both choose the same supports.
/// </summary>
public static class BruteForceSelection
{
    private const int Tile = 32;

    public static (int[] Supports, int[] Assignment, int Rounds) Select(IReadOnlyList<float[]> embeddings, int k, int maxRounds = 100)
    {
        var n = embeddings.Count;
        var d = embeddings[0].Length;
        if ((long)n * n > Array.MaxLength || (long)n * d > Array.MaxLength)
        {
            throw new ArgumentException($"The N x N reference cannot hold N = {n}: its matrix alone would be {(double)n * n * sizeof(double) / (1L << 30):0.#} GiB.", nameof(embeddings));
        }

        var distance = DistanceMatrix(UnitRows(embeddings), n, d);

        var s1 = 0;
        var s1Total = double.PositiveInfinity;
        for (var i = 0; i < n; i++)
        {
            var total = TensorPrimitives.Sum(distance.AsSpan(i * n, n));
            if (total < s1Total)
            {
                s1Total = total;
                s1 = i;
            }
        }

        var centres = new List<int> { s1 };
        var nearest = new double[n];
        Array.Fill(nearest, double.PositiveInfinity);
        var chosen = new bool[n];
        chosen[s1] = true;
        while (centres.Count < k)
        {
            var newest = centres[^1];
            var farthest = -1;
            for (var i = 0; i < n; i++)
            {
                nearest[i] = Math.Min(nearest[i], distance[((long)i * n) + newest]);
                if (!chosen[i] && (farthest < 0 || nearest[i] > nearest[farthest]))
                {
                    farthest = i;
                }
            }

            chosen[farthest] = true;
            centres.Add(farthest);
        }

        var assignment = Assign(distance, n, centres);
        var rounds = 0;
        while (rounds < maxRounds)
        {
            rounds++;
            var moved = false;
            for (var c = 0; c < centres.Count; c++)
            {
                var members = Enumerable.Range(0, n).Where(i => assignment[i] == c).ToArray();
                var best = centres[c];
                var bestCost = Cost(distance, n, best, members);
                foreach (var i in members)
                {
                    var cost = Cost(distance, n, i, members);
                    if (cost < bestCost - 1e-9)
                    {
                        best = i;
                        bestCost = cost;
                    }
                }

                moved |= best != centres[c];
                centres[c] = best;
            }

            if (!moved)
            {
                break;
            }

            assignment = Assign(distance, n, centres);
        }

        return (centres.ToArray(), assignment, rounds);
    }

    /// <summary>Unit rows normalised exactly as the product does (float), widened to double for the dot products.</summary>
    private static double[] UnitRows(IReadOnlyList<float[]> embeddings)
    {
        var d = embeddings[0].Length;
        var units = new double[(long)embeddings.Count * d];
        for (var i = 0; i < embeddings.Count; i++)
        {
            var source = embeddings[i];
            double squared = 0;
            foreach (var v in source)
            {
                squared += (double)v * v;
            }

            var scale = squared > 0 ? (float)(1.0 / Math.Sqrt(squared)) : 0f;
            var row = units.AsSpan(i * d, d);
            for (var j = 0; j < d; j++)
            {
                row[j] = source[j] * scale;
            }
        }

        return units;
    }

    /// <summary>Every pair once, in tiles of rows that stay in cache; the matrix is symmetric with a zero diagonal.</summary>
    private static double[] DistanceMatrix(double[] units, int n, int d)
    {
        var distance = new double[(long)n * n];
        for (var ti = 0; ti < n; ti += Tile)
        {
            for (var tj = ti; tj < n; tj += Tile)
            {
                for (var i = ti; i < Math.Min(ti + Tile, n); i++)
                {
                    var a = units.AsSpan(i * d, d);
                    for (var j = Math.Max(tj, i + 1); j < Math.Min(tj + Tile, n); j++)
                    {
                        var value = 1.0 - TensorPrimitives.Dot<double>(a, units.AsSpan(j * d, d));
                        distance[((long)i * n) + j] = value;
                        distance[((long)j * n) + i] = value;
                    }
                }
            }
        }

        return distance;
    }

    private static int[] Assign(double[] distance, int n, List<int> centres)
    {
        var assignment = new int[n];
        for (var i = 0; i < n; i++)
        {
            var best = 0;
            for (var c = 1; c < centres.Count; c++)
            {
                if (distance[((long)i * n) + centres[c]] < distance[((long)i * n) + centres[best]])
                {
                    best = c;
                }
            }

            assignment[i] = best;
        }

        for (var c = 0; c < centres.Count; c++)
        {
            assignment[centres[c]] = c;
        }

        return assignment;
    }

    private static double Cost(double[] distance, int n, int i, int[] members)
    {
        double total = 0;
        foreach (var j in members)
        {
            total += distance[((long)i * n) + j];
        }

        return total;
    }
}
