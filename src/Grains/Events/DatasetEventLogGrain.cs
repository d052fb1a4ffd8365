using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using SamMpa.Grains.Datasets;
using SamMpa.Storage;

namespace SamMpa.Grains.Events;

/// <summary>
/// A dataset's event log (key: the dataset id): each event a blob under <see cref="DatasetBlobLayout.EventsPrefix"/>,
/// written once, named by its position and a hash of its event id. The index (position and hash of each event) is
/// rebuilt from one listing when the grain activates; event bodies are read only when someone reads them. Appends come
/// one at a time (the grain is not reentrant); reads interleave and wait for the next append when they are ahead.
/// </summary>
internal sealed class DatasetEventLogGrain(IBlobStore blobs, ILogger<DatasetEventLogGrain> logger) : Grain, IDatasetEventLog, IDatasetEventLogWriter
{
    /// <summary>The blob names in log order.</summary>
    private readonly List<string> _names = [];

    /// <summary>The position of each event, by the hash of its id.</summary>
    private readonly Dictionary<string, int> _positions = new(StringComparer.Ordinal);

    /// <summary>Completed (and replaced) at each append: what a read that is ahead of the log waits on.</summary>
    private TaskCompletionSource _appended = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private string Id => this.GetPrimaryKeyString();

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        ResourceId.Validate(Id, "dataset");
        await LoadIndexAsync(cancellationToken);
    }

    public async Task AppendAsync(CompletionEvent completion)
    {
        ArgumentNullException.ThrowIfNull(completion);
        if (completion.Dataset != Id)
        {
            throw new ArgumentException($"The event {completion.EventId} belongs to dataset '{completion.Dataset}', not to '{Id}'.", nameof(completion));
        }

        var key = KeyOf(completion.EventId);
        if (_positions.ContainsKey(key))
        {
            return;
        }

        var body = CompletionEventJson.Serialize(completion);
        var name = DatasetBlobLayout.Event(Id, _names.Count, key);
        if (!await blobs.TryCreateAsync(name, body, CancellationToken.None))
        {
            // Another activation of this log wrote there (a silo declared dead while still running): take its index.
            logger.LogWarning("Event log of {Dataset}: {Blob} exists already; reloading the index", Id, name);
            await LoadIndexAsync(CancellationToken.None);
            await AppendAsync(completion);
            return;
        }

        _positions[key] = _names.Count;
        _names.Add(name);
        var appended = _appended;
        _appended = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        appended.SetResult();
    }

    public async Task<EventPage> ReadAsync(string? afterEventId, int max, TimeSpan wait)
    {
        await GrainFactory.GetGrain<IDatasetGrain>(Id).RequireViewerAsync();
        if (max < 1 || max > IDatasetEventLog.MaxPage)
        {
            throw new ArgumentOutOfRangeException(nameof(max), $"Event log of '{Id}': read 1..{IDatasetEventLog.MaxPage} events at a time, not {max}.");
        }

        int start;
        if (afterEventId is null)
        {
            start = 0;
        }
        else if (_positions.TryGetValue(KeyOf(afterEventId), out var after))
        {
            start = after + 1;
        }
        else
        {
            return new EventPage { UnknownAfter = true, Count = _names.Count };
        }

        if (start == _names.Count && wait > TimeSpan.Zero)
        {
            var limit = wait < IDatasetEventLog.MaxWait ? wait : IDatasetEventLog.MaxWait;
            await Task.WhenAny(_appended.Task, Task.Delay(limit));
        }

        var names = _names.Skip(start).Take(max).ToList();
        var events = await Task.WhenAll(names.Select(ReadEventAsync));
        return new EventPage { Events = events, Count = _names.Count };
    }

    private async Task<CompletionEvent> ReadEventAsync(string name)
    {
        var body = await blobs.ReadAsync(name, CancellationToken.None)
            ?? throw new InvalidOperationException($"Event log of '{Id}': {name} is listed but could not be read.");
        return CompletionEventJson.Deserialize(body, name);
    }

    private async Task LoadIndexAsync(CancellationToken cancellationToken)
    {
        _names.Clear();
        _positions.Clear();
        var prefix = DatasetBlobLayout.EventsPrefix(Id);
        await foreach (var name in blobs.ListAsync(prefix, cancellationToken))
        {
            var file = name[prefix.Length..];
            var dash = file.IndexOf('-', StringComparison.Ordinal);
            if (dash < 0 || !int.TryParse(file.AsSpan(0, dash), NumberStyles.None, CultureInfo.InvariantCulture, out var position)
                || position != _names.Count || !file.EndsWith(".json", StringComparison.Ordinal))
            {
                throw new InvalidDataException($"Event log of '{Id}': {name} is not the event at position {_names.Count} (names are {{position:D9}}-{{key}}.json, with no gap).");
            }

            _positions[file[(dash + 1)..^".json".Length]] = position;
            _names.Add(name);
        }
    }

    /// <summary>The first 64 bits of SHA-256 of the event id, hex: fixed-length, valid in a blob name, whatever the id holds.</summary>
    private static string KeyOf(string eventId) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(eventId)).AsSpan(0, 8));
}
