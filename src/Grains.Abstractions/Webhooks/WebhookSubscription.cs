namespace SamMpa.Grains.Webhooks;

/// <summary>One webhook subscription as listed: never its secret.</summary>
[GenerateSerializer]
[Alias("sammpa.WebhookSubscription")]
public sealed record WebhookSubscription
{
    [Id(0)]
    public required string Id { get; init; }

    /// <summary>Where each event is POSTed.</summary>
    [Id(1)]
    public required string Url { get; init; }

    [Id(2)]
    public WebhookScope Scope { get; init; }

    /// <summary>The dataset id (<see cref="WebhookScope.Dataset"/>) or the owner's principal (<see cref="WebhookScope.Owner"/>).</summary>
    [Id(3)]
    public required string Target { get; init; }

    [Id(4)]
    public DateTimeOffset Created { get; init; }

    /// <summary>Events waiting to be delivered (the first of them possibly between retries).</summary>
    [Id(5)]
    public int Pending { get; init; }

    /// <summary>Events delivered (a 2xx answer) since the subscription was made.</summary>
    [Id(6)]
    public long Delivered { get; init; }

    /// <summary>Events given up on after the last retry.</summary>
    [Id(7)]
    public long GivenUp { get; init; }
}
