namespace SamMpa.Grains.Workers;

/// <summary>
/// Selects supports from the dataset's embeddings and checks annotations. cpu silos. Embeddings are stored as float16
/// (N x d x 2 bytes); selection holds them as float32 plus a normalised copy, N x d x 8 bytes: 10,000 ResNet18
/// embeddings (d = 512) take 41 MB, 10,000 SAM embeddings (d = 1,048,576) would take 84 GB, so pool them
/// (<see cref="SelectionJob.PooledDimension"/>, e.g. 4096: 328 MB).
/// </summary>
[Alias("sammpa.ISelectionWorker")]
public interface ISelectionWorker : IGrainWithIntegerKey
{
    [Alias("Select")]
    Task<SelectionOutcome> SelectAsync(SelectionJob job);

    /// <summary>Null when the annotation is usable; otherwise the problem, naming the blob.</summary>
    [Alias("CheckAnnotation")]
    Task<string?> CheckAnnotationAsync(AnnotationCheck check);
}

[GenerateSerializer]
[Alias("sammpa.SelectionJob")]
public sealed record SelectionJob
{
    [Id(0)]
    public required string Dataset { get; init; }

    /// <summary>Embedding blob of each candidate image, in the dataset's order.</summary>
    [Id(1)]
    public required IReadOnlyList<string> EmbeddingBlobs { get; init; }

    [Id(2)]
    public int K { get; init; }

    [Id(3)]
    public bool ByEmbedding { get; init; } = true;

    [Id(4)]
    public int Seed { get; init; }

    [Id(5)]
    public int Atlases { get; init; } = 1;

    [Id(6)]
    public int PooledDimension { get; init; }
}

/// <summary>Indexes into the job's list: the supports, and for every image the supports registered to it (empty for a support).</summary>
[GenerateSerializer]
[Alias("sammpa.SelectionOutcome")]
public sealed record SelectionOutcome
{
    [Id(0)]
    public IReadOnlyList<int> Supports { get; init; } = [];

    [Id(1)]
    public IReadOnlyList<int[]> Atlases { get; init; } = [];

    [Id(2)]
    public double Seconds { get; init; }

    [Id(3)]
    public string? Error { get; init; }
}

[GenerateSerializer]
[Alias("sammpa.AnnotationCheck")]
public sealed record AnnotationCheck(
    [property: Id(0)] string Image,
    [property: Id(1)] string ImageBlob,
    [property: Id(2)] string AnnotationBlob);
