namespace SamMpa.Bench.Selection;

/// <summary>
/// N x d embeddings in a few clusters (a centre each, plus uniform noise), non-negative like pooled CNN features,
/// deterministic for a seed. Stands in for an archive's embeddings at sizes no data set here has.
/// </summary>
public static class SyntheticEmbeddings
{
    public static float[][] Create(int count, int dimension, int clusters, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(count);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(dimension);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(clusters);
        var random = new Random(seed);
        var centres = new float[clusters][];
        for (var c = 0; c < clusters; c++)
        {
            centres[c] = new float[dimension];
            for (var j = 0; j < dimension; j++)
            {
                centres[c][j] = random.NextSingle();
            }
        }

        var embeddings = new float[count][];
        for (var i = 0; i < count; i++)
        {
            var centre = centres[random.Next(clusters)];
            var row = new float[dimension];
            for (var j = 0; j < dimension; j++)
            {
                row[j] = centre[j] + (0.8f * random.NextSingle());
            }

            embeddings[i] = row;
        }

        return embeddings;
    }
}
