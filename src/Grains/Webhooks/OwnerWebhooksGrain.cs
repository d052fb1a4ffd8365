using Microsoft.Extensions.Options;
using SamMpa.Grains.Options;
using SamMpa.Grains.Security;

namespace SamMpa.Grains.Webhooks;

/// <summary>
/// The webhook subscriptions that cover every dataset one principal owns (key: the principal); only that principal or an
/// admin key manages them.
/// </summary>
internal sealed class OwnerWebhooksGrain(
    [PersistentState("owner-webhooks", Constants.StorageProviderName)] IPersistentState<WebhookScopeState> state,
    IOptions<WebhookOptions> options)
    : WebhookScopeGrain(state, options), IOwnerWebhooksGrain, IOwnerWebhookTargets
{
    protected override WebhookScope Scope => WebhookScope.Owner;

    protected override string Described => $"owner '{Key}'";

    protected override Task RequireCallerAsync()
    {
        PrincipalNames.Require(Key, "The webhooks of an owner");
        // No principal: the silo's own call.
        if (CallerContext.Current is { Admin: false } caller && caller.Name != Key)
        {
            throw new AccessDeniedException(
                $"Principal '{caller.Name}' may not manage the webhooks of owner '{Key}': only that principal or an admin key may.", Key);
        }

        return Task.CompletedTask;
    }
}
