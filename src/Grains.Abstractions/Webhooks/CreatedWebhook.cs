namespace SamMpa.Grains.Webhooks;

/// <summary>A subscription just made: its <see cref="Secret"/> (<c>whsec_</c> + base64) is shown this once.</summary>
[GenerateSerializer]
[Alias("sammpa.CreatedWebhook")]
public sealed record CreatedWebhook
{
    [Id(0)]
    public required WebhookSubscription Subscription { get; init; }

    [Id(1)]
    public required string Secret { get; init; }
}
