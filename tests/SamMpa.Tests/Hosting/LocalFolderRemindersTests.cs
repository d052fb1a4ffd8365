using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Orleans;
using Orleans.Runtime;
using SamMpa.Hosting.Local;

namespace SamMpa.Tests.Hosting;

public sealed class LocalFolderRemindersTests : IDisposable
{
    private static readonly DateTime Start = new(2025, 3, 4, 5, 6, 7, DateTimeKind.Utc);

    private readonly string _root = Directory.CreateTempSubdirectory("sammpa-reminders-").FullName;
    private readonly LocalFolderReminderTable _table;

    public LocalFolderRemindersTests()
    {
        _table = NewTable();
    }

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private LocalFolderReminderTable NewTable() => new(_root, NullLogger<LocalFolderReminderTable>.Instance);

    private static GrainId Grain(string key) => GrainId.Create("sammpa-test", key);

    private static ReminderEntry Entry(GrainId grain, string name, int minutes = 5) => new()
    {
        GrainId = grain,
        ReminderName = name,
        StartAt = Start,
        Period = TimeSpan.FromMinutes(minutes),
    };

    [Fact]
    public async Task An_upserted_row_reads_back_with_its_etag()
    {
        var grain = Grain("dataset/ct-liver ü");
        var eTag = await _table.UpsertRow(Entry(grain, "sammpa.job", 7));

        var row = await _table.ReadRow(grain, "sammpa.job");

        Assert.NotNull(row);
        Assert.False(string.IsNullOrEmpty(eTag));
        Assert.Equal(eTag, row.ETag);
        Assert.Equal(grain, row.GrainId);
        Assert.Equal("sammpa.job", row.ReminderName);
        Assert.Equal(Start, row.StartAt);
        Assert.Equal(DateTimeKind.Utc, row.StartAt.Kind);
        Assert.Equal(TimeSpan.FromMinutes(7), row.Period);
    }

    [Fact]
    public async Task A_missing_row_reads_as_null()
    {
        await _table.UpsertRow(Entry(Grain("a"), "one"));

        Assert.Null(await _table.ReadRow(Grain("a"), "two"));
        Assert.Null(await _table.ReadRow(Grain("b"), "one"));
        Assert.Empty((await _table.ReadRows(Grain("b"))).Reminders);
    }

    [Fact]
    public async Task Upserting_again_replaces_the_row_with_a_new_etag()
    {
        var grain = Grain("a");
        var first = await _table.UpsertRow(Entry(grain, "job", 5));

        var second = await _table.UpsertRow(Entry(grain, "job", 9));

        Assert.NotEqual(first, second);
        var row = Assert.Single((await _table.ReadRows(grain)).Reminders);
        Assert.Equal(second, row.ETag);
        Assert.Equal(TimeSpan.FromMinutes(9), row.Period);
    }

    [Fact]
    public async Task Remove_needs_the_current_etag()
    {
        var grain = Grain("a");
        var first = await _table.UpsertRow(Entry(grain, "job"));
        var current = await _table.UpsertRow(Entry(grain, "job"));

        Assert.False(await _table.RemoveRow(grain, "job", first!));
        Assert.NotNull(await _table.ReadRow(grain, "job"));

        Assert.True(await _table.RemoveRow(grain, "job", current!));
        Assert.Null(await _table.ReadRow(grain, "job"));
        Assert.False(await _table.RemoveRow(grain, "job", current!));
    }

    [Fact]
    public async Task Rows_of_a_grain_are_all_its_reminders_and_only_those()
    {
        await _table.UpsertRow(Entry(Grain("a"), "one"));
        await _table.UpsertRow(Entry(Grain("a"), "two"));
        await _table.UpsertRow(Entry(Grain("b"), "one"));

        var rows = (await _table.ReadRows(Grain("a"))).Reminders;

        Assert.Equal(["one", "two"], rows.Select(row => row.ReminderName).Order(StringComparer.Ordinal));
        Assert.All(rows, row => Assert.Equal(Grain("a"), row.GrainId));
    }

    [Fact]
    public async Task Hash_ranges_exclude_begin_include_end_and_wrap_when_begin_is_not_below_end()
    {
        var grains = Enumerable.Range(0, 50).Select(i => Grain($"dataset-{i}")).OrderBy(grain => grain.GetUniformHashCode()).ToList();
        var hashes = grains.Select(grain => grain.GetUniformHashCode()).ToList();
        Assert.Equal(hashes.Count, hashes.Distinct().Count());
        Assert.DoesNotContain(0u, hashes);
        foreach (var grain in grains)
        {
            await _table.UpsertRow(Entry(grain, "job"));
        }

        async Task<List<uint>> HashesIn(uint begin, uint end) =>
            [.. (await _table.ReadRows(begin, end)).Reminders.Select(row => row.GrainId.GetUniformHashCode()).Order()];

        // (h10, h20]: the row at h10 is out, the row at h20 is in.
        Assert.Equal(hashes[11..21], await HashesIn(hashes[10], hashes[20]));
        Assert.Equal(hashes[10..20], await HashesIn(hashes[10] - 1, hashes[20] - 1));

        // (h40, h5] wraps past uint.MaxValue.
        Assert.Equal([.. hashes[..6], .. hashes[41..]], await HashesIn(hashes[40], hashes[5]));
        Assert.Equal(hashes[..4], await HashesIn(uint.MaxValue, hashes[3]));

        // begin == end is the whole ring; (0, max] is everything but hash 0.
        Assert.Equal(hashes, await HashesIn(hashes[7], hashes[7]));
        Assert.Equal(hashes, await HashesIn(0, uint.MaxValue));
        Assert.Equal([hashes[8]], await HashesIn(hashes[7], hashes[8]));
    }

    [Fact]
    public async Task Ranges_that_partition_the_ring_return_every_row_exactly_once()
    {
        var grains = Enumerable.Range(0, 60).Select(i => Grain($"image-{i}")).ToList();
        foreach (var grain in grains)
        {
            await _table.UpsertRow(Entry(grain, "job"));
        }

        uint[] bounds = [0x0F00_0000, 0x4000_0000, 0x8000_0000, 0xC000_0000, 0xF000_0000];
        var seen = new List<GrainId>();
        for (var i = 0; i < bounds.Length; i++)
        {
            // The last range, (0xF0000000, 0x0F000000], wraps.
            var rows = await _table.ReadRows(bounds[i], bounds[(i + 1) % bounds.Length]);
            seen.AddRange(rows.Reminders.Select(row => row.GrainId));
        }

        Assert.Equal(grains.Order(), seen.Order());
    }

    [Fact]
    public async Task Rows_survive_a_new_table_on_the_same_folder()
    {
        var grain = Grain("dataset/ct-liver");
        var eTag = await _table.UpsertRow(Entry(grain, "sammpa.job"));

        var restarted = NewTable();
        await restarted.StartAsync(CancellationToken.None);
        var row = await restarted.ReadRow(grain, "sammpa.job");

        Assert.NotNull(row);
        Assert.Equal(eTag, row.ETag);
        Assert.Equal(Start, row.StartAt);
        Assert.True(await restarted.RemoveRow(grain, "sammpa.job", eTag!));
    }

    [Fact]
    public async Task The_table_is_one_readable_json_file()
    {
        await _table.UpsertRow(Entry(Grain("b"), "job"));
        await _table.UpsertRow(Entry(Grain("a"), "job"));

        var path = Path.Combine(_root, LocalFolderReminderTable.FileName);
        Assert.Equal(path, _table.FilePath);
        Assert.Equal([path], Directory.GetFiles(_root, "*", SearchOption.AllDirectories));
        using var json = JsonDocument.Parse(await File.ReadAllBytesAsync(path));
        var grains = json.RootElement.GetProperty("reminders").EnumerateArray().Select(row => row.GetProperty("grainId").GetString()).ToList();
        Assert.Equal(["sammpa-test/a", "sammpa-test/b"], grains);
    }

    [Fact]
    public async Task A_torn_temporary_file_beside_the_table_changes_nothing()
    {
        var grain = Grain("a");
        await _table.UpsertRow(Entry(grain, "job"));
        var whole = await File.ReadAllBytesAsync(_table.FilePath);
        await File.WriteAllBytesAsync($"{_table.FilePath}~{Guid.NewGuid():N}.tmp", whole.AsMemory(0, whole.Length / 2).ToArray());

        var restarted = NewTable();
        await restarted.StartAsync(CancellationToken.None);

        Assert.NotNull(await restarted.ReadRow(grain, "job"));
        await restarted.UpsertRow(Entry(grain, "other"));
        Assert.Equal(2, (await restarted.ReadRows(grain)).Reminders.Count);
    }

    [Fact]
    public async Task A_damaged_table_stops_the_start_instead_of_losing_reminders()
    {
        await File.WriteAllTextAsync(Path.Combine(_root, LocalFolderReminderTable.FileName), "{\"version\":1,\"reminders\":[{\"grainId\":");

        await Assert.ThrowsAsync<InvalidDataException>(() => NewTable().StartAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Clearing_the_table_removes_every_row()
    {
        await _table.UpsertRow(Entry(Grain("a"), "job"));
        await _table.UpsertRow(Entry(Grain("b"), "job"));

        await _table.TestOnlyClearTable();

        Assert.Empty((await _table.ReadRows(0, 0)).Reminders);
        Assert.Empty((await NewTable().ReadRows(0, 0)).Reminders);
    }

    [Fact]
    public async Task Concurrent_upserts_all_land()
    {
        var grains = Enumerable.Range(0, 30).Select(i => Grain($"dataset-{i}")).ToList();

        // Two tables on one file stand for two providers in one process; they share the file's lock.
        var other = NewTable();
        await Task.WhenAll(grains.Select((grain, i) => Task.Run(() => (i % 2 == 0 ? _table : other).UpsertRow(Entry(grain, "job")))));

        Assert.Equal(grains.Order(), (await _table.ReadRows(0, 0)).Reminders.Select(row => row.GrainId).Order());
    }
}
