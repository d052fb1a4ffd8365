using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SamMpa.Dicom;
using SamMpa.Grains.Datasets.Files;
using SamMpa.Grains.Datasets.Phases;
using SamMpa.Grains.Options;
using SamMpa.Grains.Security;
using SamMpa.Grains.Placement;
using SamMpa.Grains.Telemetry;
using SamMpa.Imaging.Images;
using SamMpa.Imaging.Registration;
using SamMpa.Storage;

namespace SamMpa.Grains.Datasets;

/// <summary>
/// Coordinates one dataset: checks each request and starts the job that works through it (DatasetGrain.Job.cs runs
/// the phases in <see cref="Phases"/>). The job resumes on activation, and a reminder re-activates the grain after a
/// silo failure or a cluster restart. The state stays small; what grows with the dataset lives in blobs.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "Disposed in OnDeactivateAsync; Orleans does not dispose grains.")]
internal sealed partial class DatasetGrain(
    [PersistentState("dataset", Constants.StorageProviderName)] IPersistentState<DatasetState> state,
    IBlobStore blobs,
    IClusterRoles roles,
    SamMpaMetrics metrics,
    RegistrationOptions registration,
    IOptions<JobOptions> jobOptions,
    IOptions<DicomSegOptions> segOptions,
    IOptions<SamMpa.Dicom.Web.DicomWebOptions> dicomWebOptions,
    IOptions<ImageOptions> imageOptions,
    ILogger<DatasetGrain> logger) : Grain, IDatasetGrain, IRemindable
{
    private const int MinimumImages = 2;

    /// <summary>The image list, read from its blob once per activation.</summary>
    private IReadOnlyList<string>? _images;

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
            // Another principal may not learn the dataset's settings, nor take it over.
            RequireRole(DatasetRole.Owner, "create again");

            // Idempotent: the same request again is answered with the status; anything else would change a dataset in use.
            var same = (request.ImagePrefix ?? DatasetBlobLayout.ImagesPrefix(Id)) == state.State.ImagePrefix
                && request.TruthPrefix == state.State.TruthPrefix
                && request.WorkingSize == state.State.WorkingSize
                && (request.Images is null || request.Images.SequenceEqual(await ImagesAsync()));
            if (!same)
            {
                throw new InvalidOperationException($"Dataset '{Id}' already exists ({state.State.Phase}, {state.State.ImageCount} images) with other settings; use another dataset id.");
            }

            // The folder again: images added to or removed from it since the dataset was created are not taken in silently.
            return request.Images is null && await FirstForeignImageAsync() is { } foreign
                ? throw new InvalidOperationException($"Dataset '{Id}' already holds other images: {foreign}; use another dataset id (sammpa ingest --new-version).")
                : Status();
        }

        // A reserved id (an upload under way) is its reserving principal's to create.
        var reservedBy = state.State.Owner;
        if (reservedBy is not null)
        {
            RequireRole(DatasetRole.Owner, "create");
        }

        SettingRanges.RequireWorkingSize(nameof(CreateDataset), request.WorkingSize);

        var prefix = request.ImagePrefix ?? DatasetBlobLayout.ImagesPrefix(Id);
        BlobName.PrefixSegments(prefix);
        if (request.TruthPrefix is not null)
        {
            BlobName.PrefixSegments(request.TruthPrefix);
        }

        var (images, skipped) = request.Images is { } listed ? (ValidateNames(listed), []) : await ListImagesAsync(prefix);
        if (images.Count < MinimumImages)
        {
            throw new ArgumentException(
                $"Dataset '{Id}': {images.Count} images under '{prefix}'; at least {MinimumImages} are needed (one support, one query).{(SkippedMessage(skipped) is { } why ? " " + why : string.Empty)}");
        }

        var sameStem = images.GroupBy(DatasetBlobLayout.MaskName, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (sameStem is not null)
        {
            throw new ArgumentException($"Dataset '{Id}': images {string.Join(" and ", sameStem)} would share the mask {sameStem.Key}; rename one.");
        }

        // The list first: a state that says Embedding always finds its list.
        await DatasetFiles.WriteImagesAsync(blobs, Id, images, default);
        _images = images;
        state.State = new DatasetState
        {
            Phase = DatasetPhase.Embedding,
            ImagePrefix = prefix,
            ImageCount = images.Count,
            TruthPrefix = request.TruthPrefix,
            WorkingSize = request.WorkingSize,
            Owner = reservedBy ?? CallerContext.Current?.Name,
            Message = SkippedMessage(skipped),
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
        RequireRole(DatasetRole.Owner, "select supports of");
        var s = state.State;
        if (request.K < 1 || request.K >= s.ImageCount)
        {
            throw new ArgumentOutOfRangeException(nameof(request), $"Dataset '{Id}': K must be 1..{s.ImageCount - 1} (it has {s.ImageCount} images), not {request.K}.");
        }

        if (request.Atlases < 1 || request.Atlases > request.K)
        {
            throw new ArgumentOutOfRangeException(nameof(request), $"Dataset '{Id}': atlases must be 1..K ({request.K}), not {request.Atlases}.");
        }

        SettingRanges.Require($"{nameof(SelectSupports)}.{nameof(request.PooledDimension)}", request.PooledDimension, 0, SettingRanges.MaxPooledDimension);
        request = ValidateStrata(request);

        switch (s.Phase)
        {
            case DatasetPhase.Selecting when request == s.Selection:
            case DatasetPhase.Embedding when request == s.Selection:
                return Status();
            case DatasetPhase.Running or DatasetPhase.Selecting:
                throw new InvalidOperationException($"Dataset '{Id}' is {s.Phase}; cancel it before selecting again.");
            case DatasetPhase.Embedding:
                s.Selection = request;
                s.Message = "Supports will be selected once every image is embedded.";
                break;
            default:
                var usable = s.ImageCount - s.EmbeddingFailures.Count;
                if (request.K >= usable)
                {
                    throw new ArgumentOutOfRangeException(nameof(request), $"Dataset '{Id}': K must be below the {usable} images that have an embedding, not {request.K}.");
                }

                s.Selection = request;
                s.Phase = DatasetPhase.Selecting;
                s.Message = null;
                break;
        }

        await SaveAsync();
        EnsureJob();
        return Status();
    }

    /// <summary>The stratification field checked ("none" is no stratification), and the minimum share in 0..1.</summary>
    private SelectSupports ValidateStrata(SelectSupports request)
    {
        if (request.StratifyBy is null || request.StratifyBy.Equals("none", StringComparison.OrdinalIgnoreCase))
        {
            return request with { StratifyBy = null };
        }

        try
        {
            new ImageProvenance().ValueOf(request.StratifyBy);
        }
        catch (ArgumentException)
        {
            throw new ArgumentException(
                $"Dataset '{Id}': '{request.StratifyBy}' is not a field to stratify by: use none, {string.Join(", ", ImageProvenance.Fields)}.", nameof(request));
        }

        if (!double.IsFinite(request.MinStratumShare) || request.MinStratumShare < 0 || request.MinStratumShare > 1)
        {
            throw new ArgumentOutOfRangeException(
                nameof(request), $"Dataset '{Id}': the minimum stratum share must be 0..1, not {request.MinStratumShare.ToString(System.Globalization.CultureInfo.InvariantCulture)}.");
        }

        return !request.ByEmbedding
            ? throw new ArgumentException($"Dataset '{Id}': supports are stratified by {request.StratifyBy} with the embedding selection (ES), not with random supports.", nameof(request))
            : request;
    }

    public async Task<DatasetStatus> AcceptAnnotationsAsync()
    {
        RequireCreated();
        RequireRole(DatasetRole.Annotator, "accept annotations of");
        var s = state.State;
        if (s.Phase is not (DatasetPhase.AwaitingAnnotations or DatasetPhase.Annotated or DatasetPhase.Completed or DatasetPhase.Cancelled)
            || s.Supports.Count == 0)
        {
            throw new InvalidOperationException($"Dataset '{Id}' is {s.Phase}: select supports first, then annotate them.");
        }

        if (!roles.IsServed(SiloRoles.Cpu))
        {
            throw new InvalidOperationException(MissingRoleMessage(SiloRoles.Cpu, "annotations are checked"));
        }

        var images = await ImagesAsync();
        var checker = GrainFactory.GetGrain<Workers.ISelectionWorker>(0);
        var problems = new List<(string Image, string Problem)>();
        foreach (var support in s.Supports)
        {
            var image = images[support];
            var problem = await checker.CheckAnnotationAsync(new Workers.AnnotationCheck(image, ImageBlob(image), DatasetBlobLayout.Annotation(Id, image)));
            if (problem is not null)
            {
                problems.Add((image, problem));
            }
        }

        s.MissingAnnotations = problems.Select(p => p.Image).ToList();
        if (problems.Count == 0)
        {
            s.Phase = s.Phase == DatasetPhase.AwaitingAnnotations ? DatasetPhase.Annotated : s.Phase;
            s.Message = null;
        }
        else
        {
            s.Phase = DatasetPhase.AwaitingAnnotations;
            s.Message = $"{problems.Count} of {s.Supports.Count} supports have no usable annotation:"
                + string.Concat(problems.Select(p => $"{Environment.NewLine}  {p.Problem}"));
        }

        await SaveAsync();
        return Status();
    }

    public async Task<DatasetStatus> RunAsync(RunSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        RequireCreated();
        RequireRole(DatasetRole.Owner, "run");
        var s = state.State;
        if (s.Phase == DatasetPhase.Running)
        {
            return Status();
        }

        if (s.Phase is not (DatasetPhase.Annotated or DatasetPhase.Completed or DatasetPhase.Cancelled) || s.MissingAnnotations.Count > 0)
        {
            throw new InvalidOperationException($"Dataset '{Id}' is {s.Phase}: every support needs an accepted annotation before a run (annotate, then accept).");
        }

        SettingRanges.RequireRun("run", settings);

        if (!Enum.IsDefined(settings.Method))
        {
            throw new ArgumentOutOfRangeException(nameof(settings), $"Unknown method {(int)settings.Method}.");
        }

        if (!settings.Method.IsBaseline() && !settings.Register && !settings.Localise)
        {
            throw new ArgumentException("A run needs a mask stage: registration (mp), localisation (loc) or both.", nameof(settings));
        }

        if (settings.Localise && !settings.Method.IsBaseline() && s.FeatureExtractor is null)
        {
            throw new InvalidOperationException($"Dataset '{Id}' has no dense feature maps, which localisation (loc) reads: it was embedded with Models:DenseFeatures off on the gpu silos, or before they existed. Create the dataset again with Models:DenseFeatures on.");
        }

        if (settings.NeedsSam && s.Encoder?.StartsWith("sam-", StringComparison.Ordinal) != true)
        {
            throw new InvalidOperationException($"Dataset '{Id}' was embedded with {s.Encoder ?? "no encoder"}; SAM decodes SAM embeddings only. Give the gpu silos a SAM package (Models:SamPackage) before creating the dataset.");
        }

        if (settings.Method.IsManual() && s.TruthPrefix is null)
        {
            throw new InvalidOperationException($"Dataset '{Id}' has no ground truth, and --method {SegmentationMethods.Format(settings.Method)} prompts from it.");
        }

        // After promotions, a run with the last run's settings re-segments only the queries whose supports changed, with
        // the pipeline AUTO chose then, so kept and new masks come from one pipeline; other settings run every query.
        var partial = s.RerunPending && settings == s.RunRequest;
        var runId = $"run-{DateTimeOffset.UtcNow:yyyyMMdd-HHmmss}-{Guid.NewGuid():N}"[..32];
        s.Pipeline = partial && s.Pipeline is { } kept && kept.RunId == s.RunId ? kept with { RunId = runId } : null;
        s.Run = partial ? s.Run : settings;
        s.RunRequest = settings;
        s.PartialRun = partial;
        s.RunId = runId;
        s.Segmentation = PhaseProgress.None;
        s.QueryCount = partial ? s.RerunQueries : s.Embedding.Done - s.Supports.Count;
        s.RecentFailures.RemoveAll(f => f.Stage != Images.StageNames.Embed);
        s.RunStarted = DateTimeOffset.UtcNow;
        s.CoarseDiceMean = null;
        s.FinalDiceMean = null;
        s.RunSeconds = null;
        s.Phase = DatasetPhase.Running;
        s.Message = partial
            ? $"Re-segmenting the {s.RerunQueries} queries whose nearest supports changed; the others keep their masks."
            : s.RerunPending ? "Other settings than the last run's: every query is segmented again." : null;
        await SaveAsync();
        logger.LogInformation("Dataset {Dataset}: run {Run} started ({Queries} queries, {Method}, SAM {Sam})", Id, s.RunId, s.QueryCount, settings.Method, settings.UseSam);
        EnsureJob();
        return Status();
    }

    public Task<DatasetStatus> GetStatusAsync()
    {
        RequireCreated();
        RequireRole(DatasetRole.Viewer, "read the status of");
        return Task.FromResult(Status());
    }

    public async Task<DatasetStatus> CancelAsync()
    {
        RequireCreated();
        RequireRole(DatasetRole.Owner, "cancel");
        if (!IsActive(state.State.Phase))
        {
            return Status();
        }

        // Returns once every call the job had in flight has ended (their elastix killed): nothing of this run still runs.
        await StopJobAsync();
        if (state.State.Promoting is not null)
        {
            await AbandonPromotionAsync();
            return Status();
        }

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

    private async Task<IReadOnlyList<string>> ImagesAsync() =>
        _images ??= await DatasetFiles.ReadImagesAsync(blobs, Id, state.State.ImageCount, default);

    private string ImageBlob(string image) => state.State.ImagePrefix + image;

    private string? TruthBlob(string image) =>
        state.State.TruthPrefix is null ? null : state.State.TruthPrefix + DatasetBlobLayout.MaskName(image);

    private static List<string> ValidateNames(IReadOnlyList<string> images)
    {
        foreach (var image in images)
        {
            ResourceId.Validate(image, "image");
        }

        var duplicate = images.GroupBy(i => i, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        return duplicate is null ? images.ToList() : throw new ArgumentException($"Image '{duplicate.Key}' is listed twice.");
    }

    /// <summary>The first image (ordinal) that is in the dataset's folder but not in the dataset, or the other way round; null when they agree.</summary>
    private async Task<string?> FirstForeignImageAsync()
    {
        var (listed, _) = await ListImagesAsync(state.State.ImagePrefix);
        var known = (await ImagesAsync()).ToHashSet(StringComparer.Ordinal);
        var present = listed.ToHashSet(StringComparer.Ordinal);
        var first = known.Union(present, StringComparer.Ordinal).Where(i => !(known.Contains(i) && present.Contains(i))).Order(StringComparer.Ordinal).FirstOrDefault();
        return first is null ? null
            : known.Contains(first) ? $"{state.State.ImagePrefix}{first} is in the dataset but no longer in its folder"
            : $"{state.State.ImagePrefix}{first} is in its folder but not in the dataset";
    }

    /// <summary>What a prefix held that the dataset does not read; DICOM named apart, with the ways that convert it.</summary>
    private static string? SkippedMessage(List<string> skipped)
    {
        if (skipped.Count == 0)
        {
            return null;
        }

        var message = $"Skipped {skipped.Count} blobs that are not images (.png, .jpg, .jpeg, .bmp): {string.Join(", ", skipped.Take(5))}{(skipped.Count > 5 ? ", ..." : string.Empty)}";
        var dicom = skipped.Count(SamMpa.Dicom.Import.DicomFiles.IsDicomName);
        return dicom == 0 ? message
            : $"{message}. {dicom} of them are DICOM, which a dataset read in place from a prefix cannot take: sammpa ingest --prefix (to the cluster) converts them, as do --images DIR and uploads of .dcm files to the gateway.";
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

    private static string MissingRoleMessage(string role, string what) =>
        $"No silo with role {role} (or all) is in the cluster, and {what} there: start one with Orleans:Metadata:role={role}.";

    private DatasetStatus Status()
    {
        var s = state.State;
        var embedding = _embedding is { } e && s.Phase == DatasetPhase.Embedding ? (e.Done, e.Failed) : (s.Embedding.Done, s.Embedding.Failed);
        var segmentation = _segmentation is { } r && s.Phase == DatasetPhase.Running ? (r.Done, r.Failed) : (s.Segmentation.Done, s.Segmentation.Failed);
        return new DatasetStatus
        {
            Dataset = Id,
            Phase = s.Phase,
            Images = s.ImageCount,
            Embedded = embedding.Item1,
            Queries = s.RunId is null ? 0 : s.QueryCount,
            Segmented = s.RunId is null ? 0 : segmentation.Item1,
            Failed = embedding.Item2 + (s.RunId is null ? 0 : segmentation.Item2),
            Supports = s.SupportNames,
            MissingAnnotations = s.MissingAnnotations,
            Failures = s.RecentFailures,
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
