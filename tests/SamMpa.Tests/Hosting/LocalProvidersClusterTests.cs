using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Orleans;
using Orleans.Runtime;
using Orleans.Storage;
using Orleans.TestingHost;
using SamMpa.Grains;
using SamMpa.Hosting.Local;

namespace SamMpa.Tests.Hosting;

public interface ILocalProvidersProbeGrain : IGrainWithStringKey
{
    Task SetAsync(string value);

    Task<string?> GetAsync();

    Task RegisterReminderAsync(string name);

    Task<bool> HasReminderAsync(string name);
}

[GenerateSerializer]
public sealed class ProbeState
{
    [Id(0)]
    public string? Value { get; set; }
}

public sealed class LocalProvidersProbeGrain(
    [PersistentState(LocalProvidersProbeGrain.StateName, Constants.StorageProviderName)] IPersistentState<ProbeState> state)
    : Grain, ILocalProvidersProbeGrain, IRemindable
{
    public const string StateName = "probe";

    public Task SetAsync(string value)
    {
        state.State.Value = value;
        return state.WriteStateAsync();
    }

    public Task<string?> GetAsync() => Task.FromResult(state.State.Value);

    // Due in an hour: the reminder is registered, never delivered, while the test runs.
    public Task RegisterReminderAsync(string name) => this.RegisterOrUpdateReminder(name, TimeSpan.FromHours(1), TimeSpan.FromHours(1));

    public async Task<bool> HasReminderAsync(string name) => await this.GetReminder(name) is not null;

    public Task ReceiveReminder(string reminderName, TickStatus status) => Task.CompletedTask;
}

/// <summary>
/// A silo on the local providers keeps grain state and reminders across a restart: the first cluster is stopped
/// and disposed, and a new one on the same folder finds what the first one wrote.
/// </summary>
public sealed class LocalProvidersClusterTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("sammpa-local-silo-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    /// <summary>Starts a one-silo cluster on the local providers over the test's folder, runs <paramref name="use"/> on it, then stops it.</summary>
    private async Task InClusterAsync(Func<InProcessTestCluster, Task> use)
    {
        var builder = new InProcessTestClusterBuilder(1);
        builder.Options.ConfigureFileLogging = false;
        builder.ConfigureSilo((_, silo) => silo
            .AddLocalFolderGrainStorage(Constants.StorageProviderName, _root)
            .UseLocalFolderReminderService(_root));
        var cluster = builder.Build();
        await cluster.DeployAsync();
        try
        {
            await use(cluster);
        }
        finally
        {
            await cluster.StopAllSilosAsync();
            await cluster.DisposeAsync();
        }
    }

    [Fact]
    public async Task The_silo_uses_the_local_providers()
    {
        await InClusterAsync(cluster =>
        {
            var services = Assert.Single(cluster.Silos).ServiceProvider;

            var storage = Assert.IsType<LocalFolderGrainStorage>(services.GetRequiredKeyedService<IGrainStorage>(Constants.StorageProviderName));
            Assert.Equal(Constants.StorageProviderName, storage.Name);
            Assert.Equal(Path.Combine(_root, LocalFolderGrainStorage.FolderName), storage.Folder);
            var table = Assert.IsType<LocalFolderReminderTable>(services.GetRequiredService<IReminderTable>());
            Assert.Equal(Path.Combine(_root, LocalFolderReminderTable.FileName), table.FilePath);

            return Task.CompletedTask;
        });
    }

    [Fact]
    public async Task Grain_state_survives_a_restart()
    {
        const string key = "ct-liver/case 01 ü";
        await InClusterAsync(first => first.Client.GetGrain<ILocalProvidersProbeGrain>(key).SetAsync("written before the restart"));

        var files = Directory.GetFiles(Path.Combine(_root, LocalFolderGrainStorage.FolderName), "*", SearchOption.AllDirectories);
        Assert.Single(files, file => Path.GetFileName(Path.GetDirectoryName(file)) == LocalProvidersProbeGrain.StateName);

        await InClusterAsync(async second =>
        {
            var grain = second.Client.GetGrain<ILocalProvidersProbeGrain>(key);
            Assert.Equal("written before the restart", await grain.GetAsync());

            // The restarted grain holds the stored ETag, so it can write again.
            await grain.SetAsync("written after the restart");
            Assert.Equal("written after the restart", await grain.GetAsync());
            Assert.Null(await second.Client.GetGrain<ILocalProvidersProbeGrain>("another").GetAsync());
        });
    }

    [Fact]
    public async Task A_reminder_survives_a_restart()
    {
        const string key = "ct-liver";
        await InClusterAsync(async first =>
        {
            var grain = first.Client.GetGrain<ILocalProvidersProbeGrain>(key);
            await grain.RegisterReminderAsync(Constants.JobReminderName);
            Assert.True(await grain.HasReminderAsync(Constants.JobReminderName));
        });

        using (var json = JsonDocument.Parse(await File.ReadAllBytesAsync(Path.Combine(_root, LocalFolderReminderTable.FileName))))
        {
            var row = Assert.Single(json.RootElement.GetProperty("reminders").EnumerateArray());
            Assert.Equal(Constants.JobReminderName, row.GetProperty("name").GetString());
            Assert.EndsWith("/" + key, row.GetProperty("grainId").GetString(), StringComparison.Ordinal);
        }

        await InClusterAsync(async second =>
        {
            var grain = second.Client.GetGrain<ILocalProvidersProbeGrain>(key);
            Assert.True(await grain.HasReminderAsync(Constants.JobReminderName));
            Assert.False(await grain.HasReminderAsync("never registered"));
            Assert.False(await second.Client.GetGrain<ILocalProvidersProbeGrain>("another").HasReminderAsync(Constants.JobReminderName));
        });
    }
}
