using System.Collections.Concurrent;
using Orleans.Streams;
using SamMpa.Grains;
using SamMpa.Grains.Datasets;
using SamMpa.Grains.Events;
using SamMpa.Imaging.Images;
using SamMpa.Storage;
using SamMpa.Tests.Evaluation;

namespace SamMpa.Tests.Cluster;

/// <summary>A synthetic dataset through create, select, annotate and run on a gpu silo and a cpu silo.</summary>
public sealed class DatasetPipelineTests(PipelineClusterFixture fixture) : IClassFixture<PipelineClusterFixture>
{
    private const int Images = 8;
    private const int K = 2;
    private static readonly TimeSpan Patience = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task Every_query_gets_one_mask_blob_and_one_event_and_the_report_scores_it()
    {
        var dataset = NewDatasetId();
        using var phantoms = new PhantomDataset(Images);
        await UploadAsync(dataset, phantoms);
        var events = await SubscribeAsync(dataset);

        var status = await PrepareAsync(dataset);
        status = await RunToEndAsync(dataset, events);

        Assert.Equal(DatasetPhase.Completed, status.Phase);
        Assert.Equal(Images - K, status.Segmented);
        Assert.Equal(0, status.Failed);
        var masks = await ListAsync(DatasetBlobLayout.Prefix(dataset) + "masks/");
        Assert.Equal(Images - K, masks.Count);
        var segmented = events.Items.OfType<ImageSegmented>().ToArray();
        Assert.Equal(Images - K, segmented.Select(e => e.Outcome.Image).Distinct().Count());
        Assert.All(segmented.GroupBy(e => e.Outcome.Image), g => Assert.Single(g.Select(e => e.EventId).Distinct()));
        Assert.Single(events.Items.OfType<DatasetCompleted>());
        var report = DatasetReport.Deserialize(await fixture.Blobs.ReadAsync(DatasetBlobLayout.Report(dataset), default) ?? []);
        Assert.Equal(Images - K, report.Outcomes.Count);
        Assert.True(report.CoarseDiceMean > 0.5, $"expected phantom queries to be segmented with Dice > 0.5, got {report.CoarseDiceMean}");
    }

    [Fact]
    public async Task A_corrupt_image_fails_alone_with_its_name_and_the_rest_completes()
    {
        var dataset = NewDatasetId();
        using var phantoms = new PhantomDataset(Images);
        await File.WriteAllBytesAsync(Path.Combine(phantoms.ImagesDirectory, PhantomDataset.Name(3)), [0x89, 0x50, 0x4E, 0x47, 1, 2, 3]);
        await UploadAsync(dataset, phantoms);
        var events = await SubscribeAsync(dataset);

        await PrepareAsync(dataset);
        var status = await RunToEndAsync(dataset, events);

        var failure = Assert.Single(status.Failures);
        Assert.Equal(PhantomDataset.Name(3), failure.Image);
        Assert.Contains(PhantomDataset.Name(3), failure.Reason, StringComparison.Ordinal);
        Assert.Equal(DatasetPhase.Completed, status.Phase);
        Assert.Equal(Images - K - 1, status.Segmented);
    }

    [Theory]
    [InlineData("..")]
    [InlineData("a/b")]
    [InlineData("x\u0001y")]
    public async Task Dataset_ids_with_traversal_separators_or_control_characters_are_refused(string id)
    {
        var error = await Assert.ThrowsAsync<ArgumentException>(() => fixture.Client.GetGrain<IDatasetGrain>(id).CreateAsync(new CreateDataset()));

        Assert.Contains("dataset id", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Image_names_with_traversal_are_refused()
    {
        var dataset = NewDatasetId();

        var error = await Assert.ThrowsAsync<ArgumentException>(() => fixture.Client.GetGrain<IDatasetGrain>(dataset)
            .CreateAsync(new CreateDataset { Images = ["a.png", "../b.png"] }));

        Assert.Contains("../b.png", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_dataset_state_survives_a_restart_of_every_silo()
    {
        var dataset = NewDatasetId();
        using var phantoms = new PhantomDataset(Images);
        await UploadAsync(dataset, phantoms);
        var before = await PrepareAsync(dataset);

        foreach (var silo in fixture.Cluster.Silos.ToArray())
        {
            await fixture.Cluster.RestartSiloAsync(silo);
        }

        await fixture.WaitForRolesAsync();
        var after = await fixture.Client.GetGrain<IDatasetGrain>(dataset).GetStatusAsync();
        Assert.Equal(DatasetPhase.Annotated, after.Phase);
        Assert.Equal(before.Supports, after.Supports);
        Assert.Equal(Images, after.Embedded);
    }

    private static string NewDatasetId() => "test-" + Guid.NewGuid().ToString("N")[..12];

    private async Task UploadAsync(string dataset, PhantomDataset phantoms)
    {
        for (var i = 0; i < Images; i++)
        {
            var name = PhantomDataset.Name(i);
            await fixture.Blobs.WriteAsync(DatasetBlobLayout.Image(dataset, name), await File.ReadAllBytesAsync(Path.Combine(phantoms.ImagesDirectory, name)), default);
            await fixture.Blobs.WriteAsync(DatasetBlobLayout.Truth(dataset, name), await File.ReadAllBytesAsync(Path.Combine(phantoms.MasksDirectory, name)), default);
        }
    }

    /// <summary>Create, wait for embeddings, select K supports, annotate them from the ground truth and accept.</summary>
    private async Task<DatasetStatus> PrepareAsync(string dataset)
    {
        var grain = fixture.Client.GetGrain<IDatasetGrain>(dataset);
        await grain.CreateAsync(new CreateDataset { TruthPrefix = DatasetBlobLayout.TruthPrefix(dataset), WorkingSize = 64 });
        await grain.SelectSupportsAsync(new SelectSupports { K = K });
        var status = await WaitAsync(grain, s => s.Phase is DatasetPhase.AwaitingAnnotations or DatasetPhase.Failed);
        Assert.True(status.Phase == DatasetPhase.AwaitingAnnotations, $"expected supports to be selected, got {status.Phase}: {status.Message}");
        foreach (var support in status.Supports)
        {
            var truth = await fixture.Blobs.ReadAsync(DatasetBlobLayout.Truth(dataset, support), default);
            await fixture.Blobs.WriteAsync(DatasetBlobLayout.Annotation(dataset, support), truth!, default);
        }

        status = await grain.AcceptAnnotationsAsync();
        Assert.True(status.Phase == DatasetPhase.Annotated, $"expected the annotations to be accepted, got {status.Phase}: {status.Message}");
        return status;
    }

    private async Task<DatasetStatus> RunToEndAsync(string dataset, EventLog events)
    {
        var grain = fixture.Client.GetGrain<IDatasetGrain>(dataset);
        await grain.RunAsync(new RunSettings());
        using var timeout = new CancellationTokenSource(Patience);
        await events.Completed.Task.WaitAsync(timeout.Token);
        return await grain.GetStatusAsync();
    }

    private static async Task<DatasetStatus> WaitAsync(IDatasetGrain grain, Func<DatasetStatus, bool> until)
    {
        using var timeout = new CancellationTokenSource(Patience);
        while (true)
        {
            var status = await grain.GetStatusAsync();
            if (until(status))
            {
                return status;
            }

            // Polling the grain's own status is the event here: the phase change has no stream event of its own.
            await Task.Delay(TimeSpan.FromMilliseconds(100), timeout.Token);
        }
    }

    private async Task<EventLog> SubscribeAsync(string dataset)
    {
        var log = new EventLog();
        var stream = fixture.Client.GetStreamProvider(Constants.StreamProviderName)
            .GetStream<CompletionEvent>(StreamId.Create(Constants.CompletionStreamNamespace, dataset));
        await stream.SubscribeAsync((completion, _) =>
        {
            log.Add(completion);
            return Task.CompletedTask;
        });
        return log;
    }

    private async Task<List<string>> ListAsync(string prefix)
    {
        var names = new List<string>();
        await foreach (var name in fixture.Blobs.ListAsync(prefix, default))
        {
            names.Add(name);
        }

        return names;
    }

    private sealed class EventLog
    {
        private readonly ConcurrentQueue<CompletionEvent> _items = new();

        public TaskCompletionSource Completed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public IReadOnlyList<CompletionEvent> Items => _items.ToArray();

        public void Add(CompletionEvent completion)
        {
            _items.Enqueue(completion);
            if (completion is DatasetCompleted)
            {
                Completed.TrySetResult();
            }
        }
    }
}
