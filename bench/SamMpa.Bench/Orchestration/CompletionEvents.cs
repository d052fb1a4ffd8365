using System.Collections.Concurrent;
using System.Diagnostics;
using Orleans.Streams;
using SamMpa.Grains;
using SamMpa.Grains.Datasets;
using SamMpa.Grains.Events;

namespace SamMpa.Bench.Orchestration;

/// <summary>The dataset's completion stream: each run's DatasetCompleted and the support of every segmented query.</summary>
internal sealed class CompletionEvents
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource<DatasetCompleted>> _completed = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string RunId, string Image), string> _supports = new();

    public static async Task<CompletionEvents> SubscribeAsync(IClusterClient client, string dataset)
    {
        var events = new CompletionEvents();
        var stream = client.GetStreamProvider(Constants.StreamProviderName)
            .GetStream<CompletionEvent>(StreamId.Create(Constants.CompletionStreamNamespace, dataset));
        await stream.SubscribeAsync((completion, _) =>
        {
            events.Add(completion);
            return Task.CompletedTask;
        });
        return events;
    }

    public Task<DatasetCompleted> CompletedAsync(string runId, CancellationToken cancellationToken) =>
        Completion(runId).Task.WaitAsync(cancellationToken);

    /// <summary>
    /// Starts a run of <paramref name="grain"/> (whose stream this is) and waits, at most <paramref name="patience"/>,
    /// for its DatasetCompleted; the wall seconds are from the RunAsync call to the event.
    /// </summary>
    public async Task<(double WallSeconds, string RunId, DatasetCompleted Completed)> RunAsync(
        IDatasetGrain grain, TimeSpan patience, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var started = await grain.RunAsync(new RunSettings());
        var runId = started.RunId ?? throw new InvalidOperationException("The run started without a run id.");
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(patience);
        var completed = await CompletedAsync(runId, limit.Token);
        return (clock.Elapsed.TotalSeconds, runId, completed);
    }

    public IReadOnlyDictionary<string, string> SupportsOf(string runId) =>
        _supports.Where(s => s.Key.RunId == runId).ToDictionary(s => s.Key.Image, s => s.Value, StringComparer.Ordinal);

    private TaskCompletionSource<DatasetCompleted> Completion(string runId) =>
        _completed.GetOrAdd(runId, _ => new TaskCompletionSource<DatasetCompleted>(TaskCreationOptions.RunContinuationsAsynchronously));

    private void Add(CompletionEvent completion)
    {
        switch (completion)
        {
            case ImageSegmented { Outcome: { Error: null, Supports.Count: > 0 } outcome } segmented:
                _supports[(segmented.RunId, outcome.Image)] = outcome.Supports[0];
                break;
            case DatasetCompleted done:
                Completion(done.RunId).TrySetResult(done);
                break;
        }
    }
}
