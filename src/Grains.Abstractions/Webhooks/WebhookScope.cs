namespace SamMpa.Grains.Webhooks;

/// <summary>What a webhook subscription covers: one dataset, or every dataset of one owner.</summary>
public enum WebhookScope
{
    Dataset = 0,
    Owner = 1,
}
