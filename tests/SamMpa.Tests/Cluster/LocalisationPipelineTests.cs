using SamMpa.Grains;
using SamMpa.Grains.Datasets;
using SamMpa.Grains.Events;
using SamMpa.Grains.Images;
using SamMpa.Imaging.Localisation;
using SamMpa.Storage;
using SamMpa.Tests.Evaluation;
using static SamMpa.Tests.Cluster.PipelineFlow;

namespace SamMpa.Tests.Cluster;

/// <summary>
/// Stages loc and rf (issue 12) on a gpu silo and a cpu silo: dense features (ResNet18's and SAM's) written at embedding on the gpu silo, the
/// few-shot map and GrabCut on the cpu silo, deterministic masks, and a damaged feature blob failing its queries alone.
/// </summary>
public sealed class LocalisationPipelineTests(PipelineClusterFixture fixture) : IClassFixture<PipelineClusterFixture>
{
    /// <summary>Phantom targets are large, smooth shapes: the map alone and with GrabCut find most of them.</summary>
    private const double DiceFloor = 0.6;

    private static readonly RunSettings Loc = new() { Register = false, Localise = true };
    private static readonly RunSettings LocRf = new() { Register = false, Localise = true, GraphCut = true };

    [Fact]
    public async Task Features_are_written_on_the_gpu_silo_and_loc_and_rf_run_on_the_cpu_silo_with_masks_above_the_floor()
    {
        using var stages = new StageRoleRecorder(fixture.Cluster);

        var (dataset, events) = await AnnotatedDatasetAsync();
        var features = await FeatureBlobsAsync(dataset);
        Assert.Equal(ImageCount, features.Count);
        foreach (var blob in features)
        {
            // The gpu silo has the fixture's SAM package: its embedding joins ResNet18's 768 channels.
            var map = FeatureMapCodec.Decode(await fixture.Blobs.ReadAsync(blob, default));
            Assert.True(map?.Channels == 768 + 256, $"expected {blob} to hold ResNet18's and SAM's 1024 channels, got {map?.Channels.ToString() ?? "no map"}");
        }

        foreach (var (settings, name) in new[] { (Loc, "loc"), (LocRf, "loc,rf") })
        {
            var run = events.Items.Count;
            var status = await RunAgainAsync(dataset, events, settings);
            Assert.True(status.Phase == DatasetPhase.Completed && status.Failed == 0, $"{name}: expected a clean run, got {status.Phase} with {status.Failed} failures: {string.Join("; ", status.Failures.Select(f => f.Reason))}");
            var report = await ReportAsync(dataset);
            Assert.True(report.CoarseDiceMean > DiceFloor, $"{name}: expected phantom queries with Dice > {DiceFloor}, got {report.CoarseDiceMean}");
            Assert.True(report.Localise && report.GraphCut == settings.GraphCut && !report.Register, $"{name}: the report names the stages");
            Assert.All(report.Outcomes, o => Assert.InRange(o.Uncertainty ?? -1, 0, 1));
            Assert.All(events.Items.Skip(run).OfType<ImageSegmented>(), e => Assert.NotNull(e.Outcome.Uncertainty));
        }

        stages.AssertOnlyOn((StageNames.Embed, SiloRoles.Gpu), (StageNames.Localise, SiloRoles.Cpu), (StageNames.GraphCut, SiloRoles.Cpu));
    }

    [Fact]
    public async Task The_same_supports_give_the_same_masks_twice()
    {
        var (dataset, events) = await AnnotatedDatasetAsync();

        await RunAgainAsync(dataset, events, LocRf);
        var first = await MasksAsync(dataset);
        await RunAgainAsync(dataset, events, LocRf);
        var second = await MasksAsync(dataset);

        Assert.Equal(ImageCount - K, first.Count);
        Assert.Equal(first.Keys.Order(), second.Keys.Order());
        Assert.All(first, m => Assert.True(m.Value.SequenceEqual(second[m.Key]), $"expected {m.Key} to be the same mask in both runs"));
    }

    [Fact]
    public async Task A_query_whose_feature_blob_is_corrupt_fails_alone_naming_it()
    {
        var (dataset, events) = await AnnotatedDatasetAsync();
        var supports = (await fixture.Client.GetGrain<IDatasetGrain>(dataset).GetStatusAsync()).Supports.ToHashSet();
        var blob = (await FeatureBlobsAsync(dataset)).First(b => !supports.Contains(Path.GetFileNameWithoutExtension(b)));
        var bytes = await fixture.Blobs.ReadAsync(blob, default);
        await fixture.Blobs.WriteAsync(blob, bytes!.AsMemory(0, bytes!.Length / 2), default);

        var status = await RunAgainAsync(dataset, events, Loc);

        Assert.Equal(DatasetPhase.Completed, status.Phase);
        Assert.Equal(1, status.Failed);
        var report = await ReportAsync(dataset);
        Assert.Equal(ImageCount - K - 1, report.Outcomes.Count(o => o.Error is null));
        var failure = Assert.Single(report.Outcomes, o => o.Error is not null);
        Assert.Contains(blob, failure.Error, StringComparison.Ordinal);
        Assert.StartsWith(StageNames.Localise, failure.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_support_whose_feature_blob_is_missing_fails_the_queries_naming_it_and_the_run_completes()
    {
        var (dataset, events) = await AnnotatedDatasetAsync();
        var support = (await fixture.Client.GetGrain<IDatasetGrain>(dataset).GetStatusAsync()).Supports[0];
        var blob = (await FeatureBlobsAsync(dataset)).Single(b => Path.GetFileNameWithoutExtension(b) == support);
        await fixture.Blobs.DeleteAsync(blob, default);

        var status = await RunAgainAsync(dataset, events, Loc);

        Assert.Equal(DatasetPhase.Completed, status.Phase);
        var report = await ReportAsync(dataset);
        Assert.Equal(ImageCount - K, report.Outcomes.Count);
        Assert.All(report.Outcomes, o => Assert.Contains(blob, o.Error ?? "(no error)", StringComparison.Ordinal));
    }

    private async Task<(string Dataset, EventLog Events)> AnnotatedDatasetAsync()
    {
        var dataset = NewDatasetId();
        using var phantoms = new PhantomDataset(ImageCount);
        await UploadAsync(fixture.Blobs, dataset, phantoms);
        var events = await SubscribeAsync(fixture.Client, dataset);
        await PrepareAsync(fixture.Client, fixture.Blobs, dataset);
        return (dataset, events);
    }

    /// <summary>A run, waited for by its own completion event (the log may hold an earlier run's).</summary>
    private async Task<DatasetStatus> RunAgainAsync(string dataset, EventLog events, RunSettings settings)
    {
        var completed = events.Items.OfType<DatasetCompleted>().Count();
        var grain = fixture.Client.GetGrain<IDatasetGrain>(dataset);
        await grain.RunAsync(settings);
        await events.CompletedAtLeastAsync(completed + 1).WaitAsync(Patience);
        return await grain.GetStatusAsync();
    }

    private async Task<DatasetReport.Report> ReportAsync(string dataset) =>
        DatasetReport.Deserialize(await fixture.Blobs.ReadAsync(DatasetBlobLayout.Report(dataset), default) ?? []);

    private Task<List<string>> FeatureBlobsAsync(string dataset) => ListAsync(fixture.Blobs, DatasetBlobLayout.Prefix(dataset) + "features/");

    private async Task<Dictionary<string, byte[]>> MasksAsync(string dataset)
    {
        var masks = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        foreach (var name in await ListAsync(fixture.Blobs, DatasetBlobLayout.Prefix(dataset) + "masks/"))
        {
            masks[name] = (await fixture.Blobs.ReadAsync(name, default))!;
        }

        return masks;
    }
}
