using System.Net.Http.Headers;
using SamMpa.Gateway.Api;
using SamMpa.Grains.Datasets;
using SamMpa.Grains.Security;
using SamMpa.Storage;

namespace SamMpa.Tests.Gateway;

/// <summary>
/// Bad requests get a problem+json answer that names the item; a missing or unknown key 401, a role too low 403 (and
/// nothing written). They share one dataset with 2 supports selected and leave it unannotated.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class GatewayErrorTests(GatewayFixture gateway)
{
    [Fact]
    public async Task An_annotation_that_is_not_a_png_is_400_naming_the_support()
    {
        var (dataset, support) = await SupportAsync();
        using var http = gateway.Http(GatewayKeys.Admin);

        var answer = await http.PutAsync($"/api/v1/datasets/{dataset}/supports/{support}/annotation", Body("not a png at all"u8.ToArray()));

        var problem = await GatewayJson.ProblemAsync(answer, 400, support);
        Assert.Contains("not a PNG", problem.Detail, StringComparison.Ordinal);
        Assert.False(await gateway.Cluster.Blobs.ExistsAsync(DatasetBlobLayout.Annotation(dataset, support), default));
    }

    [Fact]
    public async Task An_unknown_dataset_is_404_naming_it()
    {
        using var http = gateway.Http(GatewayKeys.Admin);

        await GatewayJson.ProblemAsync(await http.GetAsync("/api/v1/datasets/no-such-dataset-here"), 404, "no-such-dataset-here");
        await GatewayJson.ProblemAsync(await http.GetAsync("/api/v1/datasets/no-such-dataset-here/supports"), 404, "no-such-dataset-here");
    }

    [Fact]
    public async Task An_image_that_is_not_a_support_is_404_naming_it()
    {
        var (dataset, _) = await SupportAsync();
        using var http = gateway.Http(GatewayKeys.Admin);

        await GatewayJson.ProblemAsync(await http.GetAsync($"/api/v1/datasets/{dataset}/supports/not-there.png/image"), 404, "not-there.png");
    }

    [Fact]
    public async Task A_k_out_of_range_is_400_naming_k()
    {
        var (dataset, _) = await SupportAsync();
        using var http = gateway.Http(GatewayKeys.Admin);

        var problem = await GatewayJson.ProblemAsync(await http.PostAsync($"/api/v1/datasets/{dataset}/selection", GatewayJson.Json(new SelectionRequest { K = 0 })), 400, "K must be");
        Assert.Contains(dataset, problem.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_annotation_above_the_limit_is_413_naming_the_support()
    {
        var (dataset, support) = await SupportAsync();
        using var http = gateway.Http(GatewayKeys.Admin);

        var answer = await http.PutAsync($"/api/v1/datasets/{dataset}/supports/{support}/annotation", Body(new byte[GatewayFixture.MaxAnnotationBytes + 1]));

        await GatewayJson.ProblemAsync(answer, 413, support);
    }

    [Fact]
    public async Task A_request_without_a_key_or_with_an_unknown_one_is_401_and_health_answers_anonymously()
    {
        using var anonymous = gateway.Http();
        var missing = await GatewayJson.ProblemAsync(await anonymous.GetAsync("/api/v1/datasets/any-dataset"), 401, "needs an API key");
        Assert.NotNull(missing);
        await GatewayJson.ProblemAsync(await anonymous.GetAsync("/openapi/v1.json"), 401, "needs an API key");

        using var unknown = gateway.Http("smk_this-key-was-never-created");
        await GatewayJson.ProblemAsync(await unknown.GetAsync("/api/v1/datasets/any-dataset"), 401, "unknown or revoked");

        using var byHeader = gateway.Http();
        byHeader.DefaultRequestHeaders.Add("X-Api-Key", "smk_this-key-was-never-created");
        await GatewayJson.ProblemAsync(await byHeader.GetAsync("/api/v1/datasets/any-dataset"), 401, "unknown or revoked");

        Assert.True((await anonymous.GetAsync("/health/live")).IsSuccessStatusCode);
        Assert.True((await anonymous.GetAsync("/health/ready")).IsSuccessStatusCode);
    }

    [Fact]
    public async Task A_viewer_putting_an_annotation_is_403_and_nothing_is_written()
    {
        var (dataset, support) = await SupportAsync();
        var viewer = await gateway.KeyForAsync("gw-viewer");
        await gateway.Cluster.Client.GetGrain<IDatasetGrain>(dataset).GrantAsync("gw-viewer", DatasetRole.Viewer);
        using var http = gateway.Http(null);
        http.DefaultRequestHeaders.Add("X-Api-Key", viewer);
        var truth = await gateway.Cluster.Blobs.ReadAsync(DatasetBlobLayout.Truth(dataset, support), default);

        // The viewer reads...
        Assert.True((await http.GetAsync($"/api/v1/datasets/{dataset}")).IsSuccessStatusCode);
        Assert.True((await http.GetAsync($"/api/v1/datasets/{dataset}/supports/{support}/image")).IsSuccessStatusCode);

        // ...and may not annotate, with a valid PNG.
        var problem = await GatewayJson.ProblemAsync(await http.PutAsync($"/api/v1/datasets/{dataset}/supports/{support}/annotation", Body(truth!)), 403, "gw-viewer");
        Assert.Contains("annotator", problem.Detail, StringComparison.Ordinal);
        Assert.False(await gateway.Cluster.Blobs.ExistsAsync(DatasetBlobLayout.Annotation(dataset, support), default));
    }

    [Fact]
    public async Task A_key_above_its_rate_is_429_with_retry_after()
    {
        await using var limited = gateway.With("Gateway:RateLimitPermits", "2");
        using var http = limited.CreateClient();
        http.DefaultRequestHeaders.Add("X-Api-Key", GatewayKeys.Admin);

        for (var i = 0; i < 2; i++)
        {
            Assert.NotEqual(429, (int)(await http.GetAsync("/api/v1/datasets/rate-limited-dataset")).StatusCode);
        }

        var refused = await http.GetAsync("/api/v1/datasets/rate-limited-dataset");
        await GatewayJson.ProblemAsync(refused, 429, "'admin'");
        Assert.NotNull(refused.Headers.RetryAfter);
    }

    private async Task<(string Dataset, string Support)> SupportAsync()
    {
        var dataset = await gateway.SelectedDatasetAsync();
        var status = await gateway.Cluster.Client.GetGrain<IDatasetGrain>(dataset).GetStatusAsync();
        return (dataset, status.Supports[0]);
    }

    private static ByteArrayContent Body(byte[] content)
    {
        var body = new ByteArrayContent(content);
        body.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        return body;
    }
}
