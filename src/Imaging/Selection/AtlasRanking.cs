namespace SamMpa.Imaging.Selection;

/// <summary>
/// Which supports a query is propagated from. One atlas is the method as published: the support of the query's
/// cluster. More atlases add the next-nearest supports by cosine distance, for label fusion. With strata (a
/// stratified selection), the supports of the sample's own stratum come before the others.
/// </summary>
public static class AtlasRanking
{
    /// <summary>
    /// For every sample, its own cluster's support first, then up to <paramref name="atlases"/> - 1 other supports,
    /// nearest first (ties to the earlier support); with <paramref name="strata"/>, those of the sample's own known
    /// stratum first. Supports themselves get only their own index.
    /// </summary>
    public static int[][] Rank(IReadOnlyList<float[]> embeddings, SupportSelection selection, int atlases, IReadOnlyList<string>? strata = null)
    {
        ArgumentNullException.ThrowIfNull(selection);
        if (atlases < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(atlases), $"--atlases must be at least 1, not {atlases}.");
        }

        var matrix = new EmbeddingMatrix(embeddings);
        RequireStrata(strata, matrix.Count);
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
                .OrderBy(c => OtherStratum(strata, i, c.Support))
                .ThenBy(c => c.Distance)
                .ThenBy(c => c.Order)
                .Take(count - 1)
                .Select(c => c.Support);
            ranked[i] = [own, .. others];
        }

        return ranked;
    }

    /// <summary>
    /// For every support (in the selection's order), up to <paramref name="atlases"/> of the other supports, nearest
    /// first (ties to the earlier support; with <paramref name="strata"/>, its own stratum's first): the atlases it gets
    /// when it is left out and segmented from the others.
    /// </summary>
    public static int[][] LeaveOneOut(IReadOnlyList<float[]> embeddings, SupportSelection selection, int atlases, IReadOnlyList<string>? strata = null)
    {
        ArgumentNullException.ThrowIfNull(selection);
        if (atlases < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(atlases), $"--atlases must be at least 1, not {atlases}.");
        }

        var matrix = new EmbeddingMatrix(embeddings);
        RequireStrata(strata, matrix.Count);
        return selection.Supports
            .Select(left => selection.Supports
                .Where(s => s != left)
                .Select((s, order) => (Support: s, Order: order, Distance: matrix.Distance(left, s)))
                .OrderBy(c => OtherStratum(strata, left, c.Support))
                .ThenBy(c => c.Distance)
                .ThenBy(c => c.Order)
                .Take(atlases)
                .Select(c => c.Support)
                .ToArray())
            .ToArray();
    }

    /// <summary>0 when <paramref name="support"/> is of the sample's own known stratum (or there are no strata), else 1.</summary>
    private static int OtherStratum(IReadOnlyList<string>? strata, int sample, int support) =>
        strata is null || string.IsNullOrEmpty(strata[sample]) || string.Equals(strata[sample], strata[support], StringComparison.Ordinal) ? 0 : 1;

    private static void RequireStrata(IReadOnlyList<string>? strata, int count)
    {
        if (strata is not null && strata.Count != count)
        {
            throw new ArgumentException($"{strata.Count} strata given for {count} embeddings: every sample needs its stratum.", nameof(strata));
        }
    }
}
