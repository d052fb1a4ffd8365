using Microsoft.Extensions.Options;
using SamMpa.Grains.Datasets;
using SamMpa.Grains.Options;
using SamMpa.Grains.Security;
using SamMpa.Storage;

namespace SamMpa.Grains.Webhooks;

/// <summary>The webhook subscriptions of one dataset (key: its id); managing them needs the owner role on the dataset.</summary>
internal sealed class DatasetWebhooksGrain(
    [PersistentState("dataset-webhooks", Constants.StorageProviderName)] IPersistentState<WebhookScopeState> state,
    IOptions<WebhookOptions> options)
    : WebhookScopeGrain(state, options), IDatasetWebhooksGrain, IDatasetWebhookTargets
{
    protected override WebhookScope Scope => WebhookScope.Dataset;

    protected override string Described => $"dataset '{Key}'";

    protected override async Task RequireCallerAsync()
    {
        ResourceId.Validate(Key, "dataset");
        // The caller's principal travels with this call: the dataset's grants decide.
        var access = await GrainFactory.GetGrain<IDatasetGrain>(Key).RequireRoleAsync(DatasetRole.Owner);
        if (!access.Exists)
        {
            throw new KeyNotFoundException($"Dataset '{Key}' does not exist; create it before subscribing to its events.");
        }
    }
}
