using SamMpa.Grains.Datasets;

namespace SamMpa.Gateway.Api;

/// <summary>Creates a dataset over images already in blob storage (JSON body of <c>POST /datasets</c>).</summary>
public sealed record CreateFromPrefixRequest
{
    /// <summary>The dataset id: lower-case letters, digits, '-', '_' and '.'.</summary>
    public required string Id { get; init; }

    /// <summary>Folder of the images, ending in '/'; null for the dataset's own <c>datasets/{id}/images/</c>.</summary>
    public string? ImagePrefix { get; init; }

    /// <summary>Folder of ground-truth masks named like the images; null when there is none.</summary>
    public string? TruthPrefix { get; init; }

    /// <summary>Image names under the prefix; null for every image there.</summary>
    public IReadOnlyList<string>? Images { get; init; }

    /// <summary>Longest side of the working grid that embedding and registration see.</summary>
    public int WorkingSize { get; init; } = 256;
}

/// <summary>
/// What <c>POST /datasets</c> answers: the dataset's status and, for an upload, how many files it wrote and kept, and
/// each DICOM file that could not be imported ("file: reason"; the others were).
/// </summary>
public sealed record DatasetCreated(DatasetStatus Status, int Uploaded, int Kept, IReadOnlyList<string>? NotIngested = null);

/// <summary>A dataset's status and how far its current step is (0..1; null when nothing runs).</summary>
public sealed record DatasetView(DatasetStatus Status, double? Progress)
{
    public static DatasetView Of(DatasetStatus status) => new(status, status.Phase switch
    {
        DatasetPhase.Embedding when status.Images > 0 => (double)(status.Embedded + status.Failures.Count(f => f.Stage == "embed")) / status.Images,
        DatasetPhase.Running when status.Queries > 0 => (double)(status.Segmented + status.Failed) / status.Queries,
        DatasetPhase.Completed => 1.0,
        _ => null,
    });
}

/// <summary>Selects the supports (body of <c>POST /datasets/{id}/selection</c>), with the options of <c>sammpa select</c>.</summary>
public sealed record SelectionRequest
{
    /// <summary>Number of supports K.</summary>
    public int K { get; init; } = 10;

    /// <summary>Random supports (seeded) instead of the paper's embedding-based selection (ES).</summary>
    public bool Random { get; init; }

    public int Seed { get; init; } = 20240601;

    /// <summary>Supports registered to each query (1 = the published method).</summary>
    public int Atlases { get; init; } = 1;

    /// <summary>Average-pool embeddings to at most this many values before selection (0 = none).</summary>
    public int Pool { get; init; }

    /// <summary>
    /// Spread the supports over the images' strata by this provenance field (site, institution, manufacturer, model,
    /// station, series) and serve each query from its own stratum; null or "none" for one selection over every image.
    /// </summary>
    public string? StratifyBy { get; init; }

    /// <summary>With <see cref="StratifyBy"/>: a stratum holding at least this share of the images gets a support.</summary>
    public double MinStratumShare { get; init; } = 0.05;

    public SelectSupports ToMessage() => new()
    {
        K = K,
        ByEmbedding = !Random,
        Seed = Seed,
        Atlases = Atlases,
        PooledDimension = Pool,
        StratifyBy = StratifyBy,
        MinStratumShare = MinStratumShare,
    };
}

/// <summary>Starts a run (body of <c>POST /datasets/{id}/runs</c>), with the settings of <c>sammpa run</c>.</summary>
public sealed record RunRequest
{
    /// <summary>The mask stages: mp, loc, rf joined by commas, or auto (chosen per dataset from the supports).</summary>
    public string Stages { get; init; } = "auto";

    /// <summary>Prompt SAM with the coarse masks (stages pa, pr).</summary>
    public bool Sam { get; init; }

    /// <summary>Post-refinement rounds with SAM (0 = none).</summary>
    public int Refine { get; init; } = 1;

    /// <summary>Pixels added around the coarse mask's box.</summary>
    public int BoxMargin { get; init; }

    /// <summary>Radius the coarse mask is dilated by before it becomes prompts.</summary>
    public int MaskDilation { get; init; }

    /// <summary>Foreground point at the most interior pixel instead of the centroid.</summary>
    public bool InteriorPoint { get; init; }
}
