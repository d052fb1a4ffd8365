namespace SamMpa.Grains.Webhooks;

/// <summary>
/// Takes a dataset's completion events off its stream (an implicit subscription; key: the dataset id) and queues each
/// for the subscriptions of the dataset and of its owner. No methods: the stream is its only input.
/// </summary>
[Alias("sammpa.IWebhookDispatchGrain")]
public interface IWebhookDispatchGrain : IGrainWithStringKey
{
}
