using System.Net;
using System.Net.Http.Headers;
using SamMpa.Gateway.Api;
using SamMpa.Grains.Datasets;
using SamMpa.Grains.Datasets.Files;
using SamMpa.Grains.Datasets.Promotion;
using SamMpa.Grains.Events;
using SamMpa.Grains.Security;
using SamMpa.Imaging.Selection;
using SamMpa.Storage;
using SamMpa.Tests.Cluster;
using SamMpa.Tests.Evaluation;

namespace SamMpa.Tests.Gateway;

/// <summary>
/// "Correct and promote" over HTTP: after a run, the worst query is corrected (its ground truth stands for the
/// person's correction) and promoted; the selection is ranked again with it, and the re-run re-segments exactly the
/// queries whose nearest support changed, keeping every other query's mask and outcome from the first run.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class GatewayPromotionTests(GatewayFixture gateway)
{
    [Fact]
    public async Task A_promoted_query_becomes_a_support_and_the_rerun_segments_only_the_queries_whose_nearest_support_changed()
    {
        var cluster = gateway.Cluster;
        using var phantoms = new PhantomDataset(PipelineFlow.ImageCount);
        var dataset = PipelineFlow.NewDatasetId();
        await PipelineFlow.UploadAsync(cluster.Blobs, dataset, phantoms);
        var events = await PipelineFlow.SubscribeAsync(cluster.Client, dataset);
        var prepared = await PipelineFlow.PrepareAsync(cluster.Client, cluster.Blobs, dataset);
        var mp = new RunSettings { Register = true };
        var first = await PipelineFlow.RunToEndAsync(cluster.Client, dataset, events, mp);
        Assert.Equal(DatasetPhase.Completed, first.Phase);
        var images = await DatasetFiles.ReadImagesAsync(cluster.Blobs, dataset, PipelineFlow.ImageCount, default);
        var before = await DatasetFiles.ReadSelectionAsync(cluster.Blobs, dataset, default);

        using var http = gateway.Http(GatewayKeys.Admin);
        var results = await GatewayJson.ReadAsync<ResultsView>(await http.GetAsync($"/api/v1/datasets/{dataset}/results"));
        var promoted = await QueryThatMovesAnotherAsync(cluster.Blobs, dataset, first.Encoder!, images, before.Supports);
        Assert.Contains(promoted, results.Images.Select(r => r.Image));

        // Bad promotions first: each a clear problem, nothing changed.
        await GatewayJson.ProblemAsync(
            await http.PostAsync($"/api/v1/datasets/{dataset}/results/{prepared.Supports[0]}/promote", null), 404, prepared.Supports[0]);
        await GatewayJson.ProblemAsync(
            await http.PostAsync($"/api/v1/datasets/{dataset}/results/{promoted}/promote", Png([0x89, 0x50])), 400, promoted);
        var viewer = await gateway.KeyForAsync("gw-promote-viewer");
        await cluster.Client.GetGrain<IDatasetGrain>(dataset).GrantAsync("gw-promote-viewer", DatasetRole.Viewer);
        using (var asViewer = gateway.Http(viewer))
        {
            Assert.Equal(HttpStatusCode.Forbidden, (await asViewer.PostAsync($"/api/v1/datasets/{dataset}/results/{promoted}/promote", null)).StatusCode);
        }

        Assert.False(await cluster.Blobs.ExistsAsync(DatasetBlobLayout.Annotation(dataset, promoted), default), "expected no annotation of the query after refused promotions");

        // The query corrected (here: to its ground truth) and promoted.
        var correction = (await cluster.Blobs.ReadAsync(DatasetBlobLayout.Truth(dataset, promoted), default))!;
        var promoting = await GatewayJson.ReadAsync<DatasetView>(await http.PostAsync($"/api/v1/datasets/{dataset}/results/{promoted}/promote", Png(correction)));
        Assert.Equal(DatasetPhase.Selecting, promoting.Status.Phase);
        var grain = cluster.Client.GetGrain<IDatasetGrain>(dataset);
        var annotated = await PipelineFlow.WaitAsync(grain, s => s.Phase is not DatasetPhase.Selecting);
        Assert.True(annotated.Phase == DatasetPhase.Annotated, $"expected the promotion to end Annotated, got {annotated.Phase}: {annotated.Message}");
        Assert.Equal([.. prepared.Supports, promoted], annotated.Supports);
        Assert.Equal(correction, await cluster.Blobs.ReadAsync(DatasetBlobLayout.Annotation(dataset, promoted), default));

        var after = await DatasetFiles.ReadSelectionAsync(cluster.Blobs, dataset, default);
        var promotedIndex = images.ToList().IndexOf(promoted);
        Assert.Equal([promotedIndex], after.Atlases[promotedIndex]);
        var queries = Enumerable.Range(0, images.Count).Where(i => !after.Supports.Contains(i)).ToArray();
        var changed = RerunPlan.Changed(before.Atlases, after.Atlases, queries, 1).Select(i => images[i]).ToHashSet();
        Assert.True(changed.Count > 0, "expected the promoted query to become the nearest support of another query (the phantoms' third anatomy)");
        Assert.True(changed.Count < queries.Length, "expected some queries to keep their nearest support");
        Assert.Contains(changed.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), annotated.Message, StringComparison.Ordinal);

        // The re-run with the same settings: only the changed queries, the others kept.
        var second = await RunAsync(grain, events, mp, run: 2);
        Assert.Equal(DatasetPhase.Completed, second.Phase);
        Assert.NotEqual(first.RunId, second.RunId);
        Assert.Equal((changed.Count, changed.Count, 0), (second.Queries, second.Segmented, second.Failed));
        var rerunImages = events.Items.OfType<ImageSegmented>().Where(e => e.RunId == second.RunId).Select(e => e.Outcome.Image).ToHashSet();
        Assert.Equal(changed.Order(StringComparer.Ordinal), rerunImages.Order(StringComparer.Ordinal));

        var report = DatasetReport.Deserialize((await cluster.Blobs.ReadAsync(DatasetBlobLayout.Report(dataset), default))!);
        Assert.Equal((second.RunId, first.RunId), (report.RunId, report.PartialOf));
        Assert.Equal(queries.Select(i => images[i]).Order(StringComparer.Ordinal), report.Outcomes.Select(e => e.Image).Order(StringComparer.Ordinal));
        Assert.All(report.Outcomes, e => Assert.True(
            e.Run == (changed.Contains(e.Image) ? second.RunId : first.RunId),
            $"expected {e.Image} to come from run {(changed.Contains(e.Image) ? second.RunId : first.RunId)}, not {e.Run}"));
        Assert.All(report.Outcomes, e => Assert.True(e.Error is null && e.Mask is not null, $"{e.Image}: {e.Error}"));
        foreach (var entry in report.Outcomes)
        {
            Assert.True(await cluster.Blobs.ExistsAsync(DatasetBlobLayout.FinalMask(dataset, entry.Image), default), $"expected the mask of {entry.Image}");
        }

        Assert.False(await cluster.Blobs.ExistsAsync(DatasetBlobLayout.FinalMask(dataset, promoted), default), "expected the promoted support's old query mask to be gone");
        Assert.False(await cluster.Blobs.ExistsAsync(DatasetBlobLayout.Rerun(dataset), default), "expected the re-run plan to be spent");

        // A further run, with the plan spent, segments every query again.
        var third = await RunAsync(grain, events, mp, run: 3);
        Assert.Equal(queries.Length, third.Queries);
    }

    /// <summary>
    /// A query whose promotion makes it the nearest support of another query (by the embeddings, as the selection ranks),
    /// so the re-run has work and work it skips; the earliest such one.
    /// </summary>
    internal static async Task<string> QueryThatMovesAnotherAsync(IBlobStore blobs, string dataset, string encoder, IReadOnlyList<string> images, IReadOnlyList<int> supports)
    {
        var embeddings = new float[images.Count][];
        for (var i = 0; i < images.Count; i++)
        {
            embeddings[i] = SamMpa.Imaging.Embeddings.EmbeddingCodec.Decode((await blobs.ReadAsync(DatasetBlobLayout.Embedding(dataset, encoder, images[i]), default))!)!;
        }

        var now = SupportSelector.WithSupports(embeddings, supports);
        foreach (var candidate in Enumerable.Range(0, images.Count).Where(i => !supports.Contains(i)))
        {
            var promoted = SupportSelector.WithSupports(embeddings, [.. supports, candidate]);
            var moved = Enumerable.Range(0, images.Count).Count(i => i != candidate && promoted.SupportOf(i) != now.SupportOf(i));
            if (moved > 0 && moved < images.Count - supports.Count - 1)
            {
                return images[candidate];
            }
        }

        throw new InvalidOperationException($"expected a query of {dataset} whose promotion moves some but not all other queries");
    }

    /// <summary>Starts the dataset's <paramref name="run"/>th run and waits for its completion event.</summary>
    private static async Task<DatasetStatus> RunAsync(IDatasetGrain grain, PipelineFlow.EventLog events, RunSettings settings, int run)
    {
        await grain.RunAsync(settings);
        await events.CompletedAtLeastAsync(run).WaitAsync(PipelineFlow.Patience);
        return await grain.GetStatusAsync();
    }

    private static ByteArrayContent Png(byte[] content)
    {
        var body = new ByteArrayContent(content);
        body.Headers.ContentType = new MediaTypeHeaderValue("image/png");
        return body;
    }
}
