namespace SamMpa.Grains.Webhooks;

/// <summary>
/// A completion event as webhooks deliver it: its <see cref="EventId"/> (the <c>webhook-id</c> header, the same when one
/// fact is published again) and the JSON body, made once per event and POSTed as is to every subscription.
/// </summary>
[GenerateSerializer]
[Alias("sammpa.WebhookEvent")]
public sealed record WebhookEvent
{
    [Id(0)]
    public required string EventId { get; init; }

    /// <summary>The event's type (supports_selected, image_segmented, dataset_completed).</summary>
    [Id(1)]
    public required string Type { get; init; }

    /// <summary>UTF-8 JSON.</summary>
    [Id(2)]
    public required string Body { get; init; }
}
