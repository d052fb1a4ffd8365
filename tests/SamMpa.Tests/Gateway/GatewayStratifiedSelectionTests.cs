using System.Net;
using SamMpa.Gateway.Api;
using SamMpa.Grains.Datasets;
using SamMpa.Storage;
using SamMpa.Tests.Cluster;
using SamMpa.Tests.Evaluation;

namespace SamMpa.Tests.Gateway;

/// <summary>The gateway's selection request with <c>stratifyBy</c>, and each support's stratum in <c>GET /supports</c>.</summary>
[Collection(GatewayCollection.Name)]
public sealed class GatewayStratifiedSelectionTests(GatewayFixture gateway)
{
    private static readonly string[] Sites = ["North", "South"];

    [Fact]
    public async Task A_selection_stratified_by_site_lists_each_supports_site_and_a_bad_field_is_a_400_naming_it()
    {
        using var http = gateway.Http(GatewayKeys.Admin);
        using var phantoms = new PhantomDataset(6);
        var dataset = PipelineFlow.NewDatasetId();
        await PipelineFlow.UploadAsync(gateway.Cluster.Blobs, dataset, phantoms, 6);
        for (var i = 0; i < 6; i++)
        {
            var provenance = new ImageProvenance { InstitutionName = Sites[i % 2] };
            await gateway.Cluster.Blobs.WriteAsync(DatasetBlobLayout.Provenance(dataset, PhantomDataset.Name(i)), provenance.ToJson(), default);
        }

        var grain = gateway.Cluster.Client.GetGrain<IDatasetGrain>(dataset);
        await grain.CreateAsync(new CreateDataset { WorkingSize = 64 });

        var selecting = await http.PostAsync($"/api/v1/datasets/{dataset}/selection", GatewayJson.Json(new SelectionRequest { K = 2, StratifyBy = "site" }));
        Assert.Equal(HttpStatusCode.Accepted, selecting.StatusCode);
        var selected = await PipelineFlow.WaitAsync(grain, s => s.Phase is DatasetPhase.AwaitingAnnotations or DatasetPhase.Failed);
        Assert.True(selected.Phase == DatasetPhase.AwaitingAnnotations, $"expected supports, got {selected.Phase}: {selected.Message}");

        var supports = await GatewayJson.ReadAsync<List<SupportView>>(await http.GetAsync($"/api/v1/datasets/{dataset}/supports"));
        Assert.Equal(Sites, supports.Select(s => s.Stratum).Order(StringComparer.Ordinal));
        Assert.All(supports, s => Assert.Equal(2, s.QueriesServed));

        var refused = await http.PostAsync($"/api/v1/datasets/{dataset}/selection", GatewayJson.Json(new SelectionRequest { K = 2, StratifyBy = "hospital" }));
        await GatewayJson.ProblemAsync(refused, 400, "'hospital' is not a field to stratify by");
    }
}
