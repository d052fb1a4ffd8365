namespace SamMpa.Imaging.Selection;

/// <summary>
/// N embeddings of dimension d, unit-normalised and stored contiguously so that cosine similarity is a dot product.
/// </summary>
internal sealed class EmbeddingMatrix
{
    private readonly float[] _units;

    public EmbeddingMatrix(IReadOnlyList<float[]> embeddings)
    {
        if (embeddings.Count == 0)
        {
            throw new ArgumentException("Support selection needs at least one embedding.", nameof(embeddings));
        }

        Count = embeddings.Count;
        Dimension = embeddings[0].Length;
        _units = new float[(long)Count * Dimension];
        for (var i = 0; i < Count; i++)
        {
            var source = embeddings[i];
            if (source.Length != Dimension)
            {
                throw new ArgumentException($"Embedding {i} has {source.Length} values; embedding 0 has {Dimension}.", nameof(embeddings));
            }

            double squared = 0;
            foreach (var v in source)
            {
                squared += (double)v * v;
            }

            // A zero vector has no direction: it stays zero, i.e. cosine distance 1 to everything.
            var scale = squared > 0 ? (float)(1.0 / Math.Sqrt(squared)) : 0f;
            var target = Row(i);
            for (var j = 0; j < Dimension; j++)
            {
                target[j] = source[j] * scale;
            }
        }
    }

    public int Count { get; }

    public int Dimension { get; }

    public Span<float> Row(int i) => _units.AsSpan(i * Dimension, Dimension);

    /// <summary>Cosine distance between samples i and j.</summary>
    public double Distance(int i, int j) => 1.0 - Dot(Row(i), Row(j));

    /// <summary>u_i . s for a summed vector s.</summary>
    public double DotWithSum(int i, ReadOnlySpan<double> sum) => Dot(Row(i), sum);

    /// <summary>Adds u_i to the running sum.</summary>
    public void AddTo(int i, Span<double> sum)
    {
        var row = Row(i);
        for (var j = 0; j < row.Length; j++)
        {
            sum[j] += row[j];
        }
    }

    private static double Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        double total = 0;
        for (var j = 0; j < a.Length; j++)
        {
            total += (double)a[j] * b[j];
        }

        return total;
    }

    private static double Dot(ReadOnlySpan<float> a, ReadOnlySpan<double> b)
    {
        double total = 0;
        for (var j = 0; j < a.Length; j++)
        {
            total += a[j] * b[j];
        }

        return total;
    }
}
