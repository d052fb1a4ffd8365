using SamMpa.Grains.Datasets.Phases;

namespace SamMpa.Grains.Datasets;

/// <summary>
/// What a dataset grain persists: settings, phase, counters and a bounded list of recent failures, the same size for
/// 10 images or 10^5. The image list, which images could not be embedded and every image's atlases live in blobs
/// (<see cref="Files.DatasetFiles"/>); each image's outcome lives in its image grain, its failure's whole text in a
/// blob, and the run's outcomes in the report. Retired ids (never reused): 2 images, 5 embedded, 9 atlases,
/// 13 segmented, 14 failures.
/// </summary>
[GenerateSerializer]
[Alias("sammpa.DatasetState")]
public sealed class DatasetState
{
    /// <summary>Failures kept in the state (and the status) at the most; the count goes on, the texts are in blobs.</summary>
    public const int RecentFailuresKept = 20;

    [Id(0)]
    public DatasetPhase Phase { get; set; }

    [Id(1)]
    public string ImagePrefix { get; set; } = string.Empty;

    [Id(3)]
    public string? TruthPrefix { get; set; }

    [Id(4)]
    public int WorkingSize { get; set; } = 256;

    [Id(6)]
    public string? Encoder { get; set; }

    /// <summary>The dense feature extractor the images' feature maps were written with (localisation reads them).</summary>
    [Id(29)]
    public string? FeatureExtractor { get; set; }

    /// <summary>The selection asked for; kept while it waits for embeddings or runs.</summary>
    [Id(7)]
    public SelectSupports? Selection { get; set; }

    /// <summary>Indexes of the supports (K of them).</summary>
    [Id(8)]
    public List<int> Supports { get; set; } = [];

    /// <summary>Supports whose annotation is missing or unusable.</summary>
    [Id(10)]
    public List<string> MissingAnnotations { get; set; } = [];

    [Id(11)]
    public string? RunId { get; set; }

    [Id(12)]
    public RunSettings? Run { get; set; }

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

    [Id(22)]
    public int ImageCount { get; set; }

    /// <summary>Progress of the embedding phase (positions are image indexes).</summary>
    [Id(23)]
    public PhaseProgress Embedding { get; set; } = PhaseProgress.None;

    /// <summary>Progress of the current run (positions are indexes into the run's queries, in dataset order).</summary>
    [Id(24)]
    public PhaseProgress Segmentation { get; set; } = PhaseProgress.None;

    /// <summary>The last failures, one line each (at most <see cref="RecentFailuresKept"/>).</summary>
    [Id(25)]
    public List<ImageFailure> RecentFailures { get; set; } = [];

    /// <summary>Queries of the current run: every embedded image that is not a support.</summary>
    [Id(26)]
    public int QueryCount { get; set; }

    /// <summary>Names of <see cref="Supports"/>, for statuses without reading the image list.</summary>
    [Id(28)]
    public List<string> SupportNames { get; set; } = [];

    /// <summary>Images whose embedding failed so far (one line each); moved to the embedding blob when the phase ends.</summary>
    [Id(27)]
    public List<Files.EmbeddingFailure> EmbeddingFailures { get; set; } = [];

    /// <summary>Stage AUTO's choice for the run <see cref="PipelineChoice.RunId"/> and every candidate's leave-one-out Dice.</summary>
    [Id(30)]
    public PipelineChoice? Pipeline { get; set; }

    /// <summary>
    /// Tries of the active phase so far, kept across activations: a phase whose silo dies each time (a crash the job
    /// cannot catch) would otherwise start again with a fresh count at every resume, for ever. Ids from 40: room for
    /// the fields other branches add.
    /// </summary>
    [Id(40)]
    public int PhaseAttempts { get; set; }

    /// <summary>The phase <see cref="PhaseAttempts"/> counts.</summary>
    [Id(41)]
    public DatasetPhase AttemptedPhase { get; set; }

    /// <summary>
    /// The principal that created the dataset; null for one created before datasets had owners (only admin keys may
    /// touch it) or by the silo's own work.
    /// </summary>
    [Id(42)]
    public string? Owner { get; set; }

    /// <summary>Roles the owner gave other principals.</summary>
    [Id(43)]
    public Dictionary<string, Security.DatasetRole> Grants { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The image (index) being promoted to a support while the phase is Selecting; null otherwise.</summary>
    [Id(44)]
    public int? Promoting { get; set; }

    /// <summary>The phase the dataset goes back to if the promotion cannot be done.</summary>
    [Id(45)]
    public DatasetPhase PhaseBeforePromotion { get; set; }

    /// <summary>The selection before the promotion is saved (a retried promotion must not take the new one for it).</summary>
    [Id(46)]
    public bool PromotionBaseSaved { get; set; }

    /// <summary>
    /// Promotions left a re-run plan (<see cref="Files.RerunFile"/>): the next run with the last run's settings
    /// re-segments only <see cref="RerunQueries"/> queries and keeps the others' outcomes.
    /// </summary>
    [Id(47)]
    public bool RerunPending { get; set; }

    [Id(48)]
    public int RerunQueries { get; set; }

    /// <summary>The current run re-segments the re-run plan's queries only.</summary>
    [Id(49)]
    public bool PartialRun { get; set; }

    /// <summary>The settings the last run was asked with (<see cref="Run"/> holds them with stage AUTO's choice applied).</summary>
    [Id(50)]
    public RunSettings? RunRequest { get; set; }

    public void AddFailure(ImageFailure failure)
    {
        if (RecentFailures.Contains(failure))
        {
            return;
        }

        RecentFailures.Add(failure);
        if (RecentFailures.Count > RecentFailuresKept)
        {
            RecentFailures.RemoveRange(0, RecentFailures.Count - RecentFailuresKept);
        }
    }
}
