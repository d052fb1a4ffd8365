using SamMpa.Grains.Datasets;
using SamMpa.Storage;
using SamMpa.Tests.Evaluation;
using static SamMpa.Tests.Cluster.PipelineFlow;

namespace SamMpa.Tests.Cluster;

/// <summary>
/// `select --stratify-by site` through the cluster: phantoms split into three sites by provenance blobs the test writes;
/// a support per site, each query served from its own site, and Dice per site in report.json.
/// </summary>
public sealed class StratifiedSelectionTests(PipelineClusterFixture fixture) : IClassFixture<PipelineClusterFixture>
{
    private const int Images = 9;
    private static readonly string[] Sites = ["Site A", "Site B", "Site C"];

    [Fact]
    public async Task Stratified_by_site_each_site_has_a_support_each_query_its_own_sites_atlas_and_the_report_Dice_per_site()
    {
        var dataset = NewDatasetId();
        using var phantoms = new PhantomDataset(Images);
        await UploadAsync(fixture.Blobs, dataset, phantoms, Images);
        await WriteSitesAsync(dataset);
        var events = await SubscribeAsync(fixture.Client, dataset);
        var grain = fixture.Client.GetGrain<IDatasetGrain>(dataset);
        await grain.CreateAsync(new CreateDataset { TruthPrefix = DatasetBlobLayout.TruthPrefix(dataset), WorkingSize = 64 });

        await grain.SelectSupportsAsync(new SelectSupports { K = 3, StratifyBy = "site" });
        var selected = await WaitAsync(grain, s => s.Phase is DatasetPhase.AwaitingAnnotations or DatasetPhase.Failed);
        Assert.True(selected.Phase == DatasetPhase.AwaitingAnnotations, $"expected supports to be selected, got {selected.Phase}: {selected.Message}");
        Assert.Equal(Sites, selected.Supports.Select(SiteOf).Order(StringComparer.Ordinal));

        await AnnotateFromTruthAsync(fixture.Client, fixture.Blobs, dataset, selected.Supports);
        var completed = await RunToEndAsync(fixture.Client, dataset, events);
        Assert.Equal(DatasetPhase.Completed, completed.Phase);

        var report = DatasetReport.Deserialize(await fixture.Blobs.ReadAsync(DatasetBlobLayout.Report(dataset), default) ?? []);
        Assert.Equal("site", report.StratumField);
        Assert.True(report.Stratified);
        Assert.Equal(Images - 3, report.Outcomes.Count);
        foreach (var entry in report.Outcomes)
        {
            Assert.Equal(SiteOf(entry.Image), entry.Stratum);
            Assert.True(SiteOf(entry.Supports[0]) == SiteOf(entry.Image), $"query {entry.Image} of {SiteOf(entry.Image)} was served by {entry.Supports[0]} of {SiteOf(entry.Supports[0])}");
        }

        Assert.NotNull(report.Strata);
        Assert.Equal(Sites, report.Strata.Keys);
        foreach (var site in Sites)
        {
            var figures = report.Strata[site];
            var dice = report.Outcomes.Where(o => o.Stratum == site && o.CoarseDice is not null).Select(o => o.CoarseDice!.Value).ToArray();
            Assert.Equal((3, 1, 2, 0), (figures.Images, figures.Supports, figures.Queries, figures.Failed));
            Assert.NotNull(figures.CoarseDiceMean);
            Assert.Equal(dice.Average(), figures.CoarseDiceMean.Value, 9);
        }
    }

    [Fact]
    public async Task A_field_that_is_not_a_provenance_field_is_refused_naming_it_and_the_fields()
    {
        var dataset = NewDatasetId();
        using var phantoms = new PhantomDataset(3);
        await UploadAsync(fixture.Blobs, dataset, phantoms, 3);
        var grain = fixture.Client.GetGrain<IDatasetGrain>(dataset);
        await grain.CreateAsync(new CreateDataset { WorkingSize = 64 });

        var error = await Assert.ThrowsAsync<ArgumentException>(() => grain.SelectSupportsAsync(new SelectSupports { K = 1, StratifyBy = "hospital" }));

        Assert.Contains("'hospital' is not a field to stratify by", error.Message, StringComparison.Ordinal);
        Assert.Contains("none, site, institution, manufacturer, model, station, series", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unreadable_provenance_blob_fails_the_selection_naming_it()
    {
        var dataset = NewDatasetId();
        using var phantoms = new PhantomDataset(4);
        await UploadAsync(fixture.Blobs, dataset, phantoms, 4);
        var bad = DatasetBlobLayout.Provenance(dataset, PhantomDataset.Name(1));
        await fixture.Blobs.WriteAsync(bad, "{ not json"u8.ToArray(), default);
        var grain = fixture.Client.GetGrain<IDatasetGrain>(dataset);
        await grain.CreateAsync(new CreateDataset { WorkingSize = 64 });

        await grain.SelectSupportsAsync(new SelectSupports { K = 1, StratifyBy = "site" });
        var status = await WaitAsync(grain, s => s.Phase is DatasetPhase.AwaitingAnnotations or DatasetPhase.Failed);

        Assert.Equal(DatasetPhase.Failed, status.Phase);
        Assert.Contains(bad, status.Message, StringComparison.Ordinal);
    }

    /// <summary>Image i is at site i mod 3; its provenance names the site as the institution, as DICOM ingest writes it.</summary>
    private async Task WriteSitesAsync(string dataset)
    {
        for (var i = 0; i < Images; i++)
        {
            var provenance = new ImageProvenance { InstitutionName = Sites[i % Sites.Length], Manufacturer = "Vendor" };
            await fixture.Blobs.WriteAsync(DatasetBlobLayout.Provenance(dataset, PhantomDataset.Name(i)), provenance.ToJson(), default);
        }
    }

    private static string SiteOf(string image)
    {
        for (var i = 0; i < Images; i++)
        {
            if (PhantomDataset.Name(i) == image)
            {
                return Sites[i % Sites.Length];
            }
        }

        throw new ArgumentException($"{image} is not one of the test's phantoms.", nameof(image));
    }
}
