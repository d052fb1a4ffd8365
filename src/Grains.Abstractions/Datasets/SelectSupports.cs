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

    /// <summary>
    /// The provenance field supports are spread over (<see cref="ImageProvenance.Fields"/>: site, institution, ...), or
    /// null for one selection over every image. Each stratum gets supports in proportion to its images, and each query is
    /// served by a support of its own stratum when it has one.
    /// </summary>
    [Id(5)]
    public string? StratifyBy { get; init; }

    /// <summary>With <see cref="StratifyBy"/>: a stratum holding at least this share of the images gets a support.</summary>
    [Id(6)]
    public double MinStratumShare { get; init; } = 0.05;
}
