namespace SamMpa.Grains.Webhooks;

/// <summary>What a dataset's or an owner's webhooks grain persists: the ids of its subscriptions (each holds the rest).</summary>
[GenerateSerializer]
[Alias("sammpa.WebhookScopeState")]
public sealed class WebhookScopeState
{
    [Id(0)]
    public List<string> Subscriptions { get; set; } = [];
}
