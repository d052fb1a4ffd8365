namespace SamMpa.Grains.Webhooks;

/// <summary>One attempt to deliver one event, as the delivery log keeps it.</summary>
[GenerateSerializer]
[Alias("sammpa.WebhookDelivery")]
public sealed record WebhookDelivery
{
    [Id(0)]
    public required string EventId { get; init; }

    /// <summary>1 for the first try of this event, 2 for its first retry, ...</summary>
    [Id(1)]
    public int Attempt { get; init; }

    /// <summary>UTC time the attempt started.</summary>
    [Id(2)]
    public DateTimeOffset At { get; init; }

    /// <summary>The receiver's HTTP status; null when no answer came (<see cref="Error"/> says why).</summary>
    [Id(3)]
    public int? StatusCode { get; init; }

    /// <summary>Null for a 2xx answer; otherwise what went wrong (a status, a timeout, a refused connection).</summary>
    [Id(4)]
    public string? Error { get; init; }

    [Id(5)]
    public double DurationMilliseconds { get; init; }

    [Id(6)]
    public WebhookDeliveryOutcome Outcome { get; init; }
}

/// <summary>What became of one attempt.</summary>
public enum WebhookDeliveryOutcome
{
    /// <summary>The receiver answered 2xx.</summary>
    Delivered = 0,

    /// <summary>It failed and will be tried again after a backoff.</summary>
    WillRetry = 1,

    /// <summary>It failed and was the last attempt (too many, or the event too old): the event is dropped.</summary>
    GaveUp = 2,
}
