using Orleans.Concurrency;

namespace SamMpa.Grains.Webhooks;

/// <summary>
/// The silo's side of <see cref="IDatasetWebhooksGrain"/> (the same grain): which subscriptions an event of the dataset
/// goes to. Internal to the cluster: clients are refused it.
/// </summary>
[Alias("sammpa.IDatasetWebhookTargets")]
public interface IDatasetWebhookTargets : IGrainWithStringKey
{
    [Alias("SubscriptionIds")]
    [AlwaysInterleave]
    Task<IReadOnlyList<string>> SubscriptionIdsAsync();
}

/// <summary>The silo's side of <see cref="IOwnerWebhooksGrain"/> (the same grain). Internal to the cluster.</summary>
[Alias("sammpa.IOwnerWebhookTargets")]
public interface IOwnerWebhookTargets : IGrainWithStringKey
{
    [Alias("SubscriptionIds")]
    [AlwaysInterleave]
    Task<IReadOnlyList<string>> SubscriptionIdsAsync();
}
