namespace SamMpa.Grains.Events;

/// <summary>
/// Appends to a dataset's event log (the same grain as <see cref="IDatasetEventLog"/>): the dataset grain calls it
/// before it publishes an event on the stream, so the log has every event a subscriber could have seen. Internal to the
/// cluster: clients are refused.
/// </summary>
[Alias("sammpa.IDatasetEventLogWriter")]
public interface IDatasetEventLogWriter : IGrainWithStringKey
{
    /// <summary>Appends the event unless one with its <see cref="CompletionEvent.EventId"/> is there already (a repeat).</summary>
    [Alias("Append")]
    Task AppendAsync(CompletionEvent completion);
}
