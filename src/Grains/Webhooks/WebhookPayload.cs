using System.Text.Json;
using System.Text.Json.Serialization;
using SamMpa.Grains.Events;

namespace SamMpa.Grains.Webhooks;

/// <summary>
/// The JSON body of a delivery: the event as <c>sammpa watch</c> prints it (snake_case, its "type" first, then
/// event_id, dataset, at and the event's own fields).
/// </summary>
internal static class WebhookPayload
{
    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    public static WebhookEvent Of(CompletionEvent completion)
    {
        ArgumentNullException.ThrowIfNull(completion);
        var type = TypeOf(completion);
        var fields = JsonSerializer.SerializeToElement(completion, completion.GetType(), Json);
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("type", type);
            foreach (var field in fields.EnumerateObject())
            {
                field.WriteTo(writer);
            }

            writer.WriteEndObject();
        }

        return new WebhookEvent { EventId = completion.EventId, Type = type, Body = System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length) };
    }

    /// <summary>supports_selected, image_segmented, dataset_completed.</summary>
    public static string TypeOf(CompletionEvent completion) => JsonNamingPolicy.SnakeCaseLower.ConvertName(completion.GetType().Name);
}
