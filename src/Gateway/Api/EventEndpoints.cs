using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.Mvc;
using SamMpa.Grains.Events;
using SamMpa.Grains.Security;

namespace SamMpa.Gateway.Api;

/// <summary>
/// A dataset's completion events as Server-Sent Events, read from the dataset's event log: each event's <c>id:</c> is its
/// EventId, so a client that reconnects with <c>Last-Event-ID</c> (browsers do it themselves) goes on after the last event
/// it saw, without a gap or a repeat. The stream stays open across runs until the client leaves.
/// </summary>
internal static class EventEndpoints
{
    private const int PageSize = 100;

    /// <summary>How long one read of the log waits for a new event before it asks again.</summary>
    private static readonly TimeSpan PollWait = TimeSpan.FromSeconds(15);

    public static RouteGroupBuilder MapEventEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/datasets/{id}/events", StreamAsync)
            .WithTags("Events")
            .WithName("StreamEvents")
            .WithSummary("The dataset's completion events (supports_selected, image_segmented, dataset_completed) as Server-Sent Events, from the first or after Last-Event-ID")
            .Produces<string>(StatusCodes.Status200OK, contentType: "text/event-stream")
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status404NotFound);
        return api;
    }

    private static async Task<IResult> StreamAsync(
        string id,
        [FromHeader(Name = "Last-Event-ID")] string? lastEventId,
        [FromQuery(Name = "after")] string? after,
        IClusterClient cluster,
        CancellationToken cancellationToken)
    {
        var dataset = new GatewayDataset(cluster, id);
        await dataset.RequireAsync(DatasetRole.Viewer);
        var log = cluster.GetGrain<IDatasetEventLog>(dataset.Id);

        // The header wins: it is what a reconnecting browser sends; "after" serves clients that cannot set headers.
        var resumeAfter = string.IsNullOrEmpty(lastEventId) ? (string.IsNullOrEmpty(after) ? null : after) : lastEventId;
        var first = await log.ReadAsync(resumeAfter, PageSize, TimeSpan.Zero);
        if (first.UnknownAfter)
        {
            throw new ArgumentException($"Dataset '{dataset.Id}' has no event '{resumeAfter}' to resume after (Last-Event-ID or after=); connect without it to read from the first event.");
        }

        return TypedResults.ServerSentEvents(EventsAsync(log, resumeAfter, first, cancellationToken));
    }

    private static async IAsyncEnumerable<SseItem<string>> EventsAsync(
        IDatasetEventLog log, string? after, EventPage page, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            foreach (var completion in page.Events)
            {
                yield return new SseItem<string>(CompletionEventJson.SerializeToString(completion), CompletionEventJson.TypeOf(completion)) { EventId = completion.EventId };
                after = completion.EventId;
            }

            page = await log.ReadAsync(after, PageSize, PollWait);
        }
    }
}
