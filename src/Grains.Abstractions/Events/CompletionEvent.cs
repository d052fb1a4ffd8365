using System.Text.Json.Serialization;

namespace SamMpa.Grains.Events;

/// <summary>
/// What the dataset's completion stream carries (namespace <c>sammpa.completions</c>, stream key = dataset id).
/// <see cref="EventId"/> is the same every time one fact is published again (after a retry or a resumed job),
/// so a subscriber drops repeats by it. In JSON (<see cref="CompletionEventJson"/>) a "type" field names the kind.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(SupportsSelected), CompletionEventJson.SupportsSelectedType)]
[JsonDerivedType(typeof(ImageSegmented), CompletionEventJson.ImageSegmentedType)]
[JsonDerivedType(typeof(DatasetCompleted), CompletionEventJson.DatasetCompletedType)]
[GenerateSerializer]
[Alias("sammpa.CompletionEvent")]
public abstract record CompletionEvent
{
    [Id(0)]
    public required string EventId { get; init; }

    [Id(1)]
    public required string Dataset { get; init; }

    /// <summary>UTC time the event was published.</summary>
    [Id(2)]
    public DateTimeOffset At { get; init; } = DateTimeOffset.UtcNow;
}
