using SamMpa.Grains.Images;

namespace SamMpa.Grains.Events;

/// <summary>One query of a run is finished: its mask blobs, stage timings and (with ground truth) Dice; or its failure.</summary>
[GenerateSerializer]
[Alias("sammpa.ImageSegmented")]
public sealed record ImageSegmented : CompletionEvent
{
    [Id(0)]
    public required string RunId { get; init; }

    [Id(1)]
    public required ImageOutcome Outcome { get; init; }
}
