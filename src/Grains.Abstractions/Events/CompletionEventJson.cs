using System.Text.Json;
using System.Text.Json.Serialization;

namespace SamMpa.Grains.Events;

/// <summary>
/// The JSON form of a completion event, the same wherever it leaves the cluster (the event log's blobs, Server-Sent
/// Events, webhooks, <c>sammpa watch</c>): snake_case like report.json, a "type" field first, nulls left out.
/// </summary>
public static class CompletionEventJson
{
    public const string SupportsSelectedType = "supports_selected";
    public const string ImageSegmentedType = "image_segmented";
    public const string DatasetCompletedType = "dataset_completed";

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    public static byte[] Serialize(CompletionEvent completion) => JsonSerializer.SerializeToUtf8Bytes(completion, Json);

    /// <summary>The same JSON as text (an SSE data line, a webhook body).</summary>
    public static string SerializeToString(CompletionEvent completion) => JsonSerializer.Serialize(completion, Json);

    /// <summary>Reads an event written by <see cref="Serialize"/>; <paramref name="name"/> (a blob, say) names it in errors.</summary>
    public static CompletionEvent Deserialize(ReadOnlySpan<byte> json, string name)
    {
        try
        {
            return JsonSerializer.Deserialize<CompletionEvent>(json, Json) ?? throw new InvalidDataException($"{name} holds no event.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{name} is not a completion event: {e.Message}", e);
        }
    }

    /// <summary>The event's "type" value (an SSE event name).</summary>
    public static string TypeOf(CompletionEvent completion) => completion switch
    {
        SupportsSelected => SupportsSelectedType,
        ImageSegmented => ImageSegmentedType,
        DatasetCompleted => DatasetCompletedType,
        _ => throw new ArgumentOutOfRangeException(nameof(completion), $"{completion.GetType().Name} has no JSON type name."),
    };
}
