namespace SamMpa.Grains.Options;

/// <summary>How webhook deliveries go out and are retried (configuration section "Webhooks").</summary>
public sealed class WebhookOptions
{
    public const string Section = "Webhooks";

    /// <summary>Wait before the first retry of an event; each later retry waits twice the one before, up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan FirstRetryDelay { get; set; } = TimeSpan.FromSeconds(5);

    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Attempts of one event (the first try included) before it is given up and the next event goes.</summary>
    public int MaxAttempts { get; set; } = 12;

    /// <summary>An event still undelivered this long after it was queued is given up at its next failure.</summary>
    public TimeSpan MaxAge { get; set; } = TimeSpan.FromDays(3);

    /// <summary>How long one POST may take, connecting included, before it counts as failed.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Lets subscriptions use http:// URLs (loopback, tests); otherwise only https:// is taken.</summary>
    public bool AllowHttp { get; set; }

    /// <summary>
    /// Lets deliveries connect to loopback, private and link-local addresses (receivers inside the cluster's network,
    /// loopback in tests). Off: any owner chooses the URL, and the silos must not become its way into the network.
    /// </summary>
    public bool AllowPrivateNetworks { get; set; }

    /// <summary>Attempts the delivery log of a subscription keeps, the newest.</summary>
    public int DeliveryLogSize { get; set; } = 100;

    /// <summary>
    /// Event ids a subscription remembers to drop repeats by (the newest); a repeat older than these is delivered again.
    /// Repeats come from a resumed job (at most the outcomes since its last checkpoint) and the stream's redelivery, both
    /// recent; the ids are written with every state write, so more costs every event.
    /// </summary>
    public int DeduplicationWindow { get; set; } = 512;

    /// <summary>Subscriptions one dataset, or one owner, may have.</summary>
    public int MaxSubscriptions { get; set; } = 20;
}
