using Microsoft.Extensions.Logging;
using Orleans.Streams;
using SamMpa.Grains.Datasets.Dicom;
using SamMpa.Grains.Datasets.Files;
using SamMpa.Grains.Datasets.Phases;
using SamMpa.Grains.Events;
using SamMpa.Grains.Images;
using SamMpa.Grains.Workers;
using SamMpa.Storage;

namespace SamMpa.Grains.Datasets;

/// <summary>
/// The dataset's job: works through the active phase (embedding, selecting, running) by the phase classes, checkpoints
/// the counters, publishes completion events and is the <see cref="IJobHost"/> the phases call back.
/// </summary>
internal sealed partial class DatasetGrain : IJobHost
{
    private readonly SemaphoreSlim _saveGate = new(1, 1);
    private readonly Dictionary<int, ImageOutcome> _outcomes = [];
    private Task? _job;
    private CancellationTokenSource? _jobCancellation;
    private IGrainTimer? _keepAlive;
    private JobResilience? _resilience;
    private ProgressTracker? _embedding;
    private ProgressTracker? _segmentation;
    private SelectionFile? _selection;
    private string? _missingRole;
    private string? _waitingMessage;
    private int _inFlight;
    private int _sinceCheckpoint;

    public JobResilience Resilience => _resilience ??= new JobResilience(Id, jobOptions.Value, metrics, logger, _ => new ValueTask(ReloadStateAsync()));

    private IAsyncStream<CompletionEvent> Completions =>
        this.GetStreamProvider(Constants.StreamProviderName)
            .GetStream<CompletionEvent>(StreamId.Create(Constants.CompletionStreamNamespace, Id));

    public int InFlightLimit(string stage)
    {
        var atlases = Math.Max(1, state.State.Selection?.Atlases ?? 1);
        // A SAM-MPA run keeps queries in flight by the registration slots the cpu silos offer (each query takes one per
        // atlas); embedding, baselines and collecting take Job:MaxInFlight.
        var options = jobOptions.Value;
        return stage == StageNames.Register && state.State.Run?.Method.IsBaseline() != true
            ? Math.Max(1, ((roles.RegistrationSlots() * Math.Max(1, options.CallsPerRegistrationSlot)) + atlases - 1) / atlases)
            : Math.Max(1, options.MaxInFlight);
    }

    public async Task WaitForRoleAsync(string role, string what, CancellationToken cancellationToken)
    {
        var warned = false;
        while (!roles.IsServed(role))
        {
            if (!warned)
            {
                _missingRole = role;
                _waitingMessage = MissingRoleMessage(role, what) + " The dataset waits for it.";
                logger.LogWarning("Dataset {Dataset}: {Message}", Id, _waitingMessage);
                warned = true;
            }

            await Task.Delay(jobOptions.Value.RetryDelay, cancellationToken);
        }

        if (warned)
        {
            logger.LogInformation("Dataset {Dataset}: a silo with role {Role} joined; going on", Id, role);
        }

        _missingRole = null;
        _waitingMessage = null;
    }

    public async Task CheckpointAsync(bool force)
    {
        if (force || ++_sinceCheckpoint >= jobOptions.Value.CheckpointEvery)
        {
            await SaveAsync();
        }
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        await StopJobAsync();
        if (IsActive(state.State.Phase))
        {
            // Progress since the last checkpoint is kept; the reminder resumes the job from here.
            await SaveAsync();
        }

        _jobCancellation?.Dispose();
        _saveGate.Dispose();
    }

    private void EnsureJob()
    {
        if (_job is { IsCompleted: false })
        {
            return;
        }

        _jobCancellation?.Dispose();
        _jobCancellation = new CancellationTokenSource();
        _job = RunJobAsync(_jobCancellation.Token);
    }

    /// <summary>Cancels the job and waits until it, and every call it had in flight, has ended.</summary>
    private async Task StopJobAsync()
    {
        if (_job is { IsCompleted: false } job)
        {
            await _jobCancellation!.CancelAsync();
            try
            {
                await job;
            }
            catch (OperationCanceledException)
            {
            }
        }
    }

    private async Task RunJobAsync(CancellationToken cancellationToken)
    {
        // Kept active while the job runs (no request may arrive for hours); the reminder brings it back after a failure.
        _keepAlive ??= this.RegisterGrainTimer(static _ => Task.CompletedTask, new GrainTimerCreationOptions(TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1)) { KeepAlive = true, Interleave = true });
        try
        {
            await RegisterJobReminderAsync();
            // A call may start a new phase while this job is finishing (it awaits the reminder's removal); the last
            // check below has no await after it, so no call can slip in between it and the job's end.
            while (HasWork && !cancellationToken.IsCancellationRequested)
            {
                await RunActivePhaseAsync(cancellationToken);
                if (!HasWork)
                {
                    await UnregisterJobReminderAsync();
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            logger.LogError("Dataset {Dataset}: job stopped in {Phase} ({Reason}); the reminder will resume it", Id, state.State.Phase, ImageError.OneLine(e.Message));
        }
        finally
        {
            _keepAlive?.Dispose();
            _keepAlive = null;
            _embedding = null;
            _segmentation = null;
        }
    }

    /// <summary>One phase (and the events stored with it), retried from the stored state; the dataset fails when it keeps failing.</summary>
    private async Task RunActivePhaseAsync(CancellationToken cancellationToken)
    {
        var phase = state.State.Phase;
        try
        {
            await Resilience.PhaseAsync(
                $"{phase}",
                async ct =>
                {
                    await CountPhaseAttemptAsync();
                    await PublishPendingEventsAsync(ct);
                    await (state.State.Phase switch
                    {
                        DatasetPhase.Embedding => EmbedAllAsync(ct),
                        DatasetPhase.Selecting => state.State.Promoting is null ? SelectAsync(ct) : PromoteSupportAsync(ct),
                        DatasetPhase.Running => SegmentAllAsync(ct),
                        _ => Task.CompletedTask,
                    });
                    // Finished: the next phase, or the next run of this one, starts its count afresh (saved with the events).
                    state.State.PhaseAttempts = 0;
                    await PublishPendingEventsAsync(ct);
                },
                cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Stopped on purpose (cancel, deactivation): no failed try; what runs next counts afresh.
            state.State.PhaseAttempts = 0;
            throw;
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            logger.LogError(e, "Dataset {Dataset}: {Phase} failed after {Attempts} attempts; the dataset fails", Id, phase, state.State.PhaseAttempts);
            state.State.Phase = IsActive(state.State.Phase) ? DatasetPhase.Failed : state.State.Phase;
            state.State.Message = $"{phase} failed after {state.State.PhaseAttempts} attempts: {ImageError.OneLine(e.Message)}";
            state.State.PhaseAttempts = 0;
            state.State.SupportsSelectedPending = false;
            state.State.CompletionPending = false;
            await SaveAsync();
        }
    }

    /// <summary>
    /// Counts one try of the active phase in the stored state before it starts, so the count survives a silo that dies
    /// during it; past Job:MaxPhaseAttempts the phase ends with <see cref="PhaseAttemptsExhaustedException"/>, which
    /// is not retried, and the dataset fails with the reason.
    /// </summary>
    private async Task CountPhaseAttemptAsync()
    {
        var s = state.State;
        if (s.AttemptedPhase != s.Phase)
        {
            s.AttemptedPhase = s.Phase;
            s.PhaseAttempts = 0;
        }

        var max = jobOptions.Value.MaxPhaseAttempts;
        if (s.PhaseAttempts >= max)
        {
            throw new PhaseAttemptsExhaustedException(
                $"{s.Phase} was started {s.PhaseAttempts} times (Job:MaxPhaseAttempts {max}) without finishing: the silos running it failed or stopped each time");
        }

        s.PhaseAttempts++;
        await SaveAsync();
    }

    /// <summary>Reads the stored state again after a failed phase, keeping the failure's message.</summary>
    private async Task ReloadStateAsync()
    {
        var message = state.State.Message;
        await _saveGate.WaitAsync();
        try
        {
            await state.ReadStateAsync();
        }
        catch (Exception e)
        {
            logger.LogWarning("Dataset {Dataset}: its state cannot be read again ({Reason}); going on with the state in memory", Id, ImageError.OneLine(e.Message));
        }
        finally
        {
            _saveGate.Release();
        }

        state.State.Message = message;
        _outcomes.Clear();
        _selection = null;
    }

    private async Task EmbedAllAsync(CancellationToken cancellationToken)
    {
        var s = state.State;
        var images = await ImagesAsync();
        _embedding = new ProgressTracker(images.Count, s.Embedding);
        await EmbeddingPhase.RunAsync(
            s,
            images,
            _embedding,
            this,
            (i, ct) => GrainFactory.GetGrain<IImageGrain>(ImageKey.Of(Id, images[i])).EmbedAsync(new EmbedImage(ImageBlob(images[i]), s.WorkingSize), ct),
            cancellationToken);
        cancellationToken.ThrowIfCancellationRequested();
        await DatasetFiles.WriteEmbeddingAsync(blobs, Id, new EmbeddingSummary(s.Encoder ?? "none", s.EmbeddingFailures), cancellationToken);

        var usable = s.Embedding.Done;
        if (s.Selection is { } selection && selection.K >= usable)
        {
            s.Phase = DatasetPhase.Failed;
            s.Message = $"Only {usable} of {s.ImageCount} images could be embedded; K = {selection.K} needs more. See the failures.";
        }
        else
        {
            s.Phase = s.Selection is null ? DatasetPhase.Embedded : DatasetPhase.Selecting;
            s.Message = null;
        }

        await SaveAsync();
        logger.LogInformation("Dataset {Dataset}: {Done} images embedded, {Failed} failed", Id, usable, s.Embedding.Failed);
    }

    private async Task SelectAsync(CancellationToken cancellationToken)
    {
        var s = state.State;
        var selection = s.Selection!;
        await WaitForRoleAsync(SiloRoles.Cpu, "supports are selected", cancellationToken);
        var images = await ImagesAsync();
        var outcome = await GrainFactory.GetGrain<ISelectionWorker>(0).SelectAsync(
            new SelectionJob
            {
                Dataset = Id,
                Encoder = s.Encoder!,
                ImageCount = s.ImageCount,
                K = selection.K,
                ByEmbedding = selection.ByEmbedding,
                Seed = selection.Seed,
                Atlases = selection.Atlases,
                PooledDimension = selection.PooledDimension,
                StratifyBy = selection.StratifyBy,
                MinStratumShare = selection.MinStratumShare,
            },
            cancellationToken);
        if (outcome.Error is { } error)
        {
            s.Phase = DatasetPhase.Failed;
            s.Message = $"Selection failed: {error}";
            await SaveAsync();
            return;
        }

        _selection = null;
        s.Supports = outcome.Supports.ToList();
        s.SupportNames = s.Supports.Select(i => images[i]).ToList();
        s.MissingAnnotations = s.SupportNames.ToList();
        s.RunId = null;
        s.Segmentation = PhaseProgress.None;
        // New supports: whatever promotions planned is void, the next run segments every query.
        s.RerunPending = false;
        s.RerunQueries = 0;
        s.Phase = DatasetPhase.AwaitingAnnotations;
        s.Message = $"Annotate the {s.Supports.Count} supports (datasets/{Id}/annotations/<stem>.png), then accept the annotations."
            + (outcome.Note is { } note ? $" {note}" : string.Empty);
        s.SupportsSelectedPending = true;
        await SaveAsync();
        logger.LogInformation("Dataset {Dataset}: selected {K} supports in {Seconds:F2} s", Id, s.Supports.Count, outcome.Seconds);
    }

    private async Task SegmentAllAsync(CancellationToken cancellationToken)
    {
        var s = state.State;
        var runId = s.RunId!;
        var images = await ImagesAsync();
        var selection = _selection ??= await DatasetFiles.ReadSelectionAsync(blobs, Id, cancellationToken);
        var supports = s.Supports.ToHashSet();
        var failed = s.EmbeddingFailures.Select(f => f.Index).ToHashSet();
        var queries = Enumerable.Range(0, images.Count).Where(i => !supports.Contains(i) && !failed.Contains(i)).ToArray();
        // After promotions, only the queries whose nearest supports changed; the others' outcomes are kept.
        var rerun = s.PartialRun ? await DatasetFiles.ReadRerunAsync(blobs, Id, cancellationToken) : null;
        if (rerun is not null)
        {
            var again = rerun.Queries.ToHashSet();
            queries = queries.Where(again.Contains).ToArray();
        }

        await ChoosePipelineAsync(images, selection, runId, cancellationToken);
        var calls = new SegmentationCalls(
            (i, ct) => SegmentImageAsync(images, selection, i, runId, ct),
            (i, outcome, ct) => PublishAsync(new ImageSegmented { EventId = $"{runId}/{images[i]}", Dataset = Id, RunId = runId, Outcome = outcome }, ct),
            RolesOf(s.Run!));
        _segmentation = new ProgressTracker(queries.Length, s.Segmentation);
        await SegmentationPhase.RunAsync(s, images, queries, _segmentation, this, calls, _outcomes, cancellationToken);

        cancellationToken.ThrowIfCancellationRequested();
        var collected = await SegmentationPhase.CollectAsync(images, queries, this, calls, _outcomes, cancellationToken);
        if (rerun is not null)
        {
            var order = images.Select((name, i) => (name, i)).ToDictionary(p => p.name, p => p.i, StringComparer.Ordinal);
            collected = rerun.Kept.Select(KeptOutcome).Concat(collected).OrderBy(o => order[o.Image]).ToArray();
        }

        s.CoarseDiceMean = Mean(collected.Select(o => o.CoarseDice));
        s.FinalDiceMean = Mean(collected.Select(o => o.FinalDice));
        s.RunSeconds = (DateTimeOffset.UtcNow - s.RunStarted!.Value).TotalSeconds;
        // Every outcome is in: publishing is short and is not cut by a cancel (which waits for it), so the masks and
        // report.json never stay half-published; after a lost silo the resumed job publishes again.
        var report = await RunPublication.PublishAsync(blobs, Id, collected, CancellationToken.None);
        var segmentations = await RunSegmentations.PublishAsync(blobs, Id, report, segOptions.Value, imageOptions.Value.Limits, dicomWebOptions.Value, logger, CancellationToken.None);
        var runs = rerun?.Kept.ToDictionary(e => e.Image, e => e.Run ?? rerun.BaseRunId, StringComparer.Ordinal);
        await blobs.WriteAsync(
            DatasetBlobLayout.Report(Id),
            DatasetReport.Serialize(DatasetReportBuilder.Build(Id, s, report, runs, rerun?.BaseRunId, StrataOf(images, selection), segmentations)),
            CancellationToken.None);
        s.Phase = DatasetPhase.Completed;
        s.Message = rerun is null ? null : $"Re-segmented {queries.Length} queries after promoting {string.Join(", ", rerun.Promoted)}; kept {rerun.Kept.Count} from run {rerun.BaseRunId}.";
        s.CompletionPending = true;
        s.RerunPending = false;
        s.RerunQueries = 0;
        s.PartialRun = false;
        await SaveAsync();
        await DeleteRunFoldersAsync(runId);
        await DeletePromotionFilesAsync();
        logger.LogInformation(
            "Dataset {Dataset}: run {Run} completed, {Done} segmented, {Failed} failed, coarse Dice {Coarse}, in {Seconds:F1} s",
            Id, runId, s.Segmentation.Done, s.Segmentation.Failed, s.CoarseDiceMean, s.RunSeconds);
    }

    /// <summary>Each image's stratum by name when the selection recorded strata (provenance, or a stratified selection); else null.</summary>
    private static ReportStrata? StrataOf(IReadOnlyList<string> images, SelectionFile selection) =>
        selection.Strata is { } strata && strata.Count == images.Count
            ? new ReportStrata(selection.StratumField ?? "site", selection.Stratified, images.Select((name, i) => (name, i)).ToDictionary(p => p.name, p => strata[p.i], StringComparer.Ordinal))
            : null;

    /// <summary>The other runs' folders once a run is published; a failure leaves garbage, not a wrong mask, so it is only logged.</summary>
    private async Task DeleteRunFoldersAsync(string publishedRun)
    {
        try
        {
            await RunPublication.DeleteRunFoldersAsync(blobs, Id, publishedRun, CancellationToken.None);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning("Dataset {Dataset}: the runs' folders could not be deleted ({Reason}); they are deleted after the next run", Id, ImageError.OneLine(e.Message));
        }
    }

    /// <summary>The re-run plan and the selection before promotions, spent once a run completed; a failure leaves garbage only.</summary>
    private async Task DeletePromotionFilesAsync()
    {
        try
        {
            await blobs.DeleteAsync(DatasetBlobLayout.Rerun(Id), CancellationToken.None);
            await blobs.DeleteAsync(DatasetBlobLayout.SelectionBeforePromotion(Id), CancellationToken.None);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning("Dataset {Dataset}: the promotion files could not be deleted ({Reason})", Id, ImageError.OneLine(e.Message));
        }
    }

    /// <summary>Asks image <paramref name="i"/> for its outcome in the run, within the call's deadline (the same request every time, so a repeat is recognised).</summary>
    private async Task<ImageOutcome> SegmentImageAsync(IReadOnlyList<string> images, SelectionFile selection, int i, string runId, CancellationToken cancellationToken)
    {
        var s = state.State;
        var image = images[i];
        var atlases = QueryAtlases(selection, i);
        var request = new SegmentImage
        {
            RunId = runId,
            ImageBlob = ImageBlob(image),
            TruthBlob = TruthBlob(image),
            Supports = atlases.Select(a => new SupportRef(images[a], ImageBlob(images[a]), DatasetBlobLayout.Annotation(Id, images[a]))).ToArray(),
            WorkingSize = s.WorkingSize,
            Settings = s.Run!,
            EmbeddingBlob = DatasetBlobLayout.Embedding(Id, s.Encoder!, image),
            Encoder = s.Encoder,
            Localisation = s.Run!.Localise
                ? new LocalisationJob
                {
                    FeatureExtractor = s.FeatureExtractor!,
                    Supports = s.SupportNames.Select(n => new SupportRef(n, ImageBlob(n), DatasetBlobLayout.Annotation(Id, n))).ToArray(),
                    RunId = runId,
                }
                : null,
        };
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(CallBudget(atlases.Length));
        _inFlight++;
        metrics.InFlight(StageNames.Register, 1);
        try
        {
            return await GrainFactory.GetGrain<IImageGrain>(ImageKey.Of(Id, image)).SegmentAsync(request, deadline.Token);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"{image} did not finish within its deadline of {CallBudget(atlases.Length).TotalMinutes:F0} min (atlases x 2 x Registration:Timeout + Job:QueueAllowance)");
        }
        finally
        {
            _inFlight--;
            metrics.InFlight(StageNames.Register, -1);
        }
    }

    /// <summary>The deadline of one image call: elastix and transformix per atlas, each bounded by Registration:Timeout, plus queueing.</summary>
    private TimeSpan CallBudget(int atlases) => (registration.Timeout * 2 * Math.Max(1, atlases)) + jobOptions.Value.QueueAllowance;

    private static string[] RolesOf(RunSettings run) =>
        run.Method.IsBaseline() ? [SiloRoles.Gpu] : run.UseSam ? [SiloRoles.Cpu, SiloRoles.Gpu] : [SiloRoles.Cpu];

    /// <summary>Publishes the events stored with the last phase change, then forgets them (stored again).</summary>
    private async Task PublishPendingEventsAsync(CancellationToken cancellationToken)
    {
        var s = state.State;
        if (s.SupportsSelectedPending)
        {
            var selected = new SupportsSelected { EventId = $"{Id}/supports/{string.Join(',', s.Supports)}", Dataset = Id, Supports = s.SupportNames.ToArray() };
            await Resilience.CallAsync("publish", selected.EventId, ct => PublishAsync(selected, ct), cancellationToken);
            s.SupportsSelectedPending = false;
            await SaveAsync();
        }

        if (s.CompletionPending)
        {
            var cancelled = s.Phase == DatasetPhase.Cancelled;
            var completed = new DatasetCompleted
            {
                EventId = $"{s.RunId}/{(cancelled ? "cancelled" : "completed")}",
                Dataset = Id,
                RunId = s.RunId ?? string.Empty,
                Queries = s.QueryCount,
                Segmented = s.Segmentation.Done,
                Failed = s.Segmentation.Failed,
                ReportBlob = DatasetBlobLayout.Report(Id),
                CoarseDiceMean = s.CoarseDiceMean,
                FinalDiceMean = s.FinalDiceMean,
                WallSeconds = s.RunSeconds ?? (DateTimeOffset.UtcNow - (s.RunStarted ?? DateTimeOffset.UtcNow)).TotalSeconds,
                Cancelled = cancelled,
            };
            await Resilience.CallAsync("publish", completed.EventId, ct => PublishAsync(completed, ct), cancellationToken);
            s.CompletionPending = false;
            await SaveAsync();
        }
    }

    /// <summary>Into the dataset's event log first (kept, for consumers that were away), then on the stream.</summary>
    private async Task PublishAsync(CompletionEvent completion, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        await GrainFactory.GetGrain<IDatasetEventLogWriter>(Id).AppendAsync(completion);
        await Completions.OnNextAsync(completion);
    }

    /// <summary>Writes the state; writes never overlap (the job's calls interleave at their awaits).</summary>
    private async Task SaveAsync()
    {
        await _saveGate.WaitAsync();
        try
        {
            _sinceCheckpoint = 0;
            await state.WriteStateAsync();
        }
        finally
        {
            _saveGate.Release();
        }
    }

    private async Task RegisterJobReminderAsync()
    {
        var period = jobOptions.Value.ReminderPeriod;
        await this.RegisterOrUpdateReminder(Constants.JobReminderName, period, period);
    }

    private async Task UnregisterJobReminderAsync()
    {
        if (await this.GetReminder(Constants.JobReminderName) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }
    }

    private static double? Mean(IEnumerable<double?> values)
    {
        var present = values.Where(v => v is { } d && !double.IsNaN(d)).Select(v => v!.Value).ToArray();
        return present.Length == 0 ? null : present.Average();
    }
}
