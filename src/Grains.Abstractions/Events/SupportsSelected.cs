namespace SamMpa.Grains.Events;

/// <summary>Supports chosen; annotations for them are expected next.</summary>
[GenerateSerializer]
[Alias("sammpa.SupportsSelected")]
public sealed record SupportsSelected : CompletionEvent
{
    [Id(0)]
    public IReadOnlyList<string> Supports { get; init; } = [];
}
