namespace SamMpa.Grains.Webhooks;

/// <summary>
/// The webhook subscriptions of one dataset (key: the dataset id). Every call needs the owner role on the dataset, which
/// must exist.
/// </summary>
[Alias("sammpa.IDatasetWebhooksGrain")]
public interface IDatasetWebhooksGrain : IGrainWithStringKey
{
    /// <summary>POSTs every later completion event of this dataset to <paramref name="url"/>; the answer holds the secret, once.</summary>
    [Alias("Subscribe")]
    Task<CreatedWebhook> SubscribeAsync(string url);

    [Alias("List")]
    Task<IReadOnlyList<WebhookSubscription>> ListAsync();

    /// <summary>Ends the subscription <paramref name="subscription"/>; its queue is dropped. Throws when it is not one of this dataset's.</summary>
    [Alias("Unsubscribe")]
    Task UnsubscribeAsync(string subscription);

    /// <summary>The delivery log of <paramref name="subscription"/>, newest last.</summary>
    [Alias("GetDeliveries")]
    Task<IReadOnlyList<WebhookDelivery>> GetDeliveriesAsync(string subscription);
}
