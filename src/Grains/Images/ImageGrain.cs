using Orleans.Concurrency;
using SamMpa.Grains.Datasets;
using SamMpa.Grains.Workers;
using SamMpa.Storage;

namespace SamMpa.Grains.Images;

/// <summary>
/// One image: asks the workers for its embedding and its masks and remembers the outcomes, so a call repeated after a
/// timeout or a silo failure returns the first outcome (or joins the work still running) instead of redoing it.
/// Reentrant: a repeat must be able to join a call in progress; the in-progress maps and the (serialized) state writes
/// are all that calls share.
/// </summary>
[Reentrant]
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "Disposed in OnDeactivateAsync; Orleans does not dispose grains.")]
internal sealed class ImageGrain(
    [PersistentState("image", Constants.StorageProviderName)] IPersistentState<ImageState> state) : Grain, IImageGrain
{
    private readonly Dictionary<string, JoinableWork<ImageOutcome>> _runs = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _saveGate = new(1, 1);
    private JoinableWork<EmbeddingOutcome>? _embedding;

    private (string Dataset, string Image) Key => ImageKey.Parse(this.GetPrimaryKeyString());

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _saveGate.Dispose();
        return Task.CompletedTask;
    }

    public Task<EmbeddingOutcome> EmbedAsync(EmbedImage request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        SettingRanges.RequireWorkingSize(nameof(EmbedImage), request.WorkingSize);
        if (state.State.Embedding is { Error: null } done)
        {
            return Task.FromResult(done);
        }

        if (_embedding is null)
        {
            var work = new JoinableWork<EmbeddingOutcome>(ct => EmbedCoreAsync(request, ct));
            _embedding = work;
            _ = ForgetWhenDone(work.Task, () =>
            {
                _embedding = null;
                work.Dispose();
            });
        }

        return _embedding.JoinAsync(cancellationToken);
    }

    public Task<ImageOutcome> SegmentAsync(SegmentImage request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        SettingRanges.RequireWorkingSize(nameof(SegmentImage), request.WorkingSize);
        SettingRanges.RequireRun(nameof(SegmentImage), request.Settings);
        if (state.State.RunId == request.RunId && state.State.Outcome is { } done)
        {
            return Task.FromResult(done);
        }

        if (!_runs.TryGetValue(request.RunId, out var work))
        {
            work = new JoinableWork<ImageOutcome>(ct => SegmentCoreAsync(request, ct));
            _runs[request.RunId] = work;
            var started = work;
            _ = ForgetWhenDone(work.Task, () =>
            {
                _runs.Remove(request.RunId);
                started.Dispose();
            });
        }

        return work.JoinAsync(cancellationToken);
    }

    private async Task<EmbeddingOutcome> EmbedCoreAsync(EmbedImage request, CancellationToken cancellationToken)
    {
        // Yield first, so the caller has stored the work before a quick completion forgets it.
        await Task.Yield();
        var (dataset, image) = Key;
        var outcome = await GrainFactory.GetGrain<IEmbeddingWorker>(0)
            .EmbedAsync(new EmbeddingJob(dataset, image, request.ImageBlob, request.WorkingSize), cancellationToken);
        state.State.Embedding = outcome;
        await SaveAsync();
        return outcome;
    }

    private async Task<ImageOutcome> SegmentCoreAsync(SegmentImage request, CancellationToken cancellationToken)
    {
        await Task.Yield();
        var (dataset, image) = Key;
        var outcome = request.Settings.Method.IsBaseline()
            ? await BaselineAsync(dataset, image, request, cancellationToken)
            : await SamMpaAsync(dataset, image, request, cancellationToken);
        state.State.RunId = request.RunId;
        state.State.Outcome = outcome;
        await SaveAsync();
        return outcome;
    }

    /// <summary>Stages MP, LOC and RF in one worker call (every atlas), then with SAM stages PA and PR in another; blobs in between.</summary>
    private async Task<ImageOutcome> SamMpaAsync(string dataset, string image, SegmentImage request, CancellationToken cancellationToken)
    {
        var coarse = await GrainFactory.GetGrain<IRegistrationWorker>(0).SegmentQueryAsync(
            new QueryJob
            {
                Dataset = dataset,
                Image = image,
                ImageBlob = request.ImageBlob,
                TruthBlob = request.TruthBlob,
                Supports = request.Supports,
                WorkingSize = request.WorkingSize,
                SamFollows = request.Settings.UseSam,
                Register = request.Settings.Register,
                Localise = request.Settings.Localise ? request.Localisation : null,
                GraphCut = request.Settings.GraphCut,
                RunId = request.RunId,
            },
            cancellationToken);
        if (!request.Settings.UseSam || coarse.Outcome.Failed)
        {
            return coarse.Outcome;
        }

        return await GrainFactory.GetGrain<ISamWorker>(0).SegmentAsync(
            new SamJob
            {
                Dataset = dataset,
                Image = image,
                TruthBlob = request.TruthBlob,
                SoftMaskBlob = coarse.SoftMaskBlob!,
                Width = coarse.Width,
                Height = coarse.Height,
                EmbeddingBlob = request.EmbeddingBlob!,
                Settings = request.Settings,
                Coarse = coarse.Outcome,
                RunId = request.RunId,
            },
            cancellationToken);
    }

    /// <summary>A baseline of the paper: SAM prompted without registration (PerSAM uses the query's nearest support).</summary>
    private Task<ImageOutcome> BaselineAsync(string dataset, string image, SegmentImage request, CancellationToken cancellationToken)
    {
        var support = request.Settings.Method == SegmentationMethod.PerSam ? request.Supports[0] : null;
        return GrainFactory.GetGrain<ISamWorker>(0).BaselineAsync(
            new BaselineJob
            {
                Dataset = dataset,
                Image = image,
                ImageBlob = request.ImageBlob,
                TruthBlob = request.TruthBlob,
                EmbeddingBlob = request.EmbeddingBlob!,
                WorkingSize = request.WorkingSize,
                Method = request.Settings.Method,
                Support = support,
                SupportEmbeddingBlob = support is null ? null : DatasetBlobLayout.Embedding(dataset, request.Encoder!, support.Image),
                RunId = request.RunId,
            },
            cancellationToken);
    }

    /// <summary>Writes the state; an embedding and a run finishing together must not race on the ETag.</summary>
    private async Task SaveAsync()
    {
        await _saveGate.WaitAsync();
        try
        {
            await state.WriteStateAsync();
        }
        finally
        {
            _saveGate.Release();
        }
    }

    /// <summary>Runs <paramref name="forget"/> when the work ends, so a failed attempt can be tried again.</summary>
    private static async Task ForgetWhenDone(Task work, Action forget)
    {
        try
        {
            await work;
        }
        catch (Exception)
        {
            // The callers see the failure; here it only ends the work's entry.
        }
        finally
        {
            forget();
        }
    }
}
