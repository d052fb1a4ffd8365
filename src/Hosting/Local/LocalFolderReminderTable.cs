using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Orleans;
using Orleans.Runtime;

namespace SamMpa.Hosting.Local;

/// <summary>
/// The reminder table as one JSON file, <c>{root}/reminders.json</c> (the development default), so a development silo
/// keeps its reminders across restarts. Every call reads the file; every change rewrites it whole
/// (<see cref="AtomicFile"/>), under a lock shared by all tables on the same file in this process.
/// </summary>
/// <remarks>
/// Semantics follow Orleans' own tables: <see cref="UpsertRow(ReminderEntry)"/> inserts or replaces unconditionally and
/// returns a new ETag; <see cref="RemoveRow(GrainId, string, string)"/> removes only when the ETag matches and reports
/// whether it did; <see cref="ReadRows(uint, uint)"/> returns the rows whose <see cref="GrainId.GetUniformHashCode"/> lies
/// in (begin, end], wrapping past <see cref="uint.MaxValue"/> when begin &gt;= end (begin == end is the whole ring).
/// Grain ids are stored as <see cref="GrainId.ToString"/> and read back with <see cref="GrainId.Parse(string)"/>, as
/// Orleans' persistent reminder tables do. Separate processes writing the same file are not coordinated.
/// </remarks>
public sealed class LocalFolderReminderTable : IReminderTable
{
    public const string FileName = "reminders.json";

    private const int FormatVersion = 1;

    private static readonly ConcurrentDictionary<string, SemaphoreSlim> Gates = new(StringComparer.Ordinal);

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    private readonly SemaphoreSlim _gate;
    private readonly ILogger<LocalFolderReminderTable> _logger;

    public LocalFolderReminderTable(string rootFolder, ILogger<LocalFolderReminderTable> logger)
    {
        ArgumentException.ThrowIfNullOrEmpty(rootFolder);
        ArgumentNullException.ThrowIfNull(logger);
        FilePath = Path.Combine(Path.GetFullPath(rootFolder), FileName);
        _gate = Gates.GetOrAdd(FilePath, _ => new SemaphoreSlim(1, 1));
        _logger = logger;
    }

    /// <summary>Full path of the table's file.</summary>
    public string FilePath { get; }

    public Task Init() => StartAsync(CancellationToken.None);

    /// <summary>Reads the file once, so a damaged table stops the silo at start rather than at the first reminder.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var count = await UnderLockAsync(rows => (rows.Count, false), cancellationToken);
        if (_logger.IsEnabled(LogLevel.Information))
        {
            _logger.LogInformation("Reminder table {Path} holds {Count} reminders", FilePath, count);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task<ReminderTableData> ReadRows(GrainId grainId) => ReadRows(grainId, CancellationToken.None);

    public Task<ReminderTableData> ReadRows(GrainId grainId, CancellationToken cancellationToken) =>
        UnderLockAsync(rows => (new ReminderTableData(rows.Values.Where(row => row.Grain == grainId).Select(ToEntry)), false), cancellationToken);

    public Task<ReminderTableData> ReadRows(uint begin, uint end) => ReadRows(begin, end, CancellationToken.None);

    public Task<ReminderTableData> ReadRows(uint begin, uint end, CancellationToken cancellationToken) =>
        UnderLockAsync(rows => (new ReminderTableData(rows.Values.Where(row => InRange(row.Grain.GetUniformHashCode(), begin, end)).Select(ToEntry)), false), cancellationToken);

    public Task<ReminderEntry?> ReadRow(GrainId grainId, string reminderName) => ReadRow(grainId, reminderName, CancellationToken.None);

    public Task<ReminderEntry?> ReadRow(GrainId grainId, string reminderName, CancellationToken cancellationToken) =>
        UnderLockAsync(rows => (rows.TryGetValue((grainId, reminderName), out var row) ? ToEntry(row) : null, false), cancellationToken);

    public Task<string?> UpsertRow(ReminderEntry entry) => UpsertRow(entry, CancellationToken.None);

    public Task<string?> UpsertRow(ReminderEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentException.ThrowIfNullOrEmpty(entry.ReminderName, nameof(entry));
        if (entry.GrainId.IsDefault)
        {
            throw new ArgumentException("The reminder's grain id is the default (empty) id.", nameof(entry));
        }

        var row = new Row(entry.GrainId, entry.ReminderName, entry.StartAt, entry.Period, Guid.NewGuid().ToString("N"));
        return UnderLockAsync(
            rows =>
            {
                rows[(row.Grain, row.Name)] = row;
                return ((string?)row.ETag, true);
            },
            cancellationToken);
    }

    public Task<bool> RemoveRow(GrainId grainId, string reminderName, string eTag) => RemoveRow(grainId, reminderName, eTag, CancellationToken.None);

    public Task<bool> RemoveRow(GrainId grainId, string reminderName, string eTag, CancellationToken cancellationToken) =>
        UnderLockAsync(
            rows =>
            {
                var key = (grainId, reminderName);
                if (!rows.TryGetValue(key, out var row) || !string.Equals(row.ETag, eTag, StringComparison.Ordinal))
                {
                    return (false, false);
                }

                rows.Remove(key);
                return (true, true);
            },
            cancellationToken);

    public Task TestOnlyClearTable() => TestOnlyClearTable(CancellationToken.None);

    public Task TestOnlyClearTable(CancellationToken cancellationToken) =>
        UnderLockAsync(
            rows =>
            {
                rows.Clear();
                return (0, true);
            },
            cancellationToken);

    /// <summary>The ring range (begin, end] of Orleans' reminder and membership ranges; begin &gt;= end wraps.</summary>
    internal static bool InRange(uint hash, uint begin, uint end) => begin < end ? hash > begin && hash <= end : hash > begin || hash <= end;

    private static ReminderEntry ToEntry(Row row) => new()
    {
        GrainId = row.Grain,
        ReminderName = row.Name,
        StartAt = row.StartAt,
        Period = row.Period,
        ETag = row.ETag,
    };

    /// <summary>Runs <paramref name="action"/> on the current rows and saves them when it reports a change.</summary>
    private async Task<TResult> UnderLockAsync<TResult>(Func<Dictionary<(GrainId, string), Row>, (TResult Result, bool Changed)> action, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var rows = await LoadAsync(cancellationToken);
            var (result, changed) = action(rows);
            if (changed)
            {
                await SaveAsync(rows, cancellationToken);
            }

            return result;
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<Dictionary<(GrainId, string), Row>> LoadAsync(CancellationToken cancellationToken)
    {
        var rows = new Dictionary<(GrainId, string), Row>();
        TableFile? file;
        try
        {
            await using var stream = new FileStream(FilePath, FileMode.Open, FileAccess.Read, FileShare.Read, 4096, FileOptions.Asynchronous);
            file = await JsonSerializer.DeserializeAsync<TableFile>(stream, JsonOptions, cancellationToken);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return rows;
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"The reminder table '{FilePath}' is not valid JSON: {e.Message}", e);
        }

        if (file is null || file.Version != FormatVersion || file.Reminders is null)
        {
            throw new InvalidDataException($"The reminder table '{FilePath}' is not a version {FormatVersion} reminder table.");
        }

        foreach (var stored in file.Reminders)
        {
            if (!GrainId.TryParse(stored.GrainId, out var grain) || string.IsNullOrEmpty(stored.Name) || string.IsNullOrEmpty(stored.ETag))
            {
                throw new InvalidDataException($"The reminder table '{FilePath}' has an incomplete row (grain '{stored.GrainId}', reminder '{stored.Name}').");
            }

            rows[(grain, stored.Name)] = new Row(grain, stored.Name, stored.StartAt, stored.Period, stored.ETag);
        }

        return rows;
    }

    private Task SaveAsync(Dictionary<(GrainId, string), Row> rows, CancellationToken cancellationToken)
    {
        var reminders = rows.Values
            .Select(row => new StoredReminder(row.Grain.ToString(), row.Name, row.StartAt, row.Period, row.ETag))
            .OrderBy(stored => stored.GrainId, StringComparer.Ordinal)
            .ThenBy(stored => stored.Name, StringComparer.Ordinal)
            .ToList();
        var content = JsonSerializer.SerializeToUtf8Bytes(new TableFile(FormatVersion, reminders), JsonOptions);
        return AtomicFile.WriteAsync(FilePath, content, cancellationToken);
    }

    private sealed record Row(GrainId Grain, string Name, DateTime StartAt, TimeSpan Period, string ETag);

    // The file's shape: {"version":1,"reminders":[{"grainId":"type/key","name":...,"startAt":...,"period":"hh:mm:ss","eTag":...}]}
    private sealed record TableFile(int Version, List<StoredReminder>? Reminders);

    private sealed record StoredReminder(string GrainId, string Name, DateTime StartAt, TimeSpan Period, string ETag);
}
