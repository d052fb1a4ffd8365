namespace SamMpa.Grains.Events;

/// <summary>A run is over (every query segmented or failed, or the run cancelled); the report blob holds every outcome.</summary>
[GenerateSerializer]
[Alias("sammpa.DatasetCompleted")]
public sealed record DatasetCompleted : CompletionEvent
{
    [Id(0)]
    public required string RunId { get; init; }

    [Id(1)]
    public int Queries { get; init; }

    [Id(2)]
    public int Segmented { get; init; }

    [Id(3)]
    public int Failed { get; init; }

    [Id(4)]
    public required string ReportBlob { get; init; }

    [Id(5)]
    public double? CoarseDiceMean { get; init; }

    [Id(6)]
    public double? FinalDiceMean { get; init; }

    [Id(7)]
    public double WallSeconds { get; init; }

    [Id(8)]
    public bool Cancelled { get; init; }
}
