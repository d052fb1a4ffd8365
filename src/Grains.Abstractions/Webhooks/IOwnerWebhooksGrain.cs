namespace SamMpa.Grains.Webhooks;

/// <summary>
/// The webhook subscriptions of one principal that cover every dataset it owns, present and future (key: the
/// principal). Only that principal, or an admin key, may call it.
/// </summary>
[Alias("sammpa.IOwnerWebhooksGrain")]
public interface IOwnerWebhooksGrain : IGrainWithStringKey
{
    /// <summary>POSTs every later completion event of the owner's datasets to <paramref name="url"/>; the answer holds the secret, once.</summary>
    [Alias("Subscribe")]
    Task<CreatedWebhook> SubscribeAsync(string url);

    [Alias("List")]
    Task<IReadOnlyList<WebhookSubscription>> ListAsync();

    /// <summary>Ends the subscription <paramref name="subscription"/>; its queue is dropped. Throws when it is not one of this owner's.</summary>
    [Alias("Unsubscribe")]
    Task UnsubscribeAsync(string subscription);

    /// <summary>The delivery log of <paramref name="subscription"/>, newest last.</summary>
    [Alias("GetDeliveries")]
    Task<IReadOnlyList<WebhookDelivery>> GetDeliveriesAsync(string subscription);
}
