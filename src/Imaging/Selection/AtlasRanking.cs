namespace SamMpa.Imaging.Selection;

/// <summary>
/// Which supports a query is propagated from. One atlas is the method as published: the support of the query's
/// cluster. More atlases add the next-nearest supports by cosine distance, for label fusion.
/// </summary>
public static class AtlasRanking
{
    /// <summary>
    /// For every sample, its own cluster's support first, then up to <paramref name="atlases"/> - 1 other supports,
    /// nearest first (ties to the earlier support). Supports themselves get only their own index.
    /// </summary>
    public static int[][] Rank(IReadOnlyList<float[]> embeddings, SupportSelection selection, int atlases)
    {
        if (atlases < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(atlases), $"--atlases must be at least 1, not {atlases}.");
        }

        var matrix = new EmbeddingMatrix(embeddings);
        var ranked = new int[matrix.Count][];
        var count = Math.Min(atlases, selection.Supports.Count);
        for (var i = 0; i < matrix.Count; i++)
        {
            var own = selection.SupportOf(i);
            if (count == 1 || selection.IsSupport(i))
            {
                ranked[i] = [own];
                continue;
            }

            var others = selection.Supports
                .Where(s => s != own)
                .Select((s, order) => (Support: s, Order: order, Distance: matrix.Distance(i, s)))
                .OrderBy(c => c.Distance)
                .ThenBy(c => c.Order)
                .Take(count - 1)
                .Select(c => c.Support);
            ranked[i] = [own, .. others];
        }

        return ranked;
    }

    /// <summary>
    /// For every support (in the selection's order), up to <paramref name="atlases"/> of the other supports, nearest
    /// first (ties to the earlier support): the atlases it gets when it is left out and segmented from the others.
    /// </summary>
    public static int[][] LeaveOneOut(IReadOnlyList<float[]> embeddings, SupportSelection selection, int atlases)
    {
        ArgumentNullException.ThrowIfNull(selection);
        if (atlases < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(atlases), $"--atlases must be at least 1, not {atlases}.");
        }

        var matrix = new EmbeddingMatrix(embeddings);
        return selection.Supports
            .Select(left => selection.Supports
                .Where(s => s != left)
                .Select((s, order) => (Support: s, Order: order, Distance: matrix.Distance(left, s)))
                .OrderBy(c => c.Distance)
                .ThenBy(c => c.Order)
                .Take(atlases)
                .Select(c => c.Support)
                .ToArray())
            .ToArray();
    }
}
