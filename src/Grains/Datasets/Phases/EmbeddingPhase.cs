using SamMpa.Grains.Datasets.Files;
using SamMpa.Grains.Images;

namespace SamMpa.Grains.Datasets.Phases;

/// <summary>
/// Embeds every image (on the gpu silos) with a bounded number of calls in flight, from the stored watermark on.
/// An image that cannot be embedded fails alone, with its reason; a call that keeps throwing counts as failed.
/// </summary>
public static class EmbeddingPhase
{
    public static async Task RunAsync(
        DatasetState state,
        IReadOnlyList<string> images,
        ProgressTracker tracker,
        IJobHost host,
        Func<int, CancellationToken, Task<EmbeddingOutcome>> embed,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(tracker);
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(embed);
        await BoundedCalls.RunAsync(
            tracker.Pending(),
            () => host.InFlightLimit(StageNames.Embed),
            async (i, ct) =>
            {
                EmbeddingOutcome outcome;
                try
                {
                    outcome = await CallAsync(host, images[i], t => embed(i, t), ct);
                }
                catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
                {
                    outcome = new EmbeddingOutcome { Error = new ImageError(StageNames.Embed, $"gave up: {ImageError.OneLine(e.Message)}") };
                }

                if (outcome.Error is { } error)
                {
                    if (!state.EmbeddingFailures.Exists(f => f.Index == i))
                    {
                        state.EmbeddingFailures.Add(new EmbeddingFailure(i, images[i], error.Reason, error.DetailBlob));
                    }

                    state.AddFailure(new ImageFailure(images[i], error.Stage, error.Reason));
                }
                else
                {
                    state.Encoder ??= outcome.Encoder;
                    state.FeatureExtractor ??= outcome.FeatureExtractor;
                }

                tracker.Complete(i, outcome.Error is null);
                state.Embedding = tracker.Snapshot();
                await host.CheckpointAsync(force: false);
            },
            cancellationToken);
    }

    private static async Task<EmbeddingOutcome> CallAsync(IJobHost host, string image, Func<CancellationToken, Task<EmbeddingOutcome>> embed, CancellationToken cancellationToken)
    {
        EmbeddingOutcome? outcome = null;
        await host.Resilience.CallAsync(
            StageNames.Embed,
            image,
            async ct =>
            {
                await host.WaitForRoleAsync(SiloRoles.Gpu, "embedding runs", ct);
                outcome = await embed(ct);
            },
            cancellationToken);
        return outcome!;
    }
}
