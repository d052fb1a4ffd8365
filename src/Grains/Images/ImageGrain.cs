using Orleans.Concurrency;
using SamMpa.Grains.Workers;

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
    private Task<EmbeddingOutcome>? _embedding;
    private readonly Dictionary<string, Task<ImageOutcome>> _runs = new(StringComparer.Ordinal);

    private readonly SemaphoreSlim _saveGate = new(1, 1);

    private (string Dataset, string Image) Key => ImageKey.Parse(this.GetPrimaryKeyString());

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _saveGate.Dispose();
        return Task.CompletedTask;
    }

    public Task<EmbeddingOutcome> EmbedAsync(EmbedImage request)
    {
        if (state.State.Embedding is { Error: null } done)
        {
            return Task.FromResult(done);
        }

        if (_embedding is null)
        {
            var embedding = EmbedCoreAsync(request);
            _embedding = embedding.IsCompleted ? null : Forget(embedding, () => _embedding = null);
            return _embedding ?? embedding;
        }

        return _embedding;
    }

    public Task<ImageOutcome> SegmentAsync(SegmentImage request)
    {
        if (state.State.RunId == request.RunId && state.State.Outcome is { } done)
        {
            return Task.FromResult(done);
        }

        if (_runs.TryGetValue(request.RunId, out var running))
        {
            return running;
        }

        running = SegmentCoreAsync(request);
        if (running.IsCompleted)
        {
            return running;
        }

        var tracked = Forget(running, () => _runs.Remove(request.RunId));
        _runs[request.RunId] = tracked;
        return tracked;
    }

    private async Task<EmbeddingOutcome> EmbedCoreAsync(EmbedImage request)
    {
        var (dataset, image) = Key;
        var worker = GrainFactory.GetGrain<IEmbeddingWorker>(0);
        var outcome = await worker.EmbedAsync(new EmbeddingJob(dataset, image, request.ImageBlob, request.WorkingSize));
        state.State.Embedding = outcome;
        await SaveAsync();
        return outcome;
    }

    private async Task<ImageOutcome> SegmentCoreAsync(SegmentImage request)
    {
        var (dataset, image) = Key;
        // One registration per support, each its own worker call: with several supports they run on several cores or silos.
        var propagations = request.Supports
            .Select(support => GrainFactory.GetGrain<IRegistrationWorker>(0)
                .PropagateAsync(new PropagationJob(dataset, image, request.ImageBlob, support, request.WorkingSize)))
            .ToArray();
        var masks = await Task.WhenAll(propagations);
        var job = new MaskJob
        {
            Dataset = dataset,
            Image = image,
            ImageBlob = request.ImageBlob,
            TruthBlob = request.TruthBlob,
            Masks = masks,
            WorkingSize = request.WorkingSize,
            Settings = request.Settings,
            EmbeddingBlob = request.EmbeddingBlob,
        };
        var outcome = request.Settings.UseSam
            ? await GrainFactory.GetGrain<ISamWorker>(0).SegmentAsync(job)
            : await GrainFactory.GetGrain<IRegistrationWorker>(0).WriteCoarseAsync(job);
        state.State.RunId = request.RunId;
        state.State.Outcome = outcome;
        await SaveAsync();
        return outcome;
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

    /// <summary>Runs <paramref name="forget"/> when the task ends, so a failed attempt can be tried again.</summary>
    private static async Task<T> Forget<T>(Task<T> task, Action forget)
    {
        // Yield first, so the caller has stored the returned task before a quick completion forgets it.
        await Task.Yield();
        try
        {
            return await task;
        }
        finally
        {
            forget();
        }
    }
}
