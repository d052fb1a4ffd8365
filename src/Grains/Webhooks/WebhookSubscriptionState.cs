namespace SamMpa.Grains.Webhooks;

/// <summary>
/// What one subscription persists: where and how to deliver, the queue of events not delivered yet (in order), the ids of
/// recent events (repeats are dropped by them), counters and the bounded delivery log.
/// </summary>
[GenerateSerializer]
[Alias("sammpa.WebhookSubscriptionState")]
public sealed class WebhookSubscriptionState
{
    /// <summary>True once opened and until closed; a closed subscription ignores events.</summary>
    [Id(0)]
    public bool Open { get; set; }

    [Id(1)]
    public WebhookScope Scope { get; set; }

    [Id(2)]
    public string Target { get; set; } = string.Empty;

    [Id(3)]
    public string Url { get; set; } = string.Empty;

    /// <summary>The signing secret (whsec_ + base64): the receiver holds it too, so it is kept as it is, not hashed.</summary>
    [Id(4)]
    public string Secret { get; set; } = string.Empty;

    [Id(5)]
    public DateTimeOffset Created { get; set; }

    [Id(6)]
    public List<QueuedWebhookEvent> Queue { get; set; } = [];

    /// <summary>Ids of the newest events queued (Webhooks:DeduplicationWindow of them), oldest first.</summary>
    [Id(7)]
    public List<string> Seen { get; set; } = [];

    /// <summary>The newest attempts (Webhooks:DeliveryLogSize of them), oldest first.</summary>
    [Id(8)]
    public List<WebhookDelivery> Log { get; set; } = [];

    [Id(9)]
    public long Delivered { get; set; }

    [Id(10)]
    public long GivenUp { get; set; }
}

/// <summary>One event waiting in a subscription's queue.</summary>
[GenerateSerializer]
[Alias("sammpa.QueuedWebhookEvent")]
public sealed class QueuedWebhookEvent
{
    [Id(0)]
    public WebhookEvent Event { get; set; } = null!;

    [Id(1)]
    public DateTimeOffset Queued { get; set; }

    /// <summary>Attempts made so far.</summary>
    [Id(2)]
    public int Attempts { get; set; }

    /// <summary>Not to be tried before this (UTC): the backoff after a failed attempt.</summary>
    [Id(3)]
    public DateTimeOffset NextAttempt { get; set; }
}
