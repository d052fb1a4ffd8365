using SamMpa.Grains.Images;

namespace SamMpa.Grains.Datasets.Phases;

/// <summary>
/// Segments every query of a run with the calls in flight the cluster admits, from the stored watermark on. A query
/// counts as finished only after its <c>ImageSegmented</c> is out (a publish that cannot get out fails the phase, and
/// the retry asks the image grain again, which answers from its stored outcome with the same event id).
/// </summary>
public static class SegmentationPhase
{
    public static async Task RunAsync(
        DatasetState state,
        IReadOnlyList<string> images,
        IReadOnlyList<int> queries,
        ProgressTracker tracker,
        IJobHost host,
        SegmentationCalls calls,
        IDictionary<int, ImageOutcome> outcomes,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(queries);
        ArgumentNullException.ThrowIfNull(tracker);
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(calls);
        ArgumentNullException.ThrowIfNull(outcomes);
        await BoundedCalls.RunAsync(
            tracker.Pending(),
            () => host.InFlightLimit(StageNames.Register),
            async (position, ct) =>
            {
                var i = queries[position];
                var outcome = await SegmentOneAsync(images[i], i, host, calls, ct);
                await host.Resilience.CallAsync("publish", $"the event of {images[i]}", t => calls.Publish(i, outcome, t), ct);
                outcomes[i] = outcome;
                if (outcome.Error is { } error)
                {
                    state.AddFailure(new ImageFailure(images[i], error.Stage, error.Reason));
                }

                tracker.Complete(position, !outcome.Failed);
                state.Segmentation = tracker.Snapshot();
                await host.CheckpointAsync(force: false);
            },
            cancellationToken);
    }

    /// <summary>
    /// Every query's outcome in query order: those seen by this activation from memory, the others (finished before a
    /// restart) from their image grains, which answer a repeated request from their stored outcome.
    /// </summary>
    public static async Task<IReadOnlyList<ImageOutcome>> CollectAsync(
        IReadOnlyList<string> images,
        IReadOnlyList<int> queries,
        IJobHost host,
        SegmentationCalls calls,
        IDictionary<int, ImageOutcome> outcomes,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(queries);
        ArgumentNullException.ThrowIfNull(outcomes);
        var missing = queries.Where(i => !outcomes.ContainsKey(i)).ToArray();
        await BoundedCalls.RunAsync(
            Enumerable.Range(0, missing.Length),
            () => host.InFlightLimit(StageNames.Segment),
            async (m, ct) =>
            {
                var i = missing[m];
                outcomes[i] = await SegmentOneAsync(images[i], i, host, calls, ct);
            },
            cancellationToken);
        return queries.Select(i => outcomes[i]).ToArray();
    }

    private static async Task<ImageOutcome> SegmentOneAsync(string image, int i, IJobHost host, SegmentationCalls calls, CancellationToken cancellationToken)
    {
        ImageOutcome? outcome = null;
        try
        {
            await host.Resilience.CallAsync(
                StageNames.Register,
                image,
                async ct =>
                {
                    foreach (var role in calls.Roles)
                    {
                        await host.WaitForRoleAsync(role, "queries are segmented", ct);
                    }

                    outcome = await calls.Segment(i, ct);
                },
                cancellationToken);
            return outcome!;
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return new ImageOutcome { Image = image, Error = new ImageError(StageNames.Segment, $"{image}: gave up: {ImageError.OneLine(e.Message)}") };
        }
    }
}

/// <summary>How a run reaches the cluster: the image call, the event, and the silo roles it needs.</summary>
public sealed record SegmentationCalls(
    Func<int, CancellationToken, Task<ImageOutcome>> Segment,
    Func<int, ImageOutcome, CancellationToken, Task> Publish,
    IReadOnlyList<string> Roles);
