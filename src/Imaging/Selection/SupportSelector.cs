namespace SamMpa.Imaging.Selection;

/// <summary>
/// Stage ES of SAM-MPA (method.md): s1 by smallest mean cosine distance, K-Center-Greedy from s1, then k-medoids.
/// With unit vectors, sum_j cos(z_i, z_j) = z_i . (sum_j z_j), so every step is O(N d) per centre and an
/// iteration is O(N K d); no N x N matrix is ever built. Ties go to the lowest index, so the result is deterministic.
/// </summary>
public static class SupportSelector
{
    public const int DefaultMaxRounds = 100;

    public static SupportSelection Select(IReadOnlyList<float[]> embeddings, int k, int maxRounds = DefaultMaxRounds)
    {
        ValidateK(embeddings.Count, k);
        var matrix = new EmbeddingMatrix(embeddings);
        var centres = new List<int>(k) { MostRepresentative(matrix) };
        GrowByKCenterGreedy(matrix, centres, k);
        return RefineByKMedoids(matrix, centres, maxRounds);
    }

    /// <summary>
    /// The ablation without ES: K supports drawn at random with a fixed seed; each query still goes to its
    /// nearest support (cosine), so the comparison isolates the choice of supports.
    /// </summary>
    public static SupportSelection SelectRandom(IReadOnlyList<float[]> embeddings, int k, int seed)
    {
        ValidateK(embeddings.Count, k);
        var order = Enumerable.Range(0, embeddings.Count).ToArray();
        new Random(seed).Shuffle(order);
        var supports = order.Take(k).ToArray();
        var matrix = new EmbeddingMatrix(embeddings);
        return new SupportSelection(supports, AssignToNearest(matrix, supports), 0);
    }

    /// <summary>
    /// Given supports (a selection a person changed, e.g. by promoting a corrected query): each sample goes to its nearest
    /// support (cosine, ties to the earlier support), as after selection.
    /// </summary>
    public static SupportSelection WithSupports(IReadOnlyList<float[]> embeddings, IReadOnlyList<int> supports)
    {
        ArgumentNullException.ThrowIfNull(embeddings);
        ArgumentNullException.ThrowIfNull(supports);
        ValidateK(embeddings.Count, supports.Count);
        if (supports.Any(s => s < 0 || s >= embeddings.Count))
        {
            throw new ArgumentOutOfRangeException(nameof(supports), $"Support {supports.First(s => s < 0 || s >= embeddings.Count)} is not one of the {embeddings.Count} samples.");
        }

        if (supports.Distinct().Count() != supports.Count)
        {
            throw new ArgumentException($"Supports {string.Join(", ", supports)} name one sample twice.", nameof(supports));
        }

        return new SupportSelection(supports.ToArray(), AssignToNearest(new EmbeddingMatrix(embeddings), supports), 0);
    }

    public static void ValidateK(int n, int k)
    {
        if (k < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(k), $"K = {k} supports: K must be at least 1.");
        }

        if (k >= n)
        {
            throw new ArgumentOutOfRangeException(
                nameof(k), $"K = {k} supports leave no query among {n} images: K must be smaller than the number of images.");
        }
    }

    /// <summary>s1 = argmin_i mean_j D(z_i, z_j) = argmax_i u_i . sum_j u_j.</summary>
    private static int MostRepresentative(EmbeddingMatrix matrix)
    {
        var sum = new double[matrix.Dimension];
        for (var i = 0; i < matrix.Count; i++)
        {
            matrix.AddTo(i, sum);
        }

        var best = 0;
        var bestScore = double.NegativeInfinity;
        for (var i = 0; i < matrix.Count; i++)
        {
            var score = matrix.DotWithSum(i, sum);
            if (score > bestScore)
            {
                bestScore = score;
                best = i;
            }
        }

        return best;
    }

    private static void GrowByKCenterGreedy(EmbeddingMatrix matrix, List<int> centres, int k)
    {
        var nearest = new double[matrix.Count];
        Array.Fill(nearest, double.PositiveInfinity);
        var chosen = new bool[matrix.Count];
        foreach (var c in centres)
        {
            chosen[c] = true;
        }

        var newest = centres[^1];
        while (centres.Count < k)
        {
            var farthest = -1;
            var farthestDistance = double.NegativeInfinity;
            for (var i = 0; i < matrix.Count; i++)
            {
                nearest[i] = Math.Min(nearest[i], matrix.Distance(i, newest));
                if (!chosen[i] && nearest[i] > farthestDistance)
                {
                    farthestDistance = nearest[i];
                    farthest = i;
                }
            }

            chosen[farthest] = true;
            centres.Add(farthest);
            newest = farthest;
        }
    }

    private static SupportSelection RefineByKMedoids(EmbeddingMatrix matrix, List<int> initial, int maxRounds)
    {
        var centres = initial.ToArray();
        var assignment = AssignToNearest(matrix, centres);
        var rounds = 0;
        var clusterSum = new double[matrix.Dimension];
        while (rounds < maxRounds)
        {
            rounds++;
            var moved = false;
            for (var c = 0; c < centres.Length; c++)
            {
                // The medoid minimises sum_j D(i, j) = |C| - u_i . sum_{j in C} u_j over members i of cluster C;
                // the current centre keeps its place on a tie, so the rounds cannot oscillate.
                Array.Clear(clusterSum);
                for (var i = 0; i < matrix.Count; i++)
                {
                    if (assignment[i] == c)
                    {
                        matrix.AddTo(i, clusterSum);
                    }
                }

                var medoid = centres[c];
                var medoidScore = matrix.DotWithSum(medoid, clusterSum);
                for (var i = 0; i < matrix.Count; i++)
                {
                    if (assignment[i] != c || i == centres[c])
                    {
                        continue;
                    }

                    var score = matrix.DotWithSum(i, clusterSum);
                    if (score > medoidScore)
                    {
                        medoidScore = score;
                        medoid = i;
                    }
                }

                if (medoid != centres[c])
                {
                    centres[c] = medoid;
                    moved = true;
                }
            }

            if (!moved)
            {
                break;
            }

            assignment = AssignToNearest(matrix, centres);
        }

        return new SupportSelection(centres, assignment, rounds);
    }

    private static int[] AssignToNearest(EmbeddingMatrix matrix, IReadOnlyList<int> centres)
    {
        var assignment = new int[matrix.Count];
        for (var i = 0; i < matrix.Count; i++)
        {
            var best = 0;
            var bestDistance = double.PositiveInfinity;
            for (var c = 0; c < centres.Count; c++)
            {
                var distance = matrix.Distance(i, centres[c]);
                if (distance < bestDistance)
                {
                    bestDistance = distance;
                    best = c;
                }
            }

            assignment[i] = best;
        }

        // A centre always leads its own cluster, even when a duplicate image is an equally near centre.
        for (var c = 0; c < centres.Count; c++)
        {
            assignment[centres[c]] = c;
        }

        return assignment;
    }
}
