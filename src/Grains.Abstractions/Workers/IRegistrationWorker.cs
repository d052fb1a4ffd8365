using SamMpa.Grains.Images;

namespace SamMpa.Grains.Workers;

/// <summary>
/// Stages MP, LOC and RF for one query, in one call: registers every atlas (support) onto the query and fuses the
/// warped masks, and/or predicts the few-shot localisation map; averages the two, refines by GrabCut when asked, and
/// writes the coarse mask (and the soft mask SAM reads next, or the final mask when SAM does not run) and returns blob
/// names and figures. Nothing large crosses the call. cpu silos; one elastix per registration slot.
/// </summary>
[Alias("sammpa.IRegistrationWorker")]
public interface IRegistrationWorker : IGrainWithIntegerKey
{
    [Alias("SegmentQuery")]
    [ResponseTimeout(CallTimeouts.LongWork)]
    Task<CoarseResult> SegmentQueryAsync(QueryJob job, CancellationToken cancellationToken = default);
}

/// <summary>One query and the supports whose annotations are carried onto it.</summary>
[GenerateSerializer]
[Alias("sammpa.QueryJob")]
public sealed record QueryJob
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
    public required IReadOnlyList<SupportRef> Supports { get; init; }

    [Id(5)]
    public int WorkingSize { get; init; } = 256;

    /// <summary>
    /// True when SAM decodes next: the fused soft mask is written for it and the final mask is left to it. False: the
    /// coarse mask is also the final mask.
    /// </summary>
    [Id(6)]
    public bool SamFollows { get; init; }

    /// <summary>Stage MP: register the atlases (<see cref="Supports"/>).</summary>
    [Id(7)]
    public bool Register { get; init; } = true;

    /// <summary>Stage LOC: the few-shot model and the query's feature map; null when the run does not localise.</summary>
    [Id(8)]
    public LocalisationJob? Localise { get; init; }

    /// <summary>Stage RF: GrabCut refines the soft mask.</summary>
    [Id(9)]
    public bool GraphCut { get; init; }

    /// <summary>
    /// A leave-one-out trial of stage AUTO (the image is a support, scored against its own annotation): scored and
    /// returned, nothing written, so no mask or failure blob of a real query is touched.
    /// </summary>
    [Id(10)]
    public bool Trial { get; init; }

    /// <summary>
    /// The run the masks belong to: they are written under the run's own folder (<c>DatasetBlobLayout.RunPrefix</c>), so
    /// a late write of a cancelled run never lands on another run's masks. Required unless nothing is written (a trial).
    /// </summary>
    [Id(11)]
    public string? RunId { get; init; }
}

/// <summary>What the few-shot pixel model is fitted on: every support of the run, in the selection's order.</summary>
[GenerateSerializer]
[Alias("sammpa.LocalisationJob")]
public sealed record LocalisationJob
{
    /// <summary>Id of the dense feature extractor whose maps the dataset holds (names the feature blobs).</summary>
    [Id(0)]
    public required string FeatureExtractor { get; init; }

    [Id(1)]
    public required IReadOnlyList<SupportRef> Supports { get; init; }

    /// <summary>
    /// The run the model is fitted for: a silo fits once per run, so annotations corrected and accepted again between
    /// two runs are learnt anew, not served from the last run's model.
    /// </summary>
    [Id(2)]
    public required string RunId { get; init; }
}

/// <summary>What stage MP gave one query: the outcome so far, and where SAM finds the fused soft mask.</summary>
[GenerateSerializer]
[Alias("sammpa.CoarseResult")]
public sealed record CoarseResult
{
    /// <summary>Coarse blob and scores (and the final mask when no SAM follows), or the failure.</summary>
    [Id(0)]
    public required ImageOutcome Outcome { get; init; }

    /// <summary>The fused soft mask on the working grid (<c>SoftMaskCodec</c>); null unless SAM follows.</summary>
    [Id(1)]
    public string? SoftMaskBlob { get; init; }

    /// <summary>The query's size on its original grid, where SAM's answer goes back to.</summary>
    [Id(2)]
    public int Width { get; init; }

    [Id(3)]
    public int Height { get; init; }
}
