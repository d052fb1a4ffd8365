namespace SamMpa.Grains.Events;

/// <summary>
/// A dataset's completion events in the order they were published, each once, kept (key: the dataset id). What a
/// consumer that was away reads to catch up: events after the last one it saw, by <see cref="CompletionEvent.EventId"/>.
/// Reading needs the viewer role on the dataset.
/// </summary>
[Alias("sammpa.IDatasetEventLog")]
public interface IDatasetEventLog : IGrainWithStringKey
{
    /// <summary>Most events one read returns.</summary>
    public const int MaxPage = 500;

    /// <summary>Longest a read waits for an event when there is none yet (under the call's response timeout).</summary>
    public static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(20);

    /// <summary>
    /// Up to <paramref name="max"/> events after the one with id <paramref name="afterEventId"/> (null: from the first);
    /// when none is there yet, waits up to <paramref name="wait"/> for one. Interleaves: a waiting read holds nothing up.
    /// </summary>
    [Alias("Read")]
    [Orleans.Concurrency.AlwaysInterleave]
    Task<EventPage> ReadAsync(string? afterEventId, int max, TimeSpan wait);
}

/// <summary>Events of a dataset's log in order; <see cref="UnknownAfter"/> when the id to read after is not in the log.</summary>
[GenerateSerializer]
[Alias("sammpa.EventPage")]
public sealed record EventPage
{
    [Id(0)]
    public IReadOnlyList<CompletionEvent> Events { get; init; } = [];

    [Id(1)]
    public bool UnknownAfter { get; init; }

    /// <summary>How many events the log holds.</summary>
    [Id(2)]
    public int Count { get; init; }
}
