using SamMpa.Grains.Datasets;
using SamMpa.Grains.Images;

namespace SamMpa.Grains.Workers;

/// <summary>The propagated masks of one query, to be fused, written and (with SAM) decoded into the final mask.</summary>
[GenerateSerializer]
[Alias("sammpa.MaskJob")]
public sealed record MaskJob
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
    public required IReadOnlyList<PropagatedMask> Masks { get; init; }

    [Id(5)]
    public int WorkingSize { get; init; } = 256;

    [Id(6)]
    public RunSettings Settings { get; init; } = new();

    /// <summary>The query's embedding (SAM's, when SAM runs).</summary>
    [Id(7)]
    public string? EmbeddingBlob { get; init; }
}
