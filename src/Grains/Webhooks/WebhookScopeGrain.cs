using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using SamMpa.Grains.Options;

namespace SamMpa.Grains.Webhooks;

/// <summary>
/// What the dataset's and the owner's webhooks grains share: a list of subscriptions, each its own
/// <see cref="IWebhookSubscriptionGrain"/>, made, listed, ended and asked for its log after <see cref="RequireCallerAsync"/>.
/// </summary>
internal abstract class WebhookScopeGrain(IPersistentState<WebhookScopeState> state, IOptions<WebhookOptions> options) : Grain
{
    protected string Key => this.GetPrimaryKeyString();

    protected abstract WebhookScope Scope { get; }

    /// <summary>"dataset 'cxr'" or "owner 'bob'", for messages.</summary>
    protected abstract string Described { get; }

    /// <summary>Throws unless the caller may manage this scope's webhooks.</summary>
    protected abstract Task RequireCallerAsync();

    public async Task<CreatedWebhook> SubscribeAsync(string url)
    {
        await RequireCallerAsync();
        var settings = options.Value;
        var checkedUrl = WebhookUrls.Require(url, settings.AllowHttp, $"A webhook of {Described}");
        if (state.State.Subscriptions.Count >= settings.MaxSubscriptions)
        {
            throw new InvalidOperationException(
                $"The webhooks of {Described} are {state.State.Subscriptions.Count}, the most allowed (Webhooks:MaxSubscriptions); delete one first.");
        }

        var id = $"wh-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8))}";
        var secret = WebhookSignature.NewSecret();
        var subscription = GrainFactory.GetGrain<IWebhookSubscriptionGrain>(id);
        // Opened before it is listed: a failure between the two leaves a subscription nothing sends to, never a listed one without a URL.
        await subscription.OpenAsync(Scope, Key, checkedUrl, secret);
        state.State.Subscriptions.Add(id);
        await state.WriteStateAsync();
        var info = await subscription.GetInfoAsync() ?? throw new InvalidOperationException($"Webhook '{id}' of {Described} was not opened.");
        return new CreatedWebhook { Subscription = info, Secret = secret };
    }

    public async Task<IReadOnlyList<WebhookSubscription>> ListAsync()
    {
        await RequireCallerAsync();
        var infos = await Task.WhenAll(state.State.Subscriptions.Select(id => GrainFactory.GetGrain<IWebhookSubscriptionGrain>(id).GetInfoAsync()));
        return infos.OfType<WebhookSubscription>().ToList();
    }

    public async Task UnsubscribeAsync(string subscription)
    {
        await RequireCallerAsync();
        var id = RequireListed(subscription);
        // Unlisted first: no event is queued for it after this write.
        state.State.Subscriptions.Remove(id);
        await state.WriteStateAsync();
        await GrainFactory.GetGrain<IWebhookSubscriptionGrain>(id).CloseAsync();
    }

    public async Task<IReadOnlyList<WebhookDelivery>> GetDeliveriesAsync(string subscription)
    {
        await RequireCallerAsync();
        return await GrainFactory.GetGrain<IWebhookSubscriptionGrain>(RequireListed(subscription)).GetDeliveriesAsync();
    }

    /// <summary>For the dispatcher (the silo's own call): where an event of this scope goes.</summary>
    public Task<IReadOnlyList<string>> SubscriptionIdsAsync() => Task.FromResult<IReadOnlyList<string>>(state.State.Subscriptions.ToList());

    private string RequireListed(string? subscription) =>
        subscription is not null && state.State.Subscriptions.Contains(subscription)
            ? subscription
            : throw new KeyNotFoundException(state.State.Subscriptions.Count == 0
                ? $"Webhook '{subscription}' is not one of {Described}, which has none."
                : $"Webhook '{subscription}' is not one of {Described}; its webhooks are {string.Join(", ", state.State.Subscriptions)}.");
}
