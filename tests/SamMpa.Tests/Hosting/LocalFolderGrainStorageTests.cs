using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Orleans;
using Orleans.Runtime;
using Orleans.Serialization;
using Orleans.Storage;
using SamMpa.Grains.Datasets;
using SamMpa.Hosting.Local;

namespace SamMpa.Tests.Hosting;

[GenerateSerializer]
public sealed record StorageTestState
{
    [Id(0)]
    public string Name { get; init; } = string.Empty;

    [Id(1)]
    public int Count { get; init; }

    [Id(2)]
    public IReadOnlyList<string> Items { get; init; } = [];
}

public sealed class LocalFolderGrainStorageTests : IDisposable
{
    private const string StateName = "state";

    private readonly string _root = Directory.CreateTempSubdirectory("sammpa-grainstate-").FullName;
    private readonly ServiceProvider _services = new ServiceCollection().AddSerializer().BuildServiceProvider();
    private readonly LocalFolderGrainStorage _storage;

    public LocalFolderGrainStorageTests()
    {
        _storage = NewStorage();
    }

    public void Dispose()
    {
        _services.Dispose();
        Directory.Delete(_root, recursive: true);
    }

    private LocalFolderGrainStorage NewStorage() =>
        new("sammpa", _root, _services.GetRequiredService<Serializer>(), NullLogger<LocalFolderGrainStorage>.Instance);

    private static GrainId Grain(string key) => GrainId.Create("sammpa-test", key);

    private static StorageTestState Sample(int count) => new() { Name = $"sample {count}", Count = count, Items = ["a", $"b{count}"] };

    private async Task<GrainState<StorageTestState>> ReadAsync(GrainId grain, string stateName = StateName)
    {
        var state = new GrainState<StorageTestState>(new StorageTestState());
        await _storage.ReadStateAsync(stateName, grain, state);
        return state;
    }

    private async Task<GrainState<StorageTestState>> WriteNewAsync(GrainId grain, StorageTestState value, string stateName = StateName)
    {
        var state = new GrainState<StorageTestState>(value);
        await _storage.WriteStateAsync(stateName, grain, state);
        return state;
    }

    [Fact]
    public async Task A_written_state_reads_back_with_its_etag()
    {
        var grain = Grain("dataset-1");
        var written = await WriteNewAsync(grain, Sample(3));

        Assert.True(written.RecordExists);
        Assert.False(string.IsNullOrEmpty(written.ETag));

        // A new storage instance stands for a restarted silo.
        var read = new GrainState<StorageTestState>(new StorageTestState());
        await NewStorage().ReadStateAsync(StateName, grain, read);

        Assert.True(read.RecordExists);
        Assert.Equal(written.ETag, read.ETag);
        Assert.Equal("sample 3", read.State!.Name);
        Assert.Equal(3, read.State!.Count);
        Assert.Equal(["a", "b3"], read.State!.Items);
    }

    [Fact]
    public async Task A_grain_without_state_reads_as_no_record()
    {
        var fresh = new StorageTestState { Name = "fresh" };
        var state = new GrainState<StorageTestState>(fresh);

        await _storage.ReadStateAsync(StateName, Grain("nobody"), state);

        Assert.False(state.RecordExists);
        Assert.Null(state.ETag);
        Assert.Same(fresh, state.State);
    }

    [Fact]
    public async Task Each_write_stores_a_new_etag_and_the_previous_one_conflicts()
    {
        var grain = Grain("dataset-1");
        var state = await WriteNewAsync(grain, Sample(1));
        var first = state.ETag;

        state.State = Sample(2);
        await _storage.WriteStateAsync(StateName, grain, state);

        Assert.NotEqual(first, state.ETag);
        var stale = new GrainState<StorageTestState>(Sample(9), first);
        var conflict = await Assert.ThrowsAsync<InconsistentStateException>(() => _storage.WriteStateAsync(StateName, grain, stale));
        Assert.Equal(state.ETag, conflict.StoredEtag);
        Assert.Equal(first, conflict.CurrentEtag);
        Assert.Equal(2, (await ReadAsync(grain)).State!.Count);
    }

    [Fact]
    public async Task Writing_without_an_etag_over_an_existing_record_conflicts()
    {
        var grain = Grain("dataset-1");
        await WriteNewAsync(grain, Sample(1));

        await Assert.ThrowsAsync<InconsistentStateException>(() => WriteNewAsync(grain, Sample(2)));

        Assert.Equal(1, (await ReadAsync(grain)).State!.Count);
    }

    [Fact]
    public async Task Writing_with_an_etag_when_there_is_no_record_conflicts()
    {
        var grain = Grain("dataset-1");
        var state = new GrainState<StorageTestState>(Sample(1), "not-stored");

        await Assert.ThrowsAsync<InconsistentStateException>(() => _storage.WriteStateAsync(StateName, grain, state));

        Assert.False(File.Exists(_storage.PathOf(StateName, grain)));
    }

    [Fact]
    public async Task Clear_deletes_the_file_and_the_grain_can_start_over()
    {
        var grain = Grain("dataset-1");
        var state = await WriteNewAsync(grain, Sample(1));

        await _storage.ClearStateAsync(StateName, grain, state);

        Assert.False(state.RecordExists);
        Assert.Null(state.ETag);
        Assert.False(File.Exists(_storage.PathOf(StateName, grain)));
        Assert.False((await ReadAsync(grain)).RecordExists);

        state.State = Sample(2);
        await _storage.WriteStateAsync(StateName, grain, state);
        Assert.Equal(2, (await ReadAsync(grain)).State!.Count);
    }

    [Fact]
    public async Task Clear_with_a_stale_etag_conflicts_and_keeps_the_state()
    {
        var grain = Grain("dataset-1");
        var state = await WriteNewAsync(grain, Sample(1));
        var stale = new GrainState<StorageTestState>(state.State, state.ETag);
        state.State = Sample(2);
        await _storage.WriteStateAsync(StateName, grain, state);

        await Assert.ThrowsAsync<InconsistentStateException>(() => _storage.ClearStateAsync(StateName, grain, stale));

        Assert.Equal(2, (await ReadAsync(grain)).State!.Count);
    }

    [Fact]
    public async Task Clearing_a_grain_that_has_no_record_is_allowed()
    {
        var state = new GrainState<StorageTestState>(Sample(1));

        await _storage.ClearStateAsync(StateName, Grain("nobody"), state);

        Assert.False(state.RecordExists);
    }

    [Theory]
    [InlineData("liver/case-01")]
    [InlineData("../../escape")]
    [InlineData("..")]
    [InlineData(".hidden.")]
    [InlineData("a\\b:c*d?e|f<g>h\"i")]
    [InlineData("con")]
    [InlineData("Leber – Fall ü/肝臓 🫀")]
    [InlineData("with space and %41 percent")]
    public async Task Any_grain_id_maps_to_a_file_inside_the_root_that_names_it(string key)
    {
        var grain = Grain(key);
        await WriteNewAsync(grain, Sample(1));

        var path = _storage.PathOf(StateName, grain);
        var folder = Path.Combine(_root, LocalFolderGrainStorage.FolderName, StateName);
        Assert.Equal(folder, Path.GetDirectoryName(path));
        Assert.Equal([path], Directory.GetFiles(_root, "*", SearchOption.AllDirectories));
        var name = Path.GetFileNameWithoutExtension(path);
        Assert.Matches("^([a-z0-9._-]|%[0-9A-F]{2})+$", name);
        Assert.DoesNotMatch(@"^\.|\.$", name);
        Assert.Equal(grain.ToString(), Uri.UnescapeDataString(name));
        Assert.Equal(1, (await ReadAsync(grain)).State!.Count);
    }

    [Theory]
    [InlineData("..")]
    [InlineData("../..")]
    [InlineData("/etc")]
    [InlineData("nul")]
    [InlineData("COM1")]
    public async Task A_hostile_state_name_stays_inside_the_root(string stateName)
    {
        var grain = Grain("dataset-1");
        await WriteNewAsync(grain, Sample(1), stateName);

        var path = _storage.PathOf(stateName, grain);
        Assert.StartsWith(Path.Combine(_root, LocalFolderGrainStorage.FolderName) + Path.DirectorySeparatorChar, path, StringComparison.Ordinal);
        var folderName = Path.GetFileName(Path.GetDirectoryName(path))!;
        Assert.NotEqual(stateName, folderName, StringComparer.OrdinalIgnoreCase);
        Assert.Equal(stateName, Uri.UnescapeDataString(folderName));
        Assert.Equal(1, (await ReadAsync(grain, stateName)).State!.Count);
    }

    [Fact]
    public async Task Ids_that_differ_only_in_case_get_different_files()
    {
        await WriteNewAsync(Grain("Liver"), Sample(1));
        await WriteNewAsync(Grain("liver"), Sample(2));

        var names = Directory.GetFiles(_root, "*", SearchOption.AllDirectories).Select(Path.GetFileName).ToList();
        Assert.Equal(2, names.Distinct(StringComparer.OrdinalIgnoreCase).Count());
        Assert.Equal(1, (await ReadAsync(Grain("Liver"))).State!.Count);
        Assert.Equal(2, (await ReadAsync(Grain("liver"))).State!.Count);
    }

    [Fact]
    public async Task Very_long_ids_get_short_distinct_file_names()
    {
        var stem = string.Concat(Enumerable.Repeat("ü/x", 200));
        var first = Grain(stem + "1");
        var second = Grain(stem + "2");
        await WriteNewAsync(first, Sample(1));
        await WriteNewAsync(second, Sample(2));

        var firstName = Path.GetFileName(_storage.PathOf(StateName, first));
        var secondName = Path.GetFileName(_storage.PathOf(StateName, second));
        Assert.NotEqual(firstName, secondName);
        Assert.True(firstName.Length <= 255, firstName);
        Assert.Contains('~', firstName);
        Assert.Equal(1, (await ReadAsync(first)).State!.Count);
        Assert.Equal(2, (await ReadAsync(second)).State!.Count);
    }

    [Fact]
    public async Task A_torn_temporary_file_beside_the_state_changes_nothing()
    {
        var grain = Grain("dataset-1");
        var state = await WriteNewAsync(grain, Sample(1));
        var path = _storage.PathOf(StateName, grain);

        // What a process killed in the middle of the next write leaves behind: half a file under a temporary name.
        var whole = await File.ReadAllBytesAsync(path);
        var torn = $"{path}~{Guid.NewGuid():N}.tmp";
        await File.WriteAllBytesAsync(torn, whole.AsMemory(0, whole.Length / 2).ToArray());

        var read = await ReadAsync(grain);
        Assert.Equal(1, read.State!.Count);
        Assert.Equal(state.ETag, read.ETag);

        state.State = Sample(2);
        await _storage.WriteStateAsync(StateName, grain, state);
        Assert.Equal(2, (await ReadAsync(grain)).State!.Count);
        Assert.False((await ReadAsync(Grain("dataset-2"))).RecordExists);
    }

    [Fact]
    public async Task A_truncated_state_file_is_reported_not_misread()
    {
        var grain = Grain("dataset-1");
        await WriteNewAsync(grain, Sample(1));
        var path = _storage.PathOf(StateName, grain);
        var whole = await File.ReadAllBytesAsync(path);
        await File.WriteAllBytesAsync(path, whole.AsMemory(0, whole.Length - 3).ToArray());

        var error = await Assert.ThrowsAsync<InvalidDataException>(() => ReadAsync(grain));
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_file_copied_to_another_grains_name_is_refused()
    {
        await WriteNewAsync(Grain("dataset-1"), Sample(1));
        File.Copy(_storage.PathOf(StateName, Grain("dataset-1")), _storage.PathOf(StateName, Grain("dataset-2")));

        await Assert.ThrowsAsync<InvalidDataException>(() => ReadAsync(Grain("dataset-2")));
    }

    [Fact]
    public async Task Writes_leave_no_temporary_files()
    {
        var grain = Grain("dataset-1");
        var state = await WriteNewAsync(grain, Sample(1));
        for (var i = 2; i <= 5; i++)
        {
            state.State = Sample(i);
            await _storage.WriteStateAsync(StateName, grain, state);
        }

        Assert.Equal([_storage.PathOf(StateName, grain)], Directory.GetFiles(_root, "*", SearchOption.AllDirectories));
    }

    [Fact]
    public async Task Concurrent_writes_of_different_grains_all_land()
    {
        var grains = Enumerable.Range(0, 40).Select(i => Grain($"dataset-{i}")).ToList();

        await Task.WhenAll(grains.Select((grain, i) => Task.Run(() => WriteNewAsync(grain, Sample(i)))));

        for (var i = 0; i < grains.Count; i++)
        {
            Assert.Equal(i, (await ReadAsync(grains[i])).State!.Count);
        }
    }

    [Fact]
    public async Task Concurrent_writes_with_the_same_etag_let_exactly_one_win()
    {
        var grain = Grain("dataset-1");
        var eTag = (await WriteNewAsync(grain, Sample(0))).ETag;

        var outcomes = await Task.WhenAll(Enumerable.Range(1, 12).Select(i => Task.Run(async () =>
        {
            try
            {
                await _storage.WriteStateAsync(StateName, grain, new GrainState<StorageTestState>(Sample(i), eTag));
                return i;
            }
            catch (InconsistentStateException)
            {
                return -1;
            }
        })));

        var winner = Assert.Single(outcomes, outcome => outcome > 0);
        Assert.Equal(winner, (await ReadAsync(grain)).State!.Count);
    }

    [Fact]
    public async Task The_projects_own_state_types_round_trip()
    {
        var grain = GrainId.Create("sammpa.dataset", "ct-liver");
        var status = new DatasetStatus
        {
            Dataset = "ct-liver",
            Phase = DatasetPhase.Running,
            Images = 12,
            Embedded = 12,
            Queries = 9,
            Segmented = 4,
            Supports = ["a", "b", "c"],
        };
        await _storage.WriteStateAsync(StateName, grain, new GrainState<DatasetStatus>(status));

        var read = new GrainState<DatasetStatus>(new DatasetStatus { Dataset = string.Empty });
        await _storage.ReadStateAsync(StateName, grain, read);

        Assert.Equal("ct-liver", read.State!.Dataset);
        Assert.Equal(DatasetPhase.Running, read.State!.Phase);
        Assert.Equal(4, read.State!.Segmented);
        Assert.Equal(["a", "b", "c"], read.State!.Supports);
    }
}
