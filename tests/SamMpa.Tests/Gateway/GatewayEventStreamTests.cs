using System.Net;
using System.Net.Http.Headers;
using System.Net.ServerSentEvents;
using SamMpa.Grains.Datasets;
using SamMpa.Grains.Events;
using SamMpa.Grains.Security;
using SamMpa.Tests.Cluster;
using SamMpa.Tests.Evaluation;

namespace SamMpa.Tests.Gateway;

/// <summary>
/// GET /api/v1/datasets/{id}/events: the dataset's completion events as Server-Sent Events from its event log, resumed
/// after Last-Event-ID without a gap or a repeat.
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class GatewayEventStreamTests(GatewayFixture gateway)
{
    /// <summary>Enough for more than the 10 events the first connection reads: 12 queries, so 14 events in all.</summary>
    private const int Images = 14;

    private const int EventsBeforeDrop = 10;

    [Fact]
    public async Task A_client_that_drops_after_10_events_and_resumes_with_last_event_id_has_every_event_exactly_once()
    {
        var key = await gateway.KeyForAsync("gw-events");
        var dataset = await PreparedDatasetAsync(viewer: "gw-events");
        using var http = gateway.Http(key);
        await gateway.Cluster.Client.GetGrain<IDatasetGrain>(dataset).RunAsync(new RunSettings());

        // First connection: 10 events (the run goes on meanwhile), then the client drops.
        List<SseItem<string>> beforeDrop;
        using (var patience = new CancellationTokenSource(PipelineFlow.Patience))
        {
            using var first = await OpenAsync(http, dataset, lastEventId: null, patience.Token);
            beforeDrop = await ReadAsync(first, until: (events, _) => events.Count == EventsBeforeDrop, patience.Token);
        }

        // Reconnection after the 10th event's id, read to the run's end.
        var resumedAfter = beforeDrop[^1].EventId;
        List<SseItem<string>> afterDrop;
        using (var patience = new CancellationTokenSource(PipelineFlow.Patience))
        {
            using var second = await OpenAsync(http, dataset, resumedAfter, patience.Token);
            afterDrop = await ReadAsync(second, until: (_, last) => last.EventType == CompletionEventJson.DatasetCompletedType, patience.Token);
        }

        var received = beforeDrop.Concat(afterDrop).ToList();
        var ids = received.Select(e => e.EventId).ToList();
        Assert.True(ids.Distinct().Count() == ids.Count, $"expected no event twice, got the ids {string.Join(", ", ids)}");
        Assert.True(received.Count(e => e.EventType == CompletionEventJson.SupportsSelectedType) == 1, "expected one supports_selected event");
        var segmented = received.Where(e => e.EventType == CompletionEventJson.ImageSegmentedType).ToList();
        Assert.True(segmented.Count == Images - PipelineFlow.K, $"expected an image_segmented event for each of the {Images - PipelineFlow.K} queries, got {segmented.Count}");
        Assert.Equal(CompletionEventJson.DatasetCompletedType, received[^1].EventType);

        // The same as reading the whole log again from its start: in order, nothing missing in between.
        using (var patience = new CancellationTokenSource(PipelineFlow.Patience))
        {
            using var whole = await OpenAsync(http, dataset, lastEventId: null, patience.Token);
            var all = await ReadAsync(whole, until: (events, _) => events.Count == received.Count, patience.Token);
            Assert.Equal(all.Select(e => e.EventId), ids);
        }

        // Each data is the event's JSON, naming its type, dataset and id.
        var parsed = CompletionEventJson.Deserialize(System.Text.Encoding.UTF8.GetBytes(segmented[0].Data), "the first image_segmented event");
        var image = Assert.IsType<ImageSegmented>(parsed);
        Assert.Equal((dataset, segmented[0].EventId), (image.Dataset, image.EventId));
        Assert.True(image.Outcome.FinalDice > 0, $"expected {image.Outcome.Image} to be scored against its ground truth, got {image.Outcome.FinalDice}");
    }

    [Fact]
    public async Task Resuming_after_an_id_the_log_does_not_hold_is_a_problem_naming_it()
    {
        var dataset = await gateway.SelectedDatasetAsync();
        using var http = gateway.Http(GatewayKeys.Admin);
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/datasets/{dataset}/events");
        request.Headers.Add("Last-Event-ID", "no-such-event");

        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("no-such-event", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_key_without_a_role_on_the_dataset_is_refused_its_events()
    {
        var dataset = await gateway.SelectedDatasetAsync();
        using var http = gateway.Http(await gateway.KeyForAsync("gw-events-stranger"));

        using var response = await http.GetAsync($"/api/v1/datasets/{dataset}/events", HttpCompletionOption.ResponseHeadersRead);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    /// <summary>A dataset of <see cref="Images"/> phantoms with its supports annotated, readable by <paramref name="viewer"/>.</summary>
    private async Task<string> PreparedDatasetAsync(string viewer)
    {
        var dataset = PipelineFlow.NewDatasetId();
        using (var phantoms = new PhantomDataset(Images))
        {
            await PipelineFlow.UploadAsync(gateway.Cluster.Blobs, dataset, phantoms, Images);
        }

        await PipelineFlow.PrepareAsync(gateway.Cluster.Client, gateway.Cluster.Blobs, dataset);
        await gateway.Cluster.Client.GetGrain<IDatasetGrain>(dataset).GrantAsync(viewer, DatasetRole.Viewer);
        return dataset;
    }

    private static async Task<HttpResponseMessage> OpenAsync(HttpClient http, string dataset, string? lastEventId, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/datasets/{dataset}/events");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        if (lastEventId is not null)
        {
            request.Headers.Add("Last-Event-ID", lastEventId);
        }

        var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            // Only then: the body of a stream that opened never ends.
            Assert.Fail($"expected the event stream of {dataset}, got {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(cancellationToken)}");
        }

        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        return response;
    }

    /// <summary>Reads events until <paramref name="until"/> holds for those read so far and the last one.</summary>
    private static async Task<List<SseItem<string>>> ReadAsync(
        HttpResponseMessage response, Func<List<SseItem<string>>, SseItem<string>, bool> until, CancellationToken cancellationToken)
    {
        var events = new List<SseItem<string>>();
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        await foreach (var item in SseParser.Create(body).EnumerateAsync(cancellationToken))
        {
            events.Add(item);
            if (until(events, item))
            {
                return events;
            }
        }

        Assert.Fail($"expected the event stream to stay open until the awaited event; it ended after {events.Count} events");
        return events;
    }
}
