using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SamMpa.Grains.Options;
using SamMpa.Grains.Placement;
using SamMpa.Grains.Telemetry;
using SamMpa.Imaging.Images;
using SamMpa.Storage;

namespace SamMpa.Grains.Datasets;

/// <summary>
/// Coordinates one dataset: lists its images, embeds them, selects the supports, checks their annotations and
/// segments every query, each long step as a job (see DatasetGrain.Job.cs) that the API starts and returns from.
/// The job resumes on activation, and a reminder re-activates the grain after a silo failure or a cluster restart.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "Disposed in OnDeactivateAsync; Orleans does not dispose grains.")]
internal sealed partial class DatasetGrain(
    [PersistentState("dataset", Constants.StorageProviderName)] IPersistentState<DatasetState> state,
    IBlobStore blobs,
    IClusterRoles roles,
    SamMpaMetrics metrics,
    IOptions<JobOptions> jobOptions,
    ILogger<DatasetGrain> logger) : Grain, IDatasetGrain, IRemindable
{
    private const int MinimumImages = 2;

    private string Id => this.GetPrimaryKeyString();

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (HasWork)
        {
            logger.LogInformation("Dataset {Dataset}: resuming {Phase}", Id, state.State.Phase);
            EnsureJob();
        }

        return Task.CompletedTask;
    }

    public async Task<DatasetStatus> CreateAsync(CreateDataset request)
    {
        ResourceId.Validate(Id, "dataset");
        ArgumentNullException.ThrowIfNull(request);
        if (state.State.Phase != DatasetPhase.None)
        {
            // Idempotent: the same request again is answered with the status; anything else would change a dataset in use.
            var same = (request.ImagePrefix ?? DatasetBlobLayout.ImagesPrefix(Id)) == state.State.ImagePrefix
                && request.TruthPrefix == state.State.TruthPrefix
                && request.WorkingSize == state.State.WorkingSize
                && (request.Images is null || request.Images.SequenceEqual(state.State.Images));
            return same
                ? Status()
                : throw new InvalidOperationException($"Dataset '{Id}' already exists ({state.State.Phase}, {state.State.Images.Count} images) with other settings; use another dataset id.");
        }

        if (request.WorkingSize is < 32 or > 4096)
        {
            throw new ArgumentOutOfRangeException(nameof(request), $"Working size must be 32..4096, not {request.WorkingSize}.");
        }

        var prefix = request.ImagePrefix ?? DatasetBlobLayout.ImagesPrefix(Id);
        BlobName.PrefixSegments(prefix);
        if (request.TruthPrefix is not null)
        {
            BlobName.PrefixSegments(request.TruthPrefix);
        }

        var (images, skipped) = request.Images is { } listed ? (ValidateNames(listed), []) : await ListImagesAsync(prefix);
        if (images.Count < MinimumImages)
        {
            throw new ArgumentException($"Dataset '{Id}': {images.Count} images under '{prefix}'; at least {MinimumImages} are needed (one support, one query).");
        }

        var sameStem = images.GroupBy(DatasetBlobLayout.MaskName, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (sameStem is not null)
        {
            throw new ArgumentException($"Dataset '{Id}': images {string.Join(" and ", sameStem)} would share the mask {sameStem.Key}; rename one.");
        }

        state.State = new DatasetState
        {
            Phase = DatasetPhase.Embedding,
            ImagePrefix = prefix,
            Images = images,
            TruthPrefix = request.TruthPrefix,
            WorkingSize = request.WorkingSize,
            Embedded = new byte[images.Count],
            Message = skipped.Count == 0 ? null : $"Skipped {skipped.Count} blobs that are not images (.png, .jpg, .jpeg, .bmp): {string.Join(", ", skipped.Take(5))}{(skipped.Count > 5 ? ", ..." : string.Empty)}",
        };
        await SaveAsync();
        logger.LogInformation("Dataset {Dataset} created: {Count} images under {Prefix}", Id, images.Count, prefix);
        EnsureJob();
        return Status();
    }

    public async Task<DatasetStatus> SelectSupportsAsync(SelectSupports request)
    {
        ArgumentNullException.ThrowIfNull(request);
        RequireCreated();
        var usable = state.State.Embedded.Count(e => e != Progress.Failed);
        if (request.K < 1 || request.K >= state.State.Images.Count)
        {
            throw new ArgumentOutOfRangeException(nameof(request), $"Dataset '{Id}': K must be 1..{state.State.Images.Count - 1} (it has {state.State.Images.Count} images), not {request.K}.");
        }

        if (request.Atlases < 1 || request.Atlases > request.K)
        {
            throw new ArgumentOutOfRangeException(nameof(request), $"Dataset '{Id}': atlases must be 1..K ({request.K}), not {request.Atlases}.");
        }

        if (request.PooledDimension < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(request), $"Pooled dimension must be 0 (none) or more, not {request.PooledDimension}.");
        }

        switch (state.State.Phase)
        {
            case DatasetPhase.Selecting when request == state.State.Selection:
            case DatasetPhase.Embedding when request == state.State.Selection:
                return Status();
            case DatasetPhase.Running or DatasetPhase.Selecting:
                throw new InvalidOperationException($"Dataset '{Id}' is {state.State.Phase}; cancel it before selecting again.");
            case DatasetPhase.Embedding:
                state.State.Selection = request;
                state.State.Message = "Supports will be selected once every image is embedded.";
                break;
            default:
                if (request.K >= usable)
                {
                    throw new ArgumentOutOfRangeException(nameof(request), $"Dataset '{Id}': K must be below the {usable} images that have an embedding, not {request.K}.");
                }

                state.State.Selection = request;
                state.State.Phase = DatasetPhase.Selecting;
                state.State.Message = null;
                break;
        }

        await SaveAsync();
        EnsureJob();
        return Status();
    }

    public async Task<DatasetStatus> AcceptAnnotationsAsync()
    {
        RequireCreated();
        if (state.State.Phase is not (DatasetPhase.AwaitingAnnotations or DatasetPhase.Annotated or DatasetPhase.Completed or DatasetPhase.Cancelled)
            || state.State.Supports.Count == 0)
        {
            throw new InvalidOperationException($"Dataset '{Id}' is {state.State.Phase}: select supports first, then annotate them.");
        }

        if (!roles.IsServed(SiloRoles.Cpu))
        {
            throw new InvalidOperationException(MissingRoleMessage(SiloRoles.Cpu, "annotations are checked"));
        }

        var checker = GrainFactory.GetGrain<Workers.ISelectionWorker>(0);
        var problems = new List<(string Image, string Problem)>();
        foreach (var support in state.State.Supports)
        {
            var image = state.State.Images[support];
            var problem = await checker.CheckAnnotationAsync(new Workers.AnnotationCheck(image, ImageBlob(support), DatasetBlobLayout.Annotation(Id, image)));
            if (problem is not null)
            {
                problems.Add((image, problem));
            }
        }

        state.State.MissingAnnotations = problems.Select(p => p.Image).ToList();
        if (problems.Count == 0)
        {
            state.State.Phase = state.State.Phase == DatasetPhase.AwaitingAnnotations ? DatasetPhase.Annotated : state.State.Phase;
            state.State.Message = null;
        }
        else
        {
            state.State.Phase = DatasetPhase.AwaitingAnnotations;
            state.State.Message = $"{problems.Count} of {state.State.Supports.Count} supports have no usable annotation:"
                + string.Concat(problems.Select(p => $"{Environment.NewLine}  {p.Problem}"));
        }

        await SaveAsync();
        return Status();
    }

    public async Task<DatasetStatus> RunAsync(RunSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        RequireCreated();
        if (state.State.Phase == DatasetPhase.Running)
        {
            return Status();
        }

        if (state.State.Phase is not (DatasetPhase.Annotated or DatasetPhase.Completed or DatasetPhase.Cancelled) || state.State.MissingAnnotations.Count > 0)
        {
            throw new InvalidOperationException($"Dataset '{Id}' is {state.State.Phase}: every support needs an accepted annotation before a run (annotate, then accept).");
        }

        if (settings.Refine < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(settings), $"Refine must be 0 or more, not {settings.Refine}.");
        }

        if (settings.UseSam && state.State.Encoder?.StartsWith("sam-", StringComparison.Ordinal) != true)
        {
            throw new InvalidOperationException($"Dataset '{Id}' was embedded with {state.State.Encoder ?? "no encoder"}; SAM decodes SAM embeddings only. Give the gpu silos a SAM package (Models:SamPackage) before creating the dataset.");
        }

        state.State.RunId = $"run-{DateTimeOffset.UtcNow:yyyyMMdd-HHmmss}-{Guid.NewGuid():N}"[..32];
        state.State.Run = settings;
        state.State.Segmented = new byte[state.State.Images.Count];
        state.State.Failures.RemoveAll(f => f.Stage != Images.StageNames.Embed);
        state.State.RunStarted = DateTimeOffset.UtcNow;
        state.State.CoarseDiceMean = null;
        state.State.FinalDiceMean = null;
        state.State.RunSeconds = null;
        state.State.Phase = DatasetPhase.Running;
        state.State.Message = null;
        await SaveAsync();
        logger.LogInformation("Dataset {Dataset}: run {Run} started ({Queries} queries, SAM {Sam})", Id, state.State.RunId, QueryCount, settings.UseSam);
        EnsureJob();
        return Status();
    }

    public Task<DatasetStatus> GetStatusAsync()
    {
        RequireCreated();
        return Task.FromResult(Status());
    }

    public async Task<DatasetStatus> CancelAsync()
    {
        RequireCreated();
        if (!IsActive(state.State.Phase))
        {
            return Status();
        }

        await StopJobAsync();
        var wasRunning = state.State.Phase == DatasetPhase.Running;
        state.State.Phase = DatasetPhase.Cancelled;
        state.State.Message = "Cancelled.";
        state.State.CompletionPending = wasRunning;
        await SaveAsync();
        if (wasRunning)
        {
            // The job publishes the cancellation (and again after a lost silo, until it is out).
            EnsureJob();
        }

        return Status();
    }

    public Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (HasWork)
        {
            EnsureJob();
            return Task.CompletedTask;
        }

        return UnregisterJobReminderAsync();
    }

    /// <summary>A phase to work through, or events of a finished one still to publish.</summary>
    private bool HasWork => IsActive(state.State.Phase) || state.State.SupportsSelectedPending || state.State.CompletionPending;

    private static bool IsActive(DatasetPhase phase) => phase is DatasetPhase.Embedding or DatasetPhase.Selecting or DatasetPhase.Running;

    private void RequireCreated()
    {
        // Any grain id can be asked for; one that could never be created is named as such, not as "does not exist".
        ResourceId.Validate(Id, "dataset");
        if (state.State.Phase == DatasetPhase.None)
        {
            throw new KeyNotFoundException($"Dataset '{Id}' does not exist; create it first (sammpa ingest).");
        }
    }

    private string ImageBlob(int index) => state.State.ImagePrefix + state.State.Images[index];

    private string? TruthBlob(int index) =>
        state.State.TruthPrefix is null ? null : state.State.TruthPrefix + DatasetBlobLayout.MaskName(state.State.Images[index]);

    /// <summary>Images that are neither supports nor failed to embed.</summary>
    private int QueryCount => state.State.Embedded.Count(e => e == Progress.Done) - state.State.Supports.Count;

    private static List<string> ValidateNames(IReadOnlyList<string> images)
    {
        foreach (var image in images)
        {
            ResourceId.Validate(image, "image");
        }

        var duplicate = images.GroupBy(i => i, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        return duplicate is null ? images.ToList() : throw new ArgumentException($"Image '{duplicate.Key}' is listed twice.");
    }

    private async Task<(List<string> Images, List<string> Skipped)> ListImagesAsync(string prefix)
    {
        var images = new List<string>();
        var skipped = new List<string>();
        await foreach (var name in blobs.ListAsync(prefix, default))
        {
            var relative = name[prefix.Length..];
            // Only the prefix's own blobs, not those of sub-folders.
            if (relative.Contains('/', StringComparison.Ordinal))
            {
                continue;
            }

            (ImageFile.SupportedExtensions.Contains(Path.GetExtension(relative)) ? images : skipped).Add(relative);
        }

        return (images, skipped);
    }

    private string MissingRoleMessage(string role, string what) =>
        $"No silo with role {role} (or all) is in the cluster, and {what} there: start one with Orleans:Metadata:role={role}.";

    private DatasetStatus Status()
    {
        var s = state.State;
        var supports = s.Supports.Select(i => s.Images[i]).ToArray();
        return new DatasetStatus
        {
            Dataset = Id,
            Phase = s.Phase,
            Images = s.Images.Count,
            Embedded = s.Embedded.Count(e => e == Progress.Done),
            Queries = s.RunId is null ? 0 : QueryCount,
            Segmented = s.Segmented.Count(e => e == Progress.Done),
            Failed = s.Failures.Count,
            Supports = supports,
            MissingAnnotations = s.MissingAnnotations,
            Failures = s.Failures,
            MissingRole = _missingRole,
            Message = _missingRole is not null ? _waitingMessage : s.Message,
            RunId = s.RunId,
            InFlight = _inFlight,
            CoarseDiceMean = s.CoarseDiceMean,
            FinalDiceMean = s.FinalDiceMean,
            Encoder = s.Encoder,
            K = s.Supports.Count,
        };
    }
}
