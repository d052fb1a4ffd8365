namespace SamMpa.Grains.Datasets;

/// <summary>Chooses the K images a person annotates.</summary>
[GenerateSerializer]
[Alias("sammpa.SelectSupports")]
public sealed record SelectSupports
{
    [Id(0)]
    public int K { get; init; } = 10;

    /// <summary>True: the paper's ES (k-means over embeddings, nearest image to each centre); false: random with <see cref="Seed"/>.</summary>
    [Id(1)]
    public bool ByEmbedding { get; init; } = true;

    [Id(2)]
    public int Seed { get; init; } = 42;

    /// <summary>Supports registered to each query (label fusion by averaging); 1 is the published method.</summary>
    [Id(3)]
    public int Atlases { get; init; } = 1;

    /// <summary>
    /// Average-pools each embedding to at most this many values before selection (0: no pooling). Selection holds every
    /// embedding in memory, so pooling is what keeps large archives of SAM embeddings (d = 1,048,576) selectable.
    /// </summary>
    [Id(4)]
    public int PooledDimension { get; init; }
}
