using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text;
using SamMpa.Client.Commands;
using SamMpa.Grains.Events;

namespace SamMpa.Client.Gateway;

/// <summary>
/// A dataset's completion events from the gateway's Server-Sent Events, from the first one in its log. A dropped
/// connection is opened again with Last-Event-ID (the last event's id), so the gateway goes on after it: no gap; an
/// event seen twice all the same (same EventId) is handed on once.
/// </summary>
internal static class GatewayEventStream
{
    /// <summary>Connections in a row that may drop or fail to open without an event before the stream gives up.</summary>
    public const int MaxReconnects = 5;

    private static readonly TimeSpan LongestBackoff = TimeSpan.FromSeconds(10);

    public static async IAsyncEnumerable<CompletionEvent> ReadAsync(
        GatewayClient gateway, string dataset, Action<string>? onReconnect, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(gateway);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        string? lastEventId = null;
        var failures = 0;
        while (true)
        {
            var (response, dropped) = await OpenAsync(gateway, dataset, lastEventId, cancellationToken);
            if (response is not null)
            {
                using (response)
                {
                    await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
                    await using var items = SseParser.Create(body).EnumerateAsync(cancellationToken).GetAsyncEnumerator(cancellationToken);
                    while (true)
                    {
                        SseItem<string> item;
                        try
                        {
                            if (!await items.MoveNextAsync())
                            {
                                break;
                            }

                            item = items.Current;
                        }
                        catch (Exception e) when (e is IOException or HttpRequestException && !cancellationToken.IsCancellationRequested)
                        {
                            dropped = e;
                            break;
                        }

                        var completion = CompletionEventJson.Deserialize(Encoding.UTF8.GetBytes(item.Data), $"event '{item.EventId}' of dataset '{dataset}' from {gateway.BaseAddress}");
                        lastEventId = string.IsNullOrEmpty(item.EventId) ? completion.EventId : item.EventId;
                        failures = 0;
                        if (seen.Add(completion.EventId))
                        {
                            yield return completion;
                        }
                    }
                }
            }

            failures++;
            var why = dropped?.Message ?? "the gateway closed the stream";
            if (failures > MaxReconnects)
            {
                throw new GatewayException(
                    $"The event stream of dataset '{dataset}' at {gateway.BaseAddress} dropped {MaxReconnects} times in a row without an event ({why}); run the command again to resume.",
                    ExitCodes.InvalidInput);
            }

            var backoff = TimeSpan.FromSeconds(Math.Min(LongestBackoff.TotalSeconds, Math.Pow(2, failures - 1)));
            onReconnect?.Invoke($"event stream of dataset '{dataset}' dropped ({why}); resuming {(lastEventId is null ? "from the first event" : $"after {lastEventId}")} in {backoff.TotalSeconds:F0} s");
            await Task.Delay(backoff, cancellationToken);
        }
    }

    /// <summary>The stream's answer, or why the gateway could not be reached this time (a refusal, 4xx or 5xx, is thrown as it is).</summary>
    private static async Task<(HttpResponseMessage? Response, Exception? Error)> OpenAsync(
        GatewayClient gateway, string dataset, string? lastEventId, CancellationToken cancellationToken)
    {
        try
        {
            return (await gateway.OpenEventsAsync(dataset, lastEventId, cancellationToken), null);
        }
        catch (GatewayException e) when (e.Status is null && lastEventId is not null)
        {
            // Resuming after a drop: the gateway may be restarting. The first connection's failure is reported as it is.
            return (null, e);
        }
    }
}
