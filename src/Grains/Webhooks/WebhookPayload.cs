using SamMpa.Grains.Events;

namespace SamMpa.Grains.Webhooks;

/// <summary>The body of a delivery: the event's JSON as everywhere else (<see cref="CompletionEventJson"/>).</summary>
internal static class WebhookPayload
{
    public static WebhookEvent Of(CompletionEvent completion)
    {
        ArgumentNullException.ThrowIfNull(completion);
        return new WebhookEvent
        {
            EventId = completion.EventId,
            Type = CompletionEventJson.TypeOf(completion),
            Body = CompletionEventJson.SerializeToString(completion),
        };
    }
}
