using System.Text.Json;
using System.Text.Json.Serialization;
using SamMpa.Grains.Events;

namespace SamMpa.Client.Console;

/// <summary>JSON of statuses and completion events as the client prints them (snake_case, event type first).</summary>
internal static class EventJson
{
    /// <summary>The options without the event converter (statuses).</summary>
    private static readonly JsonSerializerOptions Plain = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    public static JsonSerializerOptions Options { get; } = new(Plain) { Converters = { new CompletionEventConverter() } };

    /// <summary>Writes an event as it leaves the cluster everywhere (<see cref="CompletionEventJson"/>).</summary>
    private sealed class CompletionEventConverter : JsonConverter<CompletionEvent>
    {
        public override bool CanConvert(Type typeToConvert) => typeof(CompletionEvent).IsAssignableFrom(typeToConvert);

        public override CompletionEvent Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            throw new NotSupportedException("Events are only written.");

        public override void Write(Utf8JsonWriter writer, CompletionEvent value, JsonSerializerOptions options) =>
            writer.WriteRawValue(CompletionEventJson.Serialize(value), skipInputValidation: true);
    }
}
