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
    [ResponseTimeout(CallTimeouts.LongWork)]
    Task<SelectionOutcome> SelectAsync(SelectionJob job, CancellationToken cancellationToken = default);

    /// <summary>Null when the annotation is usable; otherwise the problem, naming the blob.</summary>
    [Alias("CheckAnnotation")]
    Task<string?> CheckAnnotationAsync(AnnotationCheck check, CancellationToken cancellationToken = default);
}

/// <summary>
/// Selects a dataset's supports from the embeddings of its images. The worker reads the image list and which images
/// could not be embedded from the dataset's blobs and writes the selection (every image's atlases) as a blob: nothing
/// that grows with the dataset crosses the call.
/// </summary>
[GenerateSerializer]
[Alias("sammpa.SelectionJob")]
public sealed record SelectionJob
{
    [Id(0)]
    public required string Dataset { get; init; }

    // Id 1 (the embedding blobs of every candidate) is retired: the worker reads the dataset's files instead.
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

    /// <summary>Images in the dataset's image list (the list is checked against it).</summary>
    [Id(7)]
    public int ImageCount { get; init; }

    /// <summary>The encoder whose embeddings are selected from.</summary>
    [Id(8)]
    public required string Encoder { get; init; }

    /// <summary>
    /// The supports as given (indexes into the image list), instead of selecting K: the selection a person changed by
    /// promoting a corrected query. Every image's atlases are ranked against them as after a selection.
    /// </summary>
    [Id(9)]
    public IReadOnlyList<int>? FixedSupports { get; init; }

    /// <summary>The provenance field to select (and assign queries) within, or null for one selection over every image.</summary>
    [Id(10)]
    public string? StratifyBy { get; init; }

    /// <summary>With <see cref="StratifyBy"/>: a stratum holding at least this share of the images gets a support.</summary>
    [Id(11)]
    public double MinStratumShare { get; init; } = 0.05;
}

/// <summary>The supports as indexes into the dataset's image list; every image's atlases are in the selection blob.</summary>
[GenerateSerializer]
[Alias("sammpa.SelectionOutcome")]
public sealed record SelectionOutcome
{
    [Id(0)]
    public IReadOnlyList<int> Supports { get; init; } = [];

    // Id 1 (every image's atlases) is retired: they are in the selection blob.
    [Id(2)]
    public double Seconds { get; init; }

    [Id(3)]
    public string? Error { get; init; }

    /// <summary>What the selection could not do as asked (more strata needing a support than K), for the status.</summary>
    [Id(4)]
    public string? Note { get; init; }
}

[GenerateSerializer]
[Alias("sammpa.AnnotationCheck")]
public sealed record AnnotationCheck(
    [property: Id(0)] string Image,
    [property: Id(1)] string ImageBlob,
    [property: Id(2)] string AnnotationBlob);
