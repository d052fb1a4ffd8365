using System.Collections.Concurrent;
using Orleans.Streams;
using SamMpa.Grains;
using SamMpa.Grains.Datasets;
using SamMpa.Grains.Events;
using SamMpa.Storage;
using SamMpa.Tests.Evaluation;

namespace SamMpa.Tests.Cluster;

/// <summary>The steps a user takes with a dataset, for any cluster: upload, create, select, annotate, run, wait.</summary>
internal static class PipelineFlow
{
    public const int ImageCount = 8;
    public const int K = 2;
    public static readonly TimeSpan Patience = TimeSpan.FromMinutes(3);

    public static string NewDatasetId() => "test-" + Guid.NewGuid().ToString("N")[..12];

    public static async Task UploadAsync(IBlobStore blobs, string dataset, PhantomDataset phantoms, int count = ImageCount)
    {
        for (var i = 0; i < count; i++)
        {
            var name = PhantomDataset.Name(i);
            await blobs.WriteAsync(DatasetBlobLayout.Image(dataset, name), await File.ReadAllBytesAsync(Path.Combine(phantoms.ImagesDirectory, name)), default);
            await blobs.WriteAsync(DatasetBlobLayout.Truth(dataset, name), await File.ReadAllBytesAsync(Path.Combine(phantoms.MasksDirectory, name)), default);
        }
    }

    /// <summary>Create, wait for embeddings, select K supports, annotate them from the ground truth and accept.</summary>
    public static async Task<DatasetStatus> PrepareAsync(IClusterClient client, IBlobStore blobs, string dataset, int k = K)
    {
        var selected = await SelectAsync(client, dataset, k);
        return await AnnotateFromTruthAsync(client, blobs, dataset, selected.Supports);
    }

    /// <summary>Create, wait for embeddings and select K supports; the status names them.</summary>
    public static async Task<DatasetStatus> SelectAsync(IClusterClient client, string dataset, int k = K)
    {
        var grain = client.GetGrain<IDatasetGrain>(dataset);
        await grain.CreateAsync(new CreateDataset { TruthPrefix = DatasetBlobLayout.TruthPrefix(dataset), WorkingSize = 64 });
        await grain.SelectSupportsAsync(new SelectSupports { K = k });
        var status = await WaitAsync(grain, s => s.Phase is DatasetPhase.AwaitingAnnotations or DatasetPhase.Failed);
        Assert.True(status.Phase == DatasetPhase.AwaitingAnnotations, $"expected supports to be selected, got {status.Phase}: {status.Message}");
        return status;
    }

    /// <summary>Writes each support's ground truth as its annotation and accepts them.</summary>
    public static async Task<DatasetStatus> AnnotateFromTruthAsync(IClusterClient client, IBlobStore blobs, string dataset, IEnumerable<string> supports)
    {
        await WriteTruthAsAnnotationsAsync(blobs, dataset, supports);
        var status = await client.GetGrain<IDatasetGrain>(dataset).AcceptAnnotationsAsync();
        Assert.True(status.Phase == DatasetPhase.Annotated, $"expected the annotations to be accepted, got {status.Phase}: {status.Message}");
        return status;
    }

    /// <summary>Writes each support's ground truth as its annotation blob.</summary>
    public static async Task WriteTruthAsAnnotationsAsync(IBlobStore blobs, string dataset, IEnumerable<string> supports)
    {
        foreach (var support in supports)
        {
            var truth = await blobs.ReadAsync(DatasetBlobLayout.Truth(dataset, support), default);
            Assert.True(truth is not null, $"expected the ground truth of support {support} at {DatasetBlobLayout.Truth(dataset, support)}");
            await blobs.WriteAsync(DatasetBlobLayout.Annotation(dataset, support), truth, default);
        }
    }

    /// <summary>Starts a run and waits for its <see cref="DatasetCompleted"/> event.</summary>
    public static async Task<DatasetStatus> RunToEndAsync(
        IClusterClient client, string dataset, EventLog events, RunSettings? settings = null, TimeSpan? patience = null)
    {
        var grain = client.GetGrain<IDatasetGrain>(dataset);
        await grain.RunAsync(settings ?? new RunSettings());
        try
        {
            await events.Completed.Task.WaitAsync(patience ?? Patience);
        }
        catch (TimeoutException)
        {
            var status = await grain.GetStatusAsync();
            Assert.Fail($"expected dataset {dataset} to complete its run within {patience ?? Patience}; it is {status.Phase} with {status.Segmented} of {status.Queries} queries segmented: {status.Message}");
        }

        return await grain.GetStatusAsync();
    }

    public static async Task<DatasetStatus> WaitAsync(IDatasetGrain grain, Func<DatasetStatus, bool> until, TimeSpan? patience = null)
    {
        var deadline = DateTime.UtcNow + (patience ?? Patience);
        while (true)
        {
            var status = await grain.GetStatusAsync();
            if (until(status))
            {
                return status;
            }

            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"dataset {status.Dataset} did not reach the awaited state within {patience ?? Patience}; it is {status.Phase} ({status.Embedded} of {status.Images} embedded, {status.Segmented} segmented): {status.Message}");
            }

            // The grain's status is the event here: phase changes have no stream event of their own.
            await Task.Delay(TimeSpan.FromMilliseconds(100));
        }
    }

    public static async Task<EventLog> SubscribeAsync(IClusterClient client, string dataset)
    {
        var log = new EventLog();
        var stream = client.GetStreamProvider(Constants.StreamProviderName)
            .GetStream<CompletionEvent>(StreamId.Create(Constants.CompletionStreamNamespace, dataset));
        await stream.SubscribeAsync((completion, _) =>
        {
            log.Add(completion);
            return Task.CompletedTask;
        });
        return log;
    }

    public static async Task<List<string>> ListAsync(IBlobStore blobs, string prefix)
    {
        var names = new List<string>();
        await foreach (var name in blobs.ListAsync(prefix, default))
        {
            names.Add(name);
        }

        return names;
    }

    /// <summary>Asserts what every completed run must show: one mask blob and at least one event (one event id) per query.</summary>
    public static async Task AssertEveryQueryHasOneMaskAndEventAsync(IBlobStore blobs, string dataset, EventLog events, int queries)
    {
        var masks = await ListAsync(blobs, DatasetBlobLayout.Prefix(dataset) + "masks/");
        Assert.True(masks.Count == queries, $"expected {queries} mask blobs, found {masks.Count}");
        var segmented = events.Items.OfType<ImageSegmented>().ToArray();
        Assert.True(segmented.Select(e => e.Outcome.Image).Distinct().Count() == queries, $"expected an ImageSegmented event for each of the {queries} queries");
        Assert.All(segmented.GroupBy(e => e.Outcome.Image), g => Assert.Single(g.Select(e => e.EventId).Distinct()));
    }

    internal sealed class EventLog
    {
        private readonly ConcurrentQueue<CompletionEvent> _items = new();
        private readonly HashSet<string> _segmentedImages = [];
        private readonly List<(int Count, TaskCompletionSource Reached)> _waiters = [];
        private readonly List<(int Count, TaskCompletionSource Reached)> _completionWaiters = [];
        private int _completions;

        public TaskCompletionSource Completed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource FirstSegmented { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public IReadOnlyList<CompletionEvent> Items => _items.ToArray();

        /// <summary>Completes once <see cref="ImageSegmented"/> events for <paramref name="count"/> distinct images have arrived.</summary>
        public Task SegmentedAtLeastAsync(int count)
        {
            lock (_waiters)
            {
                if (_segmentedImages.Count >= count)
                {
                    return Task.CompletedTask;
                }

                var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                _waiters.Add((count, reached));
                return reached.Task;
            }
        }

        /// <summary>Completes once <paramref name="count"/> <see cref="DatasetCompleted"/> events have arrived (one per run).</summary>
        public Task CompletedAtLeastAsync(int count)
        {
            lock (_completionWaiters)
            {
                if (_completions >= count)
                {
                    return Task.CompletedTask;
                }

                var reached = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                _completionWaiters.Add((count, reached));
                return reached.Task;
            }
        }

        public void Add(CompletionEvent completion)
        {
            _items.Enqueue(completion);
            if (completion is ImageSegmented segmented)
            {
                FirstSegmented.TrySetResult();
                lock (_waiters)
                {
                    _segmentedImages.Add(segmented.Outcome.Image);
                    foreach (var waiter in _waiters.Where(w => _segmentedImages.Count >= w.Count))
                    {
                        waiter.Reached.TrySetResult();
                    }
                }
            }

            if (completion is DatasetCompleted)
            {
                Completed.TrySetResult();
                lock (_completionWaiters)
                {
                    _completions++;
                    foreach (var waiter in _completionWaiters.Where(w => _completions >= w.Count))
                    {
                        waiter.Reached.TrySetResult();
                    }
                }
            }
        }
    }
}
