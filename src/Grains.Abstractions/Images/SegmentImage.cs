using SamMpa.Grains.Datasets;

namespace SamMpa.Grains.Images;

/// <summary>
/// Segments one query in run <see cref="RunId"/>: the supports' masks are registered onto it (one worker call per
/// support, spread over the cpu silos), fused, written as the coarse mask, and with SAM decoded into the final mask.
/// Idempotent by run id: a repeat returns the first outcome; a repeat while it runs joins it.
/// </summary>
[GenerateSerializer]
[Alias("sammpa.SegmentImage")]
public sealed record SegmentImage
{
    [Id(0)]
    public required string RunId { get; init; }

    [Id(1)]
    public required string ImageBlob { get; init; }

    [Id(2)]
    public string? TruthBlob { get; init; }

    [Id(3)]
    public required IReadOnlyList<SupportRef> Supports { get; init; }

    [Id(4)]
    public int WorkingSize { get; init; } = 256;

    [Id(5)]
    public RunSettings Settings { get; init; } = new();

    [Id(6)]
    public string? EmbeddingBlob { get; init; }

    /// <summary>The encoder whose embeddings the dataset holds (PerSAM reads its support's).</summary>
    [Id(7)]
    public string? Encoder { get; init; }

    /// <summary>Stage LOC's supports and feature extractor; null when the run does not localise.</summary>
    [Id(8)]
    public Workers.LocalisationJob? Localisation { get; init; }
}
