using SamMpa.Grains.Webhooks;

namespace SamMpa.Gateway.Api;

/// <summary>Subscribes a URL to completion events (body of <c>POST .../webhooks</c>).</summary>
public sealed record WebhookRequest
{
    /// <summary>Where each event is POSTed: an absolute https URL (http only where the cluster allows it).</summary>
    public required string Url { get; init; }
}

/// <summary>One webhook subscription: where it delivers, what it covers, and how its deliveries stand. Never its secret.</summary>
public sealed record WebhookView(string Id, string Url, WebhookScope Scope, string Target, DateTimeOffset Created, int Pending, long Delivered, long GivenUp)
{
    public static WebhookView Of(WebhookSubscription subscription)
    {
        ArgumentNullException.ThrowIfNull(subscription);
        return new(subscription.Id, subscription.Url, subscription.Scope, subscription.Target, subscription.Created, subscription.Pending, subscription.Delivered, subscription.GivenUp);
    }
}

/// <summary>
/// A subscription just made. <see cref="Secret"/> (<c>whsec_</c> + base64) signs every delivery and is shown this once:
/// the receiver checks <c>webhook-signature</c> = <c>v1,</c> + base64 HMAC-SHA256 of <c>{webhook-id}.{webhook-timestamp}.{body}</c>.
/// </summary>
public sealed record WebhookCreated(WebhookView Webhook, string Secret);

/// <summary>One delivery attempt: the event, when, the receiver's status (or why there was none), how long, and what followed.</summary>
public sealed record WebhookDeliveryView(string EventId, int Attempt, DateTimeOffset At, int? StatusCode, string? Error, double DurationMilliseconds, WebhookDeliveryOutcome Outcome)
{
    public static WebhookDeliveryView Of(WebhookDelivery delivery)
    {
        ArgumentNullException.ThrowIfNull(delivery);
        return new(delivery.EventId, delivery.Attempt, delivery.At, delivery.StatusCode, delivery.Error, delivery.DurationMilliseconds, delivery.Outcome);
    }
}
