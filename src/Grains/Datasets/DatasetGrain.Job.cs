using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Orleans.Streams;
using SamMpa.Grains.Events;
using SamMpa.Grains.Images;
using SamMpa.Grains.Workers;
using SamMpa.Storage;

namespace SamMpa.Grains.Datasets;

/// <summary>
/// The dataset's job: one loop that works through the active phase (embedding, selecting, running) with a bounded
/// number of image-grain calls in flight, checkpoints its progress, and publishes completion events.
/// </summary>
internal sealed partial class DatasetGrain
{
    private readonly SemaphoreSlim _saveGate = new(1, 1);
    private Task? _job;
    private CancellationTokenSource? _jobCancellation;
    private IGrainTimer? _keepAlive;
    private string? _missingRole;
    private string? _waitingMessage;
    private int _inFlight;
    private int _sinceCheckpoint;

    /// <summary>Outcomes of the current run seen by this activation (a resumed run asks the image grains for the rest).</summary>
    private readonly Dictionary<int, ImageOutcome> _outcomes = [];

    private IAsyncStream<CompletionEvent> Completions =>
        this.GetStreamProvider(Constants.StreamProviderName)
            .GetStream<CompletionEvent>(StreamId.Create(Constants.CompletionStreamNamespace, Id));

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
            // The outer loop: a call may start a new phase while this job is finishing (it awaits the reminder's removal);
            // the last check below has no await after it, so no call can slip in between it and the job's end.
            while (HasWork && !cancellationToken.IsCancellationRequested)
            {
                await RunActivePhasesAsync(cancellationToken);
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
            logger.LogError(e, "Dataset {Dataset}: job stopped in {Phase}; the reminder will resume it", Id, state.State.Phase);
        }
        finally
        {
            _keepAlive?.Dispose();
            _keepAlive = null;
        }
    }

    /// <summary>Works through the active phases; an unexpected failure retries the phase from the stored state.</summary>
    private async Task RunActivePhasesAsync(CancellationToken cancellationToken)
    {
        await RegisterJobReminderAsync();
        for (var failures = 0; HasWork && !cancellationToken.IsCancellationRequested;)
        {
            try
            {
                await PublishPendingEventsAsync(cancellationToken);
                await RunPhaseAsync(cancellationToken);
                await PublishPendingEventsAsync(cancellationToken);
                failures = 0;
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                // Unexpected (storage unreachable, a conflicting write): nothing is marked done that was not; the
                // phase is tried again from the stored state, waiting longer each time.
                failures++;
                logger.LogError(e, "Dataset {Dataset}: {Phase} failed (attempt {Attempt}); trying again", Id, state.State.Phase, failures);
                state.State.Message = $"The job hit an error and is being retried: {e.Message}";
                await Task.Delay(jobOptions.Value.RetryDelay * Math.Min(failures, 30), cancellationToken);
                await ReloadStateAsync();
            }
        }
    }

    private Task RunPhaseAsync(CancellationToken cancellationToken) => state.State.Phase switch
    {
        DatasetPhase.Embedding => EmbedAllAsync(cancellationToken),
        DatasetPhase.Selecting => SelectAsync(cancellationToken),
        DatasetPhase.Running => SegmentAllAsync(cancellationToken),
        _ => Task.CompletedTask,
    };

    /// <summary>Reads the stored state again after a failed write, keeping the message of the failure.</summary>
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
            logger.LogWarning("Dataset {Dataset}: its state cannot be read again ({Reason}); going on with the state in memory", Id, e.Message);
        }
        finally
        {
            _saveGate.Release();
        }

        state.State.Message = message;
        _outcomes.Clear();
    }

    private async Task EmbedAllAsync(CancellationToken cancellationToken)
    {
        var s = state.State;
        var pending = Enumerable.Range(0, s.Images.Count).Where(i => s.Embedded[i] == Progress.Pending).ToArray();
        await ForEachBoundedAsync(pending, SiloRoles.Gpu, "embedding runs", StageNames.Embed, async i =>
        {
            var outcome = await GrainFactory.GetGrain<IImageGrain>(ImageKey.Of(Id, s.Images[i]))
                .EmbedAsync(new EmbedImage(ImageBlob(i), s.WorkingSize));
            if (outcome.Error is { } error)
            {
                s.Embedded[i] = Progress.Failed;
                s.Failures.Add(new ImageFailure(s.Images[i], error.Stage, error.Reason));
            }
            else
            {
                s.Embedded[i] = Progress.Done;
                s.Encoder ??= outcome.Encoder;
            }
        }, cancellationToken);

        cancellationToken.ThrowIfCancellationRequested();
        var usable = s.Embedded.Count(e => e == Progress.Done);
        if (s.Selection is { } selection && selection.K >= usable)
        {
            s.Phase = DatasetPhase.Failed;
            s.Message = $"Only {usable} of {s.Images.Count} images could be embedded; K = {selection.K} needs more. See the failures.";
        }
        else
        {
            s.Phase = s.Selection is null ? DatasetPhase.Embedded : DatasetPhase.Selecting;
            s.Message = null;
        }

        await SaveAsync();
        logger.LogInformation("Dataset {Dataset}: {Done} images embedded, {Failed} failed", Id, usable, s.Images.Count - usable);
    }

    private async Task SelectAsync(CancellationToken cancellationToken)
    {
        var s = state.State;
        var selection = s.Selection!;
        await WaitForRoleAsync(SiloRoles.Cpu, "supports are selected", cancellationToken);
        // Images whose embedding failed are neither supports nor queries.
        var candidates = Enumerable.Range(0, s.Images.Count).Where(i => s.Embedded[i] == Progress.Done).ToArray();
        var outcome = await GrainFactory.GetGrain<ISelectionWorker>(0).SelectAsync(new SelectionJob
        {
            Dataset = Id,
            EmbeddingBlobs = candidates.Select(i => DatasetBlobLayout.Embedding(Id, s.Encoder!, s.Images[i])).ToArray(),
            K = selection.K,
            ByEmbedding = selection.ByEmbedding,
            Seed = selection.Seed,
            Atlases = selection.Atlases,
            PooledDimension = selection.PooledDimension,
        });
        if (outcome.Error is { } error)
        {
            s.Phase = DatasetPhase.Failed;
            s.Message = $"Selection failed: {error}";
            await SaveAsync();
            return;
        }

        s.Supports = outcome.Supports.Select(c => candidates[c]).ToList();
        s.Atlases = Enumerable.Range(0, s.Images.Count).Select(_ => Array.Empty<int>()).ToList();
        for (var c = 0; c < candidates.Length; c++)
        {
            s.Atlases[candidates[c]] = outcome.Atlases[c].Select(a => candidates[a]).ToArray();
        }

        s.MissingAnnotations = s.Supports.Select(i => s.Images[i]).ToList();
        s.RunId = null;
        s.Segmented = [];
        s.Phase = DatasetPhase.AwaitingAnnotations;
        s.Message = $"Annotate the {s.Supports.Count} supports (datasets/{Id}/annotations/<stem>.png), then accept the annotations.";
        s.SupportsSelectedPending = true;
        await SaveAsync();
        logger.LogInformation("Dataset {Dataset}: selected {K} supports in {Seconds:F2} s", Id, s.Supports.Count, outcome.Seconds);
    }

    /// <summary>Publishes the events stored with the last phase change, then forgets them (stored again).</summary>
    private async Task PublishPendingEventsAsync(CancellationToken cancellationToken)
    {
        var s = state.State;
        if (s.SupportsSelectedPending)
        {
            await PublishAsync(
                new SupportsSelected
                {
                    EventId = $"{Id}/supports/{string.Join(',', s.Supports)}",
                    Dataset = Id,
                    Supports = s.Supports.Select(i => s.Images[i]).ToArray(),
                },
                cancellationToken);
            s.SupportsSelectedPending = false;
            await SaveAsync();
        }

        if (s.CompletionPending)
        {
            await PublishCompletedAsync(cancelled: s.Phase == DatasetPhase.Cancelled, cancellationToken);
            s.CompletionPending = false;
            await SaveAsync();
        }
    }

    private async Task SegmentAllAsync(CancellationToken cancellationToken)
    {
        var s = state.State;
        var runId = s.RunId!;
        var settings = s.Run!;
        var supports = s.Supports.ToHashSet();
        var queries = Enumerable.Range(0, s.Images.Count)
            .Where(i => !supports.Contains(i) && s.Embedded[i] == Progress.Done && s.Segmented[i] == Progress.Pending)
            .ToArray();
        if (settings.UseSam)
        {
            await WaitForRoleAsync(SiloRoles.Gpu, "SAM runs", cancellationToken);
        }

        await ForEachBoundedAsync(queries, SiloRoles.Cpu, "registration runs", StageNames.Register, async i =>
        {
            var outcome = await GrainFactory.GetGrain<IImageGrain>(ImageKey.Of(Id, s.Images[i])).SegmentAsync(SegmentRequest(i, runId));
            if (s.RunId != runId)
            {
                return;
            }

            // Published before the image counts as done: an event that cannot get out fails the attempt, and the
            // retry (or the resumed job) asks the image grain again, which answers from its stored outcome.
            await PublishAsync(new ImageSegmented { EventId = $"{runId}/{s.Images[i]}", Dataset = Id, RunId = runId, Outcome = outcome }, cancellationToken);
            _outcomes[i] = outcome;
            s.Segmented[i] = outcome.Failed ? Progress.Failed : Progress.Done;
            if (outcome.Error is { } error)
            {
                s.Failures.Add(new ImageFailure(s.Images[i], error.Stage, error.Reason));
            }
        }, cancellationToken);

        cancellationToken.ThrowIfCancellationRequested();
        var report = await CollectOutcomesAsync(runId, cancellationToken);
        s.CoarseDiceMean = Mean(report.Select(o => o.CoarseDice));
        s.FinalDiceMean = Mean(report.Select(o => o.FinalDice));
        s.RunSeconds = (DateTimeOffset.UtcNow - s.RunStarted!.Value).TotalSeconds;
        await blobs.WriteAsync(DatasetBlobLayout.Report(Id), DatasetReport.Serialize(DatasetReportBuilder.Build(Id, s, report)), cancellationToken);
        s.Phase = DatasetPhase.Completed;
        s.Message = null;
        s.CompletionPending = true;
        await SaveAsync();
        logger.LogInformation(
            "Dataset {Dataset}: run {Run} completed, {Done} segmented, {Failed} failed, coarse Dice {Coarse}, in {Seconds:F1} s",
            Id, runId, s.Segmented.Count(p => p == Progress.Done), s.Segmented.Count(p => p == Progress.Failed), s.CoarseDiceMean, s.RunSeconds);
    }

    /// <summary>What image <paramref name="i"/> is asked in run <paramref name="runId"/>; the same request every time, so a repeat is recognised.</summary>
    private SegmentImage SegmentRequest(int i, string runId)
    {
        var s = state.State;
        return new SegmentImage
        {
            RunId = runId,
            ImageBlob = ImageBlob(i),
            TruthBlob = TruthBlob(i),
            Supports = s.Atlases[i].Select(a => new SupportRef(s.Images[a], ImageBlob(a), DatasetBlobLayout.Annotation(Id, s.Images[a]))).ToArray(),
            WorkingSize = s.WorkingSize,
            Settings = s.Run!,
            EmbeddingBlob = DatasetBlobLayout.Embedding(Id, s.Encoder!, s.Images[i]),
        };
    }

    /// <summary>Every query's outcome of the run, in dataset order; those finished before a restart come from their image grains.</summary>
    private async Task<List<ImageOutcome>> CollectOutcomesAsync(string runId, CancellationToken cancellationToken)
    {
        var s = state.State;
        var supports = s.Supports.ToHashSet();
        var queries = Enumerable.Range(0, s.Images.Count).Where(i => !supports.Contains(i) && s.Embedded[i] == Progress.Done).ToArray();
        var missing = queries.Where(i => !_outcomes.ContainsKey(i)).ToArray();
        await ForEachBoundedAsync(missing, SiloRoles.Cpu, "outcomes are collected", StageNames.Segment, async i =>
        {
            // Repeating the run's request returns the stored outcome without work.
            _outcomes[i] = await GrainFactory.GetGrain<IImageGrain>(ImageKey.Of(Id, s.Images[i])).SegmentAsync(SegmentRequest(i, runId));
        }, cancellationToken);
        return queries.Select(i => _outcomes[i]).ToList();
    }

    /// <summary>
    /// Runs <paramref name="body"/> for every index with at most <c>Job:MaxInFlight</c> calls in flight. A call that
    /// throws (timeout, silo gone) is retried up to <c>Job:MaxAttempts</c> times; while no silo has
    /// <paramref name="role"/>, the job waits and says so instead of failing images.
    /// </summary>
    private async Task ForEachBoundedAsync(
        IReadOnlyList<int> indices, string role, string what, string stage, Func<int, Task> body, CancellationToken cancellationToken)
    {
        var options = jobOptions.Value;
        var running = new HashSet<Task>();
        foreach (var i in indices)
        {
            cancellationToken.ThrowIfCancellationRequested();
            while (running.Count >= Math.Max(1, options.MaxInFlight))
            {
                running.Remove(await Task.WhenAny(running));
            }

            running.Add(AttemptAsync(i));
        }

        await Task.WhenAll(running);

        async Task AttemptAsync(int i)
        {
            for (var attempt = 1; ; attempt++)
            {
                await WaitForRoleAsync(role, what, cancellationToken);
                _inFlight++;
                metrics.InFlight(stage, 1);
                try
                {
                    await body(i);
                    await CheckpointAsync();
                    return;
                }
                catch (Exception e) when (e is not OperationCanceledException && attempt < options.MaxAttempts)
                {
                    metrics.JobRetried(stage, e);
                    logger.LogWarning("Dataset {Dataset}: {Image} attempt {Attempt} failed ({Reason}); retrying", Id, state.State.Images[i], attempt, e.Message);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    logger.LogError(e, "Dataset {Dataset}: {Image} failed after {Attempts} attempts", Id, state.State.Images[i], attempt);
                    MarkFailed(i, stage, $"{state.State.Images[i]}: gave up after {attempt} attempts: {e.Message}");
                    return;
                }
                finally
                {
                    _inFlight--;
                    metrics.InFlight(stage, -1);
                }

                await Task.Delay(options.RetryDelay * attempt, cancellationToken);
            }
        }
    }

    private void MarkFailed(int i, string stage, string reason)
    {
        var s = state.State;
        if (stage == StageNames.Embed)
        {
            s.Embedded[i] = Progress.Failed;
        }
        else if (s.Segmented.Length > i)
        {
            s.Segmented[i] = Progress.Failed;
            _outcomes[i] = new ImageOutcome { Image = s.Images[i], Error = new ImageError(stage, reason) };
        }

        s.Failures.Add(new ImageFailure(s.Images[i], stage, reason));
    }

    private async Task WaitForRoleAsync(string role, string what, CancellationToken cancellationToken)
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

    private async Task CheckpointAsync()
    {
        if (++_sinceCheckpoint >= jobOptions.Value.CheckpointEvery)
        {
            await SaveAsync();
        }
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

    private Task PublishCompletedAsync(bool cancelled, CancellationToken cancellationToken)
    {
        var s = state.State;
        return PublishAsync(new DatasetCompleted
        {
            EventId = $"{s.RunId}/{(cancelled ? "cancelled" : "completed")}",
            Dataset = Id,
            RunId = s.RunId ?? string.Empty,
            Queries = QueryCount,
            Segmented = s.Segmented.Count(p => p == Progress.Done),
            Failed = s.Segmented.Count(p => p == Progress.Failed),
            ReportBlob = DatasetBlobLayout.Report(Id),
            CoarseDiceMean = s.CoarseDiceMean,
            FinalDiceMean = s.FinalDiceMean,
            WallSeconds = s.RunSeconds ?? (DateTimeOffset.UtcNow - (s.RunStarted ?? DateTimeOffset.UtcNow)).TotalSeconds,
            Cancelled = cancelled,
        }, cancellationToken);
    }

    /// <summary>
    /// Publishes an event, retrying while the stream is down; throws when it cannot get out, so that the caller does
    /// not record as done what no subscriber was told (the job retries, or resumes, and publishes it then).
    /// </summary>
    private async Task PublishAsync(CompletionEvent completion, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                await Completions.OnNextAsync(completion);
                return;
            }
            catch (Exception e) when (attempt < jobOptions.Value.MaxAttempts)
            {
                logger.LogWarning("Dataset {Dataset}: publishing {Event} failed ({Reason}); retrying", Id, completion.EventId, e.Message);
                await Task.Delay(jobOptions.Value.RetryDelay * attempt, cancellationToken);
            }
            catch (Exception e)
            {
                throw new InvalidOperationException($"Event {completion.EventId} of dataset {Id} could not be published after {attempt} attempts: {e.Message}", e);
            }
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
