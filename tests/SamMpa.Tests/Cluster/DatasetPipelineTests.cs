using SamMpa.Grains;
using SamMpa.Grains.Images;
using SamMpa.Grains.Datasets;
using SamMpa.Grains.Events;
using SamMpa.Storage;
using SamMpa.Tests.Evaluation;
using static SamMpa.Tests.Cluster.PipelineFlow;

namespace SamMpa.Tests.Cluster;

/// <summary>A synthetic dataset through create, select, annotate and run on a gpu silo and a cpu silo.</summary>
public sealed class DatasetPipelineTests(PipelineClusterFixture fixture) : IClassFixture<PipelineClusterFixture>
{
    [Fact]
    public async Task Every_query_gets_one_mask_blob_and_one_event_and_the_report_scores_it()
    {
        var (dataset, events, _) = await AnnotatedDatasetAsync();
        var status = await RunToEndAsync(fixture.Client, dataset, events);

        Assert.Equal(DatasetPhase.Completed, status.Phase);
        Assert.Equal(ImageCount - K, status.Segmented);
        Assert.Equal(0, status.Failed);
        await AssertEveryQueryHasOneMaskAndEventAsync(fixture.Blobs, dataset, events, ImageCount - K);
        Assert.Single(events.Items.OfType<DatasetCompleted>());
        var report = DatasetReport.Deserialize(await fixture.Blobs.ReadAsync(DatasetBlobLayout.Report(dataset), default) ?? []);
        Assert.Equal(ImageCount - K, report.Outcomes.Count);
        Assert.True(report.CoarseDiceMean > 0.5, $"expected phantom queries to be segmented with Dice > 0.5, got {report.CoarseDiceMean}");
    }

    [Fact]
    public async Task With_sam_the_gpu_silo_decodes_every_query_and_final_masks_are_scored()
    {
        var (dataset, events, prepared) = await AnnotatedDatasetAsync();
        var status = await RunToEndAsync(fixture.Client, dataset, events, new RunSettings { UseSam = true, Refine = 1 });

        Assert.StartsWith("sam-", prepared.Encoder, StringComparison.Ordinal);
        Assert.True(status.Phase == DatasetPhase.Completed && status.Failed == 0, $"expected a clean SAM run, got {status.Phase} with {status.Failed} failures: {string.Join("; ", status.Failures.Select(f => f.Reason))}");
        await AssertEveryQueryHasOneMaskAndEventAsync(fixture.Blobs, dataset, events, ImageCount - K);
        Assert.All(events.Items.OfType<ImageSegmented>(), e => Assert.NotNull(e.Outcome.FinalDice));
    }

    [Fact]
    public async Task Each_worker_runs_only_on_silos_of_its_role()
    {
        using var stages = new StageRoleRecorder(fixture.Cluster);

        var (dataset, events, _) = await AnnotatedDatasetAsync();
        await RunToEndAsync(fixture.Client, dataset, events, new RunSettings { UseSam = true });

        stages.AssertOnlyOn((StageNames.Embed, SiloRoles.Gpu), (StageNames.Register, SiloRoles.Cpu), (StageNames.Segment, SiloRoles.Gpu));
    }

    [Fact]
    public async Task The_dataset_state_survives_a_restart_of_every_silo()
    {
        var (dataset, _, before) = await AnnotatedDatasetAsync();

        foreach (var silo in fixture.Cluster.Silos.ToArray())
        {
            await fixture.Cluster.RestartSiloAsync(silo);
        }

        await fixture.WaitForRolesAsync();
        var after = await fixture.CallAfterRestartAsync(() => fixture.Client.GetGrain<IDatasetGrain>(dataset).GetStatusAsync());
        Assert.Equal(DatasetPhase.Annotated, after.Phase);
        Assert.Equal(before.Supports, after.Supports);
        Assert.Equal(ImageCount, after.Embedded);
    }

    [Fact]
    public async Task A_run_interrupted_by_a_restart_of_every_silo_resumes_and_completes()
    {
        var (dataset, events, _) = await AnnotatedDatasetAsync();
        var grain = fixture.Client.GetGrain<IDatasetGrain>(dataset);
        await grain.RunAsync(new RunSettings());
        using (var timeout = new CancellationTokenSource(Patience))
        {
            await events.FirstSegmented.Task.WaitAsync(timeout.Token);
        }

        foreach (var silo in fixture.Cluster.Silos.ToArray())
        {
            await fixture.Cluster.RestartSiloAsync(silo);
        }

        await fixture.WaitForRolesAsync();
        // A call activates the dataset grain again, which resumes the run from its stored state (as its reminder would).
        var status = await fixture.CallAfterRestartAsync(() => WaitAsync(grain, s => s.IsFinished));

        Assert.True(status.Phase == DatasetPhase.Completed, $"expected the resumed run to complete, got {status.Phase}: {status.Message}");
        Assert.Equal(ImageCount - K, status.Segmented);
        var masks = await ListAsync(fixture.Blobs, DatasetBlobLayout.Prefix(dataset) + "masks/");
        Assert.Equal(ImageCount - K, masks.Count);
        var report = DatasetReport.Deserialize(await fixture.Blobs.ReadAsync(DatasetBlobLayout.Report(dataset), default) ?? []);
        Assert.Equal(ImageCount - K, report.Outcomes.Count(o => o.Error is null));
    }

    [Fact]
    public async Task A_cancelled_run_stops_and_says_so_on_the_stream()
    {
        var (dataset, events, _) = await AnnotatedDatasetAsync();
        var grain = fixture.Client.GetGrain<IDatasetGrain>(dataset);

        await grain.RunAsync(new RunSettings());
        var status = await grain.CancelAsync();
        using var timeout = new CancellationTokenSource(Patience);
        await events.Completed.Task.WaitAsync(timeout.Token);

        Assert.Equal(DatasetPhase.Cancelled, status.Phase);
        Assert.True(events.Items.OfType<DatasetCompleted>().Single().Cancelled, "expected the DatasetCompleted event to say the run was cancelled");
        Assert.Equal(DatasetPhase.Cancelled, (await grain.GetStatusAsync()).Phase);
    }

    /// <summary>A new dataset of phantoms, uploaded, subscribed to, created, selected and annotated from its ground truth.</summary>
    private async Task<(string Dataset, EventLog Events, DatasetStatus Prepared)> AnnotatedDatasetAsync()
    {
        var dataset = NewDatasetId();
        using var phantoms = new PhantomDataset(ImageCount);
        await UploadAsync(fixture.Blobs, dataset, phantoms);
        var events = await SubscribeAsync(fixture.Client, dataset);
        var prepared = await PrepareAsync(fixture.Client, fixture.Blobs, dataset);
        return (dataset, events, prepared);
    }
}
