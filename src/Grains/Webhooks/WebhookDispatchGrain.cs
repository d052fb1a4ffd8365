using Microsoft.Extensions.Logging;
using Orleans.Streams;
using Orleans.Streams.Core;
using SamMpa.Grains.Datasets;
using SamMpa.Grains.Events;
using SamMpa.Grains.Security;

namespace SamMpa.Grains.Webhooks;

/// <summary>
/// The webhook side of a dataset's completion stream (an implicit subscription, so no event is missed for want of a
/// subscriber; key: the dataset id). Each event is queued, durably, for every subscription of the dataset and of its
/// owner before the stream is answered, so an event the stream delivers again (at-least-once) is dropped by each
/// subscription by its EventId rather than lost.
/// </summary>
[ImplicitStreamSubscription(Constants.CompletionStreamNamespace)]
internal sealed class WebhookDispatchGrain(ILogger<WebhookDispatchGrain> logger) : Grain, IWebhookDispatchGrain, IStreamSubscriptionObserver
{
    /// <summary>The dataset's owner, once known (it never changes once the dataset exists).</summary>
    private string? _owner;

    private string Dataset => this.GetPrimaryKeyString();

    public async Task OnSubscribed(IStreamSubscriptionHandleFactory handleFactory)
    {
        ArgumentNullException.ThrowIfNull(handleFactory);
        await handleFactory.Create<CompletionEvent>().ResumeAsync((completion, _) => DispatchAsync(completion));
    }

    private async Task DispatchAsync(CompletionEvent completion)
    {
        // The silo's own work from here: whoever's call published the event, its principal does not decide where it goes.
        RequestContext.Remove(CallerContext.Principal);
        RequestContext.Remove(CallerContext.Admin);

        var targets = new List<string>(await GrainFactory.GetGrain<IDatasetWebhookTargets>(Dataset).SubscriptionIdsAsync());
        if (await OwnerAsync() is { } owner)
        {
            targets.AddRange(await GrainFactory.GetGrain<IOwnerWebhookTargets>(owner).SubscriptionIdsAsync());
        }

        if (targets.Count == 0)
        {
            return;
        }

        var delivery = WebhookPayload.Of(completion);
        await Task.WhenAll(targets.Distinct(StringComparer.Ordinal).Select(id => GrainFactory.GetGrain<IWebhookSubscriptionGrain>(id).EnqueueAsync(delivery)));
        logger.LogDebug("Dataset {Dataset}: event {EventId} queued for {Count} webhooks", Dataset, completion.EventId, targets.Count);
    }

    private async Task<string?> OwnerAsync()
    {
        if (_owner is null)
        {
            var access = await GrainFactory.GetGrain<IDatasetGrain>(Dataset).RequireRoleAsync(DatasetRole.Viewer);
            _owner = access.Owner;
        }

        return _owner;
    }
}
