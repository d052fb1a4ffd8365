namespace SamMpa.Grains.Images;

/// <summary>What segmenting one query gave: its blobs, scores and stage timings, or why it failed.</summary>
[GenerateSerializer]
[Alias("sammpa.ImageOutcome")]
public sealed record ImageOutcome
{
    [Id(0)]
    public required string Image { get; init; }

    /// <summary>Supports whose masks were carried to this image.</summary>
    [Id(1)]
    public IReadOnlyList<string> Supports { get; init; } = [];

    [Id(2)]
    public string? CoarseMaskBlob { get; init; }

    /// <summary>The final mask (SAM's answer, or the coarse mask when SAM did not run).</summary>
    [Id(3)]
    public string? MaskBlob { get; init; }

    /// <summary>Dice of the coarse mask against ground truth, when ground truth was given.</summary>
    [Id(4)]
    public double? CoarseDice { get; init; }

    [Id(5)]
    public double? FinalDice { get; init; }

    [Id(6)]
    public double? CoarseIou { get; init; }

    [Id(7)]
    public double? FinalIou { get; init; }

    /// <summary>Seconds of registration summed over the supports (each registration on its own worker).</summary>
    [Id(8)]
    public double RegistrationSeconds { get; init; }

    /// <summary>Seconds of fusing, writing and (with SAM) decoding.</summary>
    [Id(9)]
    public double SegmentationSeconds { get; init; }

    /// <summary>Null on success; otherwise the stage and the reason, naming the file.</summary>
    [Id(10)]
    public ImageError? Error { get; init; }

    /// <summary>
    /// Higher = less trustworthy (0..1): 1 - the localisation map's contrast when LOC ran, else the disagreement
    /// (1 - Dice) of the two best atlases' registered masks; null when neither could be measured.
    /// </summary>
    [Id(11)]
    public double? Uncertainty { get; init; }

    public bool Failed => Error is not null;
}
