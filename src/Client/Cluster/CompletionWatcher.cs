using System.Threading.Channels;
using Orleans.Streams;
using SamMpa.Grains;
using SamMpa.Grains.Events;

namespace SamMpa.Client.Cluster;

/// <summary>
/// Subscribes to a dataset's completion stream and hands each event on once: repeats (same event id, after a retry or
/// a resumed job) are dropped here.
/// </summary>
internal sealed class CompletionWatcher : IAsyncDisposable
{
    private readonly Channel<CompletionEvent> _events = Channel.CreateUnbounded<CompletionEvent>(new UnboundedChannelOptions { SingleReader = true });
    private readonly HashSet<string> _seen = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private StreamSubscriptionHandle<CompletionEvent>? _subscription;

    private CompletionWatcher()
    {
    }

    public ChannelReader<CompletionEvent> Events => _events.Reader;

    public int Duplicates { get; private set; }

    public static async Task<CompletionWatcher> SubscribeAsync(IClusterClient client, string dataset)
    {
        var watcher = new CompletionWatcher();
        var stream = client.GetStreamProvider(Constants.StreamProviderName)
            .GetStream<CompletionEvent>(StreamId.Create(Constants.CompletionStreamNamespace, dataset));
        watcher._subscription = await stream.SubscribeAsync((completion, _) =>
        {
            lock (watcher._gate)
            {
                if (!watcher._seen.Add(completion.EventId))
                {
                    watcher.Duplicates++;
                    return Task.CompletedTask;
                }
            }

            watcher._events.Writer.TryWrite(completion);
            return Task.CompletedTask;
        });
        return watcher;
    }

    public async ValueTask DisposeAsync()
    {
        _events.Writer.TryComplete();
        if (_subscription is not null)
        {
            try
            {
                await _subscription.UnsubscribeAsync();
            }
            catch (Exception e) when (e is TimeoutException or OrleansException)
            {
                // The subscription dies with the client anyway.
            }
        }
    }
}
