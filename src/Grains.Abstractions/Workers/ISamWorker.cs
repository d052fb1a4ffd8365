using SamMpa.Grains.Datasets;
using SamMpa.Grains.Images;

namespace SamMpa.Grains.Workers;

/// <summary>
/// SAM on a gpu silo: stages PA, SEG and PR from the coarse soft mask stage MP wrote, or one of the paper's baselines.
/// Both read what they need from blobs by name and write the final mask.
/// </summary>
[Alias("sammpa.ISamWorker")]
public interface ISamWorker : IGrainWithIntegerKey
{
    [Alias("Segment")]
    [ResponseTimeout(CallTimeouts.LongWork)]
    Task<ImageOutcome> SegmentAsync(SamJob job, CancellationToken cancellationToken = default);

    [Alias("Baseline")]
    [ResponseTimeout(CallTimeouts.LongWork)]
    Task<ImageOutcome> BaselineAsync(BaselineJob job, CancellationToken cancellationToken = default);
}

/// <summary>Prompts SAM with the query's fused soft mask (stage PA) and feeds its answer back (PR).</summary>
[GenerateSerializer]
[Alias("sammpa.SamJob")]
public sealed record SamJob
{
    [Id(0)]
    public required string Dataset { get; init; }

    [Id(1)]
    public required string Image { get; init; }

    [Id(2)]
    public string? TruthBlob { get; init; }

    [Id(3)]
    public required string SoftMaskBlob { get; init; }

    /// <summary>The query's original size.</summary>
    [Id(4)]
    public int Width { get; init; }

    [Id(5)]
    public int Height { get; init; }

    [Id(6)]
    public required string EmbeddingBlob { get; init; }

    [Id(7)]
    public RunSettings Settings { get; init; } = new();

    /// <summary>Stage MP's outcome (coarse blob and scores), completed with SAM's.</summary>
    [Id(8)]
    public required ImageOutcome Coarse { get; init; }

    /// <summary>
    /// The run the masks belong to: they are written under the run's own folder (<c>DatasetBlobLayout.RunPrefix</c>), so
    /// a late write of a cancelled run never lands on another run's masks. Required unless nothing is written (a trial).
    /// </summary>
    [Id(9)]
    public string? RunId { get; init; }
}

/// <summary>One query segmented by a baseline: manual prompts from its ground truth, or PerSAM from its support.</summary>
[GenerateSerializer]
[Alias("sammpa.BaselineJob")]
public sealed record BaselineJob
{
    [Id(0)]
    public required string Dataset { get; init; }

    [Id(1)]
    public required string Image { get; init; }

    [Id(2)]
    public required string ImageBlob { get; init; }

    [Id(3)]
    public string? TruthBlob { get; init; }

    [Id(4)]
    public required string EmbeddingBlob { get; init; }

    [Id(5)]
    public int WorkingSize { get; init; } = 256;

    [Id(6)]
    public SegmentationMethod Method { get; init; }

    /// <summary>PerSAM's support (its image and annotation); null for the manual baselines.</summary>
    [Id(7)]
    public SupportRef? Support { get; init; }

    [Id(8)]
    public string? SupportEmbeddingBlob { get; init; }

    /// <summary>
    /// The run the masks belong to: they are written under the run's own folder (<c>DatasetBlobLayout.RunPrefix</c>), so
    /// a late write of a cancelled run never lands on another run's masks. Required unless nothing is written (a trial).
    /// </summary>
    [Id(9)]
    public string? RunId { get; init; }
}
