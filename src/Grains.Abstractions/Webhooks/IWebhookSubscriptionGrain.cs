using Orleans.Concurrency;

namespace SamMpa.Grains.Webhooks;

/// <summary>
/// One subscription (key: its id): keeps its URL and secret, a durable queue of events it delivers in order (each
/// event once per subscription, by <see cref="WebhookEvent.EventId"/>), retries with backoff, and a bounded delivery log.
/// Internal to the cluster: clients reach it through <see cref="IDatasetWebhooksGrain"/> or <see cref="IOwnerWebhooksGrain"/>.
/// </summary>
[Alias("sammpa.IWebhookSubscriptionGrain")]
public interface IWebhookSubscriptionGrain : IGrainWithStringKey
{
    /// <summary>Makes the subscription (once; the same call again changes nothing).</summary>
    [Alias("Open")]
    Task OpenAsync(WebhookScope scope, string target, string url, string secret);

    /// <summary>Ends it: the queue is dropped and later events are ignored.</summary>
    [Alias("Close")]
    Task CloseAsync();

    /// <summary>Queues <paramref name="completion"/> durably (returns once stored); an event id seen before is ignored.</summary>
    [Alias("Enqueue")]
    Task EnqueueAsync(WebhookEvent completion);

    [Alias("GetInfo")]
    [AlwaysInterleave]
    Task<WebhookSubscription?> GetInfoAsync();

    [Alias("GetDeliveries")]
    [AlwaysInterleave]
    Task<IReadOnlyList<WebhookDelivery>> GetDeliveriesAsync();
}
