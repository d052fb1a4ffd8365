using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using SamMpa.Gateway.Api;
using SamMpa.Grains.Datasets;
using SamMpa.Storage;
using SamMpa.Tests.Cluster;
using SamMpa.Tests.Evaluation;

namespace SamMpa.Tests.Gateway;

/// <summary>
/// The whole dataset lifecycle over HTTP, as a platform team's pipeline would drive it: upload 8 phantoms with their
/// ground truth, select 2 supports, fetch a support's image, put both annotations, run, poll the status to the end,
/// then read results, masks, the CSV and the ZIP.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class GatewayLifecycleTests(GatewayFixture gateway)
{
    [Fact]
    public async Task A_dataset_goes_from_upload_to_downloaded_results_over_http()
    {
        var key = await gateway.KeyForAsync("gw-owner");
        using var http = gateway.Http(key);
        using var phantoms = new PhantomDataset(PipelineFlow.ImageCount);
        var dataset = PipelineFlow.NewDatasetId();

        // Upload: fields first, then images and truth, streamed.
        using var upload = new MultipartFormDataContent
        {
            { new StringContent(dataset), "id" },
            { new StringContent("64"), "workingSize" },
        };
        for (var i = 0; i < PipelineFlow.ImageCount; i++)
        {
            var name = PhantomDataset.Name(i);
            upload.Add(Png(Path.Combine(phantoms.ImagesDirectory, name)), "images", name);
            upload.Add(Png(Path.Combine(phantoms.MasksDirectory, name)), "truth", name);
        }

        var created = await http.PostAsync("/api/v1/datasets", upload);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal($"/api/v1/datasets/{dataset}", created.Headers.Location?.OriginalString);
        var creation = await GatewayJson.ReadAsync<DatasetCreated>(created);
        Assert.Equal((2 * PipelineFlow.ImageCount, 0), (creation.Uploaded, creation.Kept));
        Assert.True(await gateway.Cluster.Blobs.ExistsAsync(DatasetBlobLayout.Truth(dataset, PhantomDataset.Name(0)), default));

        // Select, and wait for the supports.
        var selecting = await http.PostAsync($"/api/v1/datasets/{dataset}/selection", GatewayJson.Json(new SelectionRequest { K = PipelineFlow.K }));
        Assert.Equal(HttpStatusCode.Accepted, selecting.StatusCode);
        var selected = await PollAsync(http, dataset, s => s.Phase is DatasetPhase.AwaitingAnnotations or DatasetPhase.Failed);
        Assert.Equal(DatasetPhase.AwaitingAnnotations, selected.Status.Phase);

        var supports = await GatewayJson.ReadAsync<List<SupportView>>(await http.GetAsync($"/api/v1/datasets/{dataset}/supports"));
        Assert.Equal(selected.Status.Supports, supports.Select(s => s.Image));
        Assert.Equal([1, 2], supports.Select(s => s.Rank));
        Assert.All(supports, s => Assert.False(s.Annotated));
        Assert.Equal(PipelineFlow.ImageCount - PipelineFlow.K, supports.Sum(s => s.QueriesServed ?? 0));

        var image = await http.GetAsync($"/api/v1/datasets/{dataset}/supports/{supports[0].Image}/image");
        Assert.Equal("image/png", image.Content.Headers.ContentType?.MediaType);
        Assert.Equal(await File.ReadAllBytesAsync(Path.Combine(phantoms.ImagesDirectory, supports[0].Image)), await image.Content.ReadAsByteArrayAsync());

        // Annotate each support with its ground truth, as a person would draw it.
        DatasetView annotated = null!;
        foreach (var support in supports)
        {
            using var mask = Png(Path.Combine(phantoms.MasksDirectory, support.Image));
            annotated = await GatewayJson.ReadAsync<DatasetView>(await http.PutAsync($"/api/v1/datasets/{dataset}/supports/{support.Image}/annotation", mask));
        }

        Assert.Equal(DatasetPhase.Annotated, annotated.Status.Phase);

        // Run with registration only, and poll to the end.
        var running = await http.PostAsync($"/api/v1/datasets/{dataset}/runs", GatewayJson.Json(new RunRequest { Stages = "mp" }));
        Assert.Equal(HttpStatusCode.Accepted, running.StatusCode);
        var done = await PollAsync(http, dataset, s => s.IsFinished);
        Assert.True(done.Status.Phase == DatasetPhase.Completed, $"expected the run to complete, got {done.Status.Phase}: {done.Status.Message}");
        Assert.Equal(1.0, done.Progress);

        var results = await GatewayJson.ReadAsync<ResultsView>(await http.GetAsync($"/api/v1/datasets/{dataset}/results"));
        Assert.Equal(PipelineFlow.ImageCount - PipelineFlow.K, results.Images.Count);
        Assert.All(results.Images, r => Assert.True(r.Status == "segmented" && r.FinalDice is > 0, $"{r.Image}: {r.Status}, Dice {r.FinalDice}, {r.Error}"));

        var query = results.Images[0].Image;
        foreach (var kind in new[] { "mask", "coarse", "overlay" })
        {
            var png = await http.GetAsync($"/api/v1/datasets/{dataset}/results/{query}/{kind}");
            Assert.True(png.IsSuccessStatusCode, $"{kind}: {(int)png.StatusCode} {await png.Content.ReadAsStringAsync()}");
            Assert.Equal("image/png", png.Content.Headers.ContentType?.MediaType);
            Assert.True(SamMpa.Imaging.Images.ImageFile.IsPng(await png.Content.ReadAsByteArrayAsync()), $"{kind} is not a PNG");
        }

        var report = DatasetReport.Deserialize(await (await http.GetAsync($"/api/v1/datasets/{dataset}/report.json")).Content.ReadAsByteArrayAsync());
        Assert.Equal(results.RunId, report.RunId);

        var csv = (await (await http.GetAsync($"/api/v1/datasets/{dataset}/results.csv")).Content.ReadAsStringAsync()).TrimEnd('\n').Split('\n');
        Assert.StartsWith("image,status,final_dice", csv[0], StringComparison.Ordinal);
        Assert.Equal(results.Images.Count + 1, csv.Length);

        var zipped = await http.GetAsync($"/api/v1/datasets/{dataset}/download.zip");
        Assert.Equal("application/zip", zipped.Content.Headers.ContentType?.MediaType);
        using var zip = new ZipArchive(new MemoryStream(await zipped.Content.ReadAsByteArrayAsync()));
        var names = zip.Entries.Select(e => e.FullName).ToHashSet();
        Assert.Contains("report.json", names);
        Assert.Contains("results.csv", names);
        Assert.Equal(results.Images.Count, names.Count(n => n.StartsWith("masks/", StringComparison.Ordinal)));
        Assert.Contains($"masks/{DatasetBlobLayout.MaskName(query)}", names);

        // The run's report page: self-contained, with charts and an overlay of each (at most a dozen) worst query.
        var page = await http.GetAsync($"/api/v1/datasets/{dataset}/report.html");
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("<svg", html, StringComparison.Ordinal);
        Assert.Contains(results.RunId, html, StringComparison.Ordinal);
        Assert.Equal(Math.Min(12, results.Images.Count), html.Split("src=\"data:image/png;base64,").Length - 1);
        Assert.DoesNotContain("<script src=", html, StringComparison.Ordinal);
    }

    private static ByteArrayContent Png(string path)
    {
        var content = new ByteArrayContent(File.ReadAllBytes(path));
        content.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        return content;
    }

    /// <summary>Polls the status (what a pipeline without the event stream does) until <paramref name="until"/>, within the pipelines' patience.</summary>
    private static async Task<DatasetView> PollAsync(HttpClient http, string dataset, Func<DatasetStatus, bool> until)
    {
        using var patience = new CancellationTokenSource(PipelineFlow.Patience);
        while (true)
        {
            var view = await GatewayJson.ReadAsync<DatasetView>(await http.GetAsync($"/api/v1/datasets/{dataset}", patience.Token));
            if (until(view.Status))
            {
                return view;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100), patience.Token);
        }
    }
}
