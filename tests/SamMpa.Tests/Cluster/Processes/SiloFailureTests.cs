using SamMpa.Grains;
using SamMpa.Grains.Datasets;
using SamMpa.Imaging.Images;
using SamMpa.Storage;
using SamMpa.Tests.Evaluation;
using static SamMpa.Tests.Cluster.PipelineFlow;

namespace SamMpa.Tests.Cluster.Processes;

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessClusterCollection
{
    // Alone, after the parallel collections: three silo processes and an Azurite already fill two cores.
    public const string Name = "process cluster";
}

/// <summary>
/// Faults on a cluster of separate processes (one gpu-role silo, two cpu-role silos, Azure providers on the test's own
/// Azurite) in the middle of a run of 60 phantoms with real elastix: a silo killed, every silo restarted, storage gone
/// for a while. Each time the run must complete with exactly one mask per query and an event for each.
/// </summary>
[Collection(ProcessClusterCollection.Name)]
public sealed class SiloFailureTests
{
    private const int Images = 60;
    private const int Queries = Images - K;

    /// <summary>Events for this many queries arrive before the fault: the run is under way, far from its end.</summary>
    private const int SegmentedBeforeFault = 8;

    /// <summary>How long storage stays away in the outage test (the fault itself, not a wait for something).</summary>
    private static readonly TimeSpan StorageOutage = TimeSpan.FromSeconds(10);

    [ProcessClusterFact]
    public async Task The_silo_hosting_the_dataset_grain_and_a_cpu_silo_killed_in_the_middle_of_a_run_lose_no_image_and_change_no_mask()
    {
        await using var cluster = await ProcessCluster.StartAsync();
        // The same 60 phantoms run undisturbed first: what every mask and every Dice must be after the faults.
        var undisturbed = await RunUndisturbedAsync(cluster);
        var (dataset, events) = await StartRunAsync(cluster);

        // SIGKILL the silo that holds the run's coordinator, and a worker silo (cpu-1) when that was not it. The image
        // grains live on gpu silos and this cluster has one: killed, it is started again, as Kubernetes replaces a pod.
        var host = await HostOfAsync(cluster, dataset);
        await host.KillAsync();
        Assert.False(events.Completed.Task.IsCompleted, $"expected the run to be still going when {host.Name}, the dataset grain's silo, was killed");
        if (host.Role != SiloRoles.Cpu)
        {
            await cluster["cpu-1"].KillAsync();
            await host.StartAsync();
        }

        await WaitForTheEndAsync(cluster, events, dataset);
        await AssertCompletedAsync(cluster, dataset, events);
        await AssertSameResultsAsync(cluster.Blobs, dataset, undisturbed);
    }

    [ProcessClusterFact]
    public async Task Every_silo_restarted_in_the_middle_of_a_run_resumes_it_to_the_end()
    {
        await using var cluster = await ProcessCluster.StartAsync();
        var (dataset, _) = await StartRunAsync(cluster);

        await cluster.DisconnectAsync();
        await Task.WhenAll(cluster.Silos.Select(s => s.StopAsync()));

        // The gpu silo first: the resumed job can only wait (no cpu role) until the subscriber below is in place.
        await cluster["gpu-1"].StartAsync();
        await cluster.ConnectAsync();
        var events = await SubscribeAsync(cluster.Client, dataset);
        await cluster["cpu-1"].StartAsync();
        await cluster["cpu-2"].StartAsync();

        // Nobody calls the dataset: its reminder must bring the job back.
        await WaitForCompletedEventAsync(cluster, events, dataset);
        var status = await cluster.Client.GetGrain<IDatasetGrain>(dataset).GetStatusAsync();
        Assert.True(status.Phase == DatasetPhase.Completed, $"expected {dataset} to be completed after the restart, got {status.Phase}: {status.Message}");
        Assert.True(status.Segmented == Queries && status.Failures.Count == 0,
            $"expected {Queries} queries segmented and none failed, got {status.Segmented} and {Describe(status)}");
        var masks = await ListAsync(cluster.Blobs, SamMpa.Storage.DatasetBlobLayout.Prefix(dataset) + "masks/");
        Assert.True(masks.Count == Queries, $"expected {Queries} mask blobs after the restart, found {masks.Count}");
    }

    [ProcessClusterFact]
    public async Task Storage_gone_in_the_middle_of_a_run_delays_it_and_loses_nothing()
    {
        await using var cluster = await ProcessCluster.StartAsync();
        var (dataset, events) = await StartRunAsync(cluster);

        await cluster.Storage.StopAsync();
        await Task.Delay(StorageOutage);
        await cluster.Storage.StartAsync();

        await WaitForTheEndAsync(cluster, events, dataset);
        await AssertCompletedAsync(cluster, dataset, events);
    }

    /// <summary>Runs the 60 phantoms from start to end on the whole cluster; returns the dataset's id.</summary>
    private static async Task<string> RunUndisturbedAsync(ProcessCluster cluster)
    {
        var (dataset, events) = await StartRunAsync(cluster);
        await WaitForTheEndAsync(cluster, events, dataset);
        await AssertCompletedAsync(cluster, dataset, events);
        return dataset;
    }

    /// <summary>The silo process where the dataset's grain is active.</summary>
    private static async Task<SiloProcess> HostOfAsync(ProcessCluster cluster, string dataset)
    {
        var address = await cluster.Client.GetGrain<IManagementGrain>(0).GetActivationAddress(cluster.Client.GetGrain<IDatasetGrain>(dataset));
        var host = cluster.Silos.SingleOrDefault(s => address is not null && s.SiloPort == address.Endpoint.Port);
        return host ?? throw new InvalidOperationException($"expected the dataset grain {dataset} to be active on one of the silos, found it at '{address}'");
    }

    /// <summary>
    /// report.json of both runs lists the same queries with the same supports and Dice, and every published mask decodes
    /// to the same pixels as the undisturbed run's.
    /// </summary>
    private static async Task AssertSameResultsAsync(IBlobStore blobs, string dataset, string undisturbed)
    {
        var faulted = await ReportOfAsync(blobs, dataset);
        var expected = (await ReportOfAsync(blobs, undisturbed)).Outcomes.ToDictionary(o => o.Image);
        Assert.True(faulted.Segmented == Queries && faulted.Failed == 0 && faulted.Outcomes.Count == Queries,
            $"expected report.json of {dataset} to list {Queries} segmented queries and none failed, got {faulted.Segmented} segmented, {faulted.Failed} failed, {faulted.Outcomes.Count} outcomes");
        Assert.Equal(expected.Count, faulted.Outcomes.Count);
        foreach (var outcome in faulted.Outcomes)
        {
            Assert.True(expected.TryGetValue(outcome.Image, out var clean), $"expected {outcome.Image} in the undisturbed run's report.json");
            Assert.True(outcome.Supports.SequenceEqual(clean.Supports),
                $"expected {outcome.Image} to be served by [{string.Join(", ", clean.Supports)}] as undisturbed, got [{string.Join(", ", outcome.Supports)}]");
            Assert.True(outcome.FinalDice == clean.FinalDice,
                $"expected {outcome.Image}'s Dice {clean.FinalDice} as undisturbed, got {outcome.FinalDice}");
            using var mask = await DecodeAsync(blobs, outcome.Mask);
            using var cleanMask = await DecodeAsync(blobs, clean.Mask);
            Assert.True(mask.Pixels.SequenceEqual(cleanMask.Pixels), $"expected {outcome.Mask} to decode to the same pixels as {clean.Mask} of the undisturbed run");
        }
    }

    private static async Task<DatasetReport.Report> ReportOfAsync(IBlobStore blobs, string dataset)
    {
        var json = await blobs.ReadAsync(DatasetBlobLayout.Report(dataset), default)
            ?? throw new InvalidOperationException($"expected {DatasetBlobLayout.Report(dataset)} after the run");
        return DatasetReport.Deserialize(json);
    }

    private static async Task<GrayImage> DecodeAsync(IBlobStore blobs, string? mask)
    {
        Assert.False(mask is null, "expected every query's outcome to name its mask");
        var png = await blobs.ReadAsync(mask, default) ?? throw new InvalidOperationException($"expected the mask blob {mask}");
        return ImageFile.DecodeMask(png, mask, ImageLimits.Default);
    }

    /// <summary>Uploads 60 phantoms, prepares the dataset (K supports annotated), subscribes, runs, and waits for the first events.</summary>
    private static async Task<(string Dataset, EventLog Events)> StartRunAsync(ProcessCluster cluster)
    {
        var dataset = NewDatasetId();
        using (var phantoms = new PhantomDataset(Images))
        {
            await UploadAsync(cluster.Blobs, dataset, phantoms, Images);
        }

        await PrepareAsync(cluster.Client, cluster.Blobs, dataset);
        var events = await SubscribeAsync(cluster.Client, dataset);
        await cluster.Client.GetGrain<IDatasetGrain>(dataset).RunAsync(new RunSettings());
        await WithinPatienceAsync(events.SegmentedAtLeastAsync(SegmentedBeforeFault), cluster, $"{SegmentedBeforeFault} ImageSegmented events before the fault", dataset);
        return (dataset, events);
    }

    private static async Task WaitForTheEndAsync(ProcessCluster cluster, EventLog events, string dataset)
    {
        await WaitForCompletedEventAsync(cluster, events, dataset);
        await WithinPatienceAsync(events.SegmentedAtLeastAsync(Queries), cluster, $"an ImageSegmented event for each of the {Queries} queries of {dataset}", dataset);
    }

    private static Task WaitForCompletedEventAsync(ProcessCluster cluster, EventLog events, string? dataset = null) =>
        WithinPatienceAsync(events.Completed.Task, cluster, "the DatasetCompleted event", dataset);

    private static async Task AssertCompletedAsync(ProcessCluster cluster, string dataset, EventLog events)
    {
        var status = await cluster.Client.GetGrain<IDatasetGrain>(dataset).GetStatusAsync();
        Assert.True(status.Phase == DatasetPhase.Completed, $"expected {dataset} to be completed, got {status.Phase}: {status.Message}");
        Assert.True(status.Segmented == Queries && status.Failures.Count == 0,
            $"expected {Queries} queries segmented and none failed or stuck, got {status.Segmented} and {Describe(status)}");
        await AssertEveryQueryHasOneMaskAndEventAsync(cluster.Blobs, dataset, events, Queries);
    }

    private static async Task WithinPatienceAsync(Task what, ProcessCluster cluster, string expected, string? dataset = null)
    {
        try
        {
            await what.WaitAsync(Patience);
        }
        catch (TimeoutException)
        {
            Assert.Fail($"expected {expected} within {Patience}; {await StatusOfAsync(cluster, dataset)}; the silos' logs end with:\n{cluster.Logs()}");
        }
    }

    /// <summary>The dataset's status as its grain reports it (the call activates it, if nothing had), for a failure message.</summary>
    private static async Task<string> StatusOfAsync(ProcessCluster cluster, string? dataset)
    {
        if (dataset is null)
        {
            return "no dataset yet";
        }

        try
        {
            var status = await cluster.Client.GetGrain<IDatasetGrain>(dataset).GetStatusAsync().WaitAsync(TimeSpan.FromSeconds(30));
            return $"{dataset} is then {status.Phase}, {status.Segmented} of {status.Queries} queries segmented, {status.InFlight} in flight: {status.Message} ({Describe(status)})";
        }
        catch (Exception e) when (e is TimeoutException or OrleansException)
        {
            return $"the status of {dataset} could not be read ({e.GetType().Name}: {e.Message})";
        }
    }

    private static string Describe(DatasetStatus status) =>
        status.Failures.Count == 0 ? "no failures" : string.Join("; ", status.Failures.Select(f => $"{f.Image} ({f.Stage}): {f.Reason}"));
}
