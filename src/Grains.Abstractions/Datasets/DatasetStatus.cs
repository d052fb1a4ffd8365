namespace SamMpa.Grains.Datasets;

/// <summary>A dataset's phase, counts per stage and what went wrong, as the status command shows it.</summary>
[GenerateSerializer]
[Alias("sammpa.DatasetStatus")]
public sealed record DatasetStatus
{
    [Id(0)]
    public required string Dataset { get; init; }

    [Id(1)]
    public DatasetPhase Phase { get; init; }

    [Id(2)]
    public int Images { get; init; }

    [Id(3)]
    public int Embedded { get; init; }

    /// <summary>Queries of the current run (every image that is not a support).</summary>
    [Id(4)]
    public int Queries { get; init; }

    [Id(5)]
    public int Segmented { get; init; }

    [Id(6)]
    public int Failed { get; init; }

    [Id(7)]
    public IReadOnlyList<string> Supports { get; init; } = [];

    /// <summary>Supports still without an accepted annotation.</summary>
    [Id(8)]
    public IReadOnlyList<string> MissingAnnotations { get; init; } = [];

    [Id(9)]
    public IReadOnlyList<ImageFailure> Failures { get; init; } = [];

    /// <summary>The silo role the current work needs and no silo in the cluster has; null when nothing waits for one.</summary>
    [Id(10)]
    public string? MissingRole { get; init; }

    /// <summary>A plain sentence on what the dataset waits for or why it failed.</summary>
    [Id(11)]
    public string? Message { get; init; }

    /// <summary>Id of the current or last segmentation run; events carry it.</summary>
    [Id(12)]
    public string? RunId { get; init; }

    /// <summary>Calls to image grains in flight right now.</summary>
    [Id(13)]
    public int InFlight { get; init; }

    [Id(14)]
    public double? CoarseDiceMean { get; init; }

    [Id(15)]
    public double? FinalDiceMean { get; init; }

    /// <summary>Encoder whose embeddings selected the supports.</summary>
    [Id(16)]
    public string? Encoder { get; init; }

    [Id(17)]
    public int K { get; init; }

    public bool IsFinished => Phase is DatasetPhase.Completed or DatasetPhase.Cancelled or DatasetPhase.Failed;
}
