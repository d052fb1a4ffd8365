using SamMpa.Grains.Datasets;
using SamMpa.Storage;
using SamMpa.Tests.Evaluation;
using static SamMpa.Tests.Cluster.PipelineFlow;

namespace SamMpa.Tests.Cluster;

/// <summary>
/// A dataset embedded by gpu silos with Models:DenseFeatures off (the load fixture's silos): a loc run is refused with
/// a message naming the setting, and an auto run tries registration alone and says why.
/// </summary>
[Collection(LoadCollection.Name)]
public sealed class WithoutDenseFeaturesTests(LoadClusterFixture fixture)
{
    [Fact]
    public async Task A_loc_run_is_refused_naming_the_setting_and_auto_falls_back_to_registration()
    {
        var dataset = NewDatasetId();
        using var phantoms = new PhantomDataset(ImageCount);
        await UploadAsync(fixture.Blobs, dataset, phantoms);
        await PrepareAsync(fixture.Client, fixture.Blobs, dataset);
        var grain = fixture.Client.GetGrain<IDatasetGrain>(dataset);

        var refused = await Assert.ThrowsAnyAsync<Exception>(() => grain.RunAsync(new RunSettings { Localise = true }));
        Assert.True(
            refused.Message.Contains("Models:DenseFeatures", StringComparison.Ordinal) && refused.Message.Contains(dataset, StringComparison.Ordinal),
            $"expected the refusal to name the dataset and Models:DenseFeatures, got: {refused.Message}");

        await grain.RunAsync(new RunSettings { Auto = true });
        var status = await WaitAsync(grain, s => s.Phase is DatasetPhase.Completed or DatasetPhase.Failed);
        Assert.True(status.Phase == DatasetPhase.Completed && status.Failed == 0, $"expected the auto run to complete cleanly, got {status.Phase}: {status.Message}");
        var report = DatasetReport.Deserialize((await fixture.Blobs.ReadAsync(DatasetBlobLayout.Report(dataset), default))!);
        Assert.NotNull(report.Auto);
        Assert.All(report.Auto.Candidates, c => Assert.StartsWith("mp", c.Pipeline, StringComparison.Ordinal));
        Assert.StartsWith("mp", report.Auto.Chosen, StringComparison.Ordinal);
    }
}
