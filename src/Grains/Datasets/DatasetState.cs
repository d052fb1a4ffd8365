using SamMpa.Grains.Datasets;

namespace SamMpa.Grains.Datasets;

/// <summary>
/// What a dataset grain persists. Per-image progress is one byte per image, so the state of a 10,000-image dataset
/// stays small; each image's outcome lives in its own image grain and in the report.
/// </summary>
[GenerateSerializer]
[Alias("sammpa.DatasetState")]
public sealed class DatasetState
{
    [Id(0)]
    public DatasetPhase Phase { get; set; }

    [Id(1)]
    public string ImagePrefix { get; set; } = string.Empty;

    [Id(2)]
    public List<string> Images { get; set; } = [];

    [Id(3)]
    public string? TruthPrefix { get; set; }

    [Id(4)]
    public int WorkingSize { get; set; } = 256;

    /// <summary>Per image: <see cref="Progress"/> of its embedding.</summary>
    [Id(5)]
    public byte[] Embedded { get; set; } = [];

    [Id(6)]
    public string? Encoder { get; set; }

    /// <summary>The selection asked for; kept while it waits for embeddings or runs.</summary>
    [Id(7)]
    public SelectSupports? Selection { get; set; }

    /// <summary>Indexes of the supports.</summary>
    [Id(8)]
    public List<int> Supports { get; set; } = [];

    /// <summary>Per image, the supports registered to it (empty for a support).</summary>
    [Id(9)]
    public List<int[]> Atlases { get; set; } = [];

    /// <summary>Supports whose annotation is missing or unusable.</summary>
    [Id(10)]
    public List<string> MissingAnnotations { get; set; } = [];

    [Id(11)]
    public string? RunId { get; set; }

    [Id(12)]
    public RunSettings? Run { get; set; }

    /// <summary>Per image: <see cref="Progress"/> of its segmentation in the current run.</summary>
    [Id(13)]
    public byte[] Segmented { get; set; } = [];

    [Id(14)]
    public List<ImageFailure> Failures { get; set; } = [];

    [Id(15)]
    public string? Message { get; set; }

    [Id(16)]
    public DateTimeOffset? RunStarted { get; set; }

    [Id(17)]
    public double? CoarseDiceMean { get; set; }

    [Id(18)]
    public double? FinalDiceMean { get; set; }

    /// <summary>Wall seconds of the last finished run.</summary>
    [Id(19)]
    public double? RunSeconds { get; set; }

    /// <summary>
    /// Events decided with a phase change and stored with it, published after (an outbox of two): a silo lost in
    /// between leaves them here, and the resumed job publishes them.
    /// </summary>
    [Id(20)]
    public bool SupportsSelectedPending { get; set; }

    /// <summary>The run's <c>DatasetCompleted</c> (or its cancellation) is still to be published; see <see cref="SupportsSelectedPending"/>.</summary>
    [Id(21)]
    public bool CompletionPending { get; set; }
}

/// <summary>Progress of one image in one stage, as stored in <see cref="DatasetState"/>.</summary>
public static class Progress
{
    public const byte Pending = 0;
    public const byte Done = 1;
    public const byte Failed = 2;
}
