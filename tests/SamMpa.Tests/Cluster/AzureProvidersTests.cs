using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;
using Orleans.Runtime;
using Orleans.Streams;
using Orleans.TestingHost;
using SamMpa.Grains;
using SamMpa.Hosting;
using SamMpa.Tests.Infrastructure;

namespace SamMpa.Tests.Cluster;

/// <summary>
/// <see cref="AzureProviders"/> against Azurite. An <see cref="InProcessTestCluster"/> (one silo and a client) checks
/// grain state in blobs, a reminder in the reminders table and a stream carried over Azure queues from a grain to
/// the client; it keeps its own in-memory membership, which it registers after ours and which Orleans 10.4.2 offers
/// no public switch for (InProcessTestClusterOptions.UseTestClusterMembership is internal). So the Azure table
/// clustering is checked with a plain silo host and client host over TCP, which can only find each other through
/// the clustering table.
/// </summary>
public sealed class AzureProvidersTests(AzureProvidersTests.AzureCluster fixture) : IClassFixture<AzureProvidersTests.AzureCluster>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    [AzuriteFact]
    public async Task Grain_state_is_kept_in_the_grain_state_container()
    {
        var cluster = await fixture.ClusterAsync();
        var grain = cluster.Client.GetGrain<IAzureProbeGrain>("kept");

        await grain.SaveAsync("written to blob storage");
        await cluster.DeactivateAsync(grain);

        Assert.Equal("written to blob storage", await grain.LoadAsync());
        var container = new BlobContainerClient(Azurite.ConnectionString, fixture.Settings.GrainStateContainer);
        var blobs = new List<string>();
        await foreach (var blob in container.GetBlobsAsync())
        {
            blobs.Add(blob.Name);
        }

        Assert.Contains(blobs, name => name.Contains("kept", StringComparison.Ordinal));
    }

    [AzuriteFact]
    public async Task A_grain_publishes_on_the_queue_stream_and_the_client_receives_it()
    {
        var cluster = await fixture.ClusterAsync();
        var received = await SubscribeAsync(cluster.Client, "stream");

        await cluster.Client.GetGrain<IAzureProbeGrain>("stream").PublishAsync("hello over azure queues");

        Assert.Equal("hello over azure queues", await WithinPatience(received.Task, "the stream item"));
    }

    [AzuriteFact]
    public async Task A_reminder_is_kept_in_the_reminders_table_and_fires()
    {
        var cluster = await fixture.ClusterAsync();
        var received = await SubscribeAsync(cluster.Client, "reminder");

        await cluster.Client.GetGrain<IAzureProbeGrain>("reminder").RemindAsync(TimeSpan.FromSeconds(1));

        var table = new TableClient(Azurite.ConnectionString, fixture.Settings.RemindersTable);
        var reminders = new List<string?>();
        await foreach (var row in table.QueryAsync<TableEntity>())
        {
            reminders.Add(row.GetString("ReminderName"));
        }

        Assert.Contains(AzureProbeGrain.ReminderName, reminders);
        Assert.Equal($"reminder {AzureProbeGrain.ReminderName}", await WithinPatience(received.Task, "the reminder's tick"));
    }

    [AzuriteFact]
    public async Task A_client_finds_the_silo_through_the_clustering_table()
    {
        Azurite.ThrowIfExpectedButMissing();
        var settings = AzureCluster.SettingsOfOneRun();
        var clusterId = $"sammpa-test-{Guid.NewGuid():N}";
        var (siloPort, gatewayPort) = (FreePort(), FreePort());

        var siloBuilder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        siloBuilder.UseOrleans(silo => silo
            .UseSamMpaAzureProviders(settings)
            .ConfigureEndpoints(IPAddress.Loopback, siloPort, gatewayPort)
            .Configure<ClusterOptions>(options => (options.ClusterId, options.ServiceId) = (clusterId, clusterId)));
        using var siloHost = siloBuilder.Build();

        var clientBuilder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        clientBuilder.UseOrleansClient(client => client
            .UseSamMpaAzureProviders(settings)
            .Configure<ClusterOptions>(options => (options.ClusterId, options.ServiceId) = (clusterId, clusterId)));
        using var clientHost = clientBuilder.Build();

        try
        {
            await siloHost.StartAsync();
            await clientHost.StartAsync();

            var grain = clientHost.Services.GetRequiredService<IClusterClient>().GetGrain<IAzureProbeGrain>("clustering");
            await grain.SaveAsync("reached through the table");
            Assert.Equal("reached through the table", await grain.LoadAsync());

            var table = new TableClient(Azurite.ConnectionString, settings.ClusteringTable);
            var silos = new List<TableEntity>();
            await foreach (var row in table.QueryAsync<TableEntity>(row => row.PartitionKey == clusterId))
            {
                if (row.GetString("Status") is not null)
                {
                    silos.Add(row);
                }
            }

            var silo = Assert.Single(silos);
            Assert.Equal("Active", silo.GetString("Status"));
            Assert.Equal(gatewayPort.ToString(CultureInfo.InvariantCulture), silo["ProxyPort"].ToString());
        }
        finally
        {
            await clientHost.StopAsync();
            await siloHost.StopAsync();
            await AzureCluster.DeleteStorageAsync(settings);
        }
    }

    private static async Task<TaskCompletionSource<string>> SubscribeAsync(IClusterClient client, string key)
    {
        var received = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var stream = client.GetStreamProvider(Constants.StreamProviderName).GetStream<string>(AzureProbeGrain.StreamOf(key));
        await stream.SubscribeAsync((item, _) =>
        {
            received.TrySetResult(item);
            return Task.CompletedTask;
        });
        return received;
    }

    private static async Task<T> WithinPatience<T>(Task<T> task, string what)
    {
        try
        {
            return await task.WaitAsync(Patience);
        }
        catch (TimeoutException)
        {
            Assert.Fail($"The client did not receive {what} within {Patience.TotalSeconds:0} s.");
            throw;
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>
    /// The test cluster, deployed by the first test that asks for it (so nothing starts when the tests are skipped),
    /// with table, queue and container names of its own so runs do not see each other; all removed afterwards.
    /// </summary>
    public sealed class AzureCluster : IAsyncLifetime
    {
        private readonly Lazy<Task<InProcessTestCluster>> _cluster;

        public AzureCluster() => _cluster = new(DeployAsync);

        public AzureStorageSettings Settings { get; } = SettingsOfOneRun();

        public Task<InProcessTestCluster> ClusterAsync() => _cluster.Value;

        /// <summary>Settings with names no other run uses.</summary>
        public static AzureStorageSettings SettingsOfOneRun()
        {
            var run = Guid.NewGuid().ToString("N")[..12];
            return new AzureStorageSettings
            {
                ConnectionString = Azurite.ConnectionString,
                BlobContainer = $"sammpa-blobs-{run}",
                GrainStateContainer = $"sammpa-state-{run}",
                ClusteringTable = $"sammpaclustering{run}",
                RemindersTable = $"sammpareminders{run}",
                QueuePrefix = $"sammpa-{run}",
                QueueCount = 2,
            };
        }

        public static async Task DeleteStorageAsync(AzureStorageSettings settings)
        {
            var tables = new TableServiceClient(Azurite.ConnectionString);
            await tables.DeleteTableAsync(settings.ClusteringTable);
            await tables.DeleteTableAsync(settings.RemindersTable);
            var queues = new QueueServiceClient(Azurite.ConnectionString);
            foreach (var queue in settings.QueueNames())
            {
                await queues.GetQueueClient(queue).DeleteIfExistsAsync();
            }

            var blobs = new BlobServiceClient(Azurite.ConnectionString);
            await blobs.GetBlobContainerClient(settings.GrainStateContainer).DeleteIfExistsAsync();
            await blobs.GetBlobContainerClient(settings.BlobContainer).DeleteIfExistsAsync();
        }

        public Task InitializeAsync() => Task.CompletedTask;

        public async Task DisposeAsync()
        {
            if (!_cluster.IsValueCreated)
            {
                return;
            }

            try
            {
                // A cluster that failed to deploy has been disposed already (and its tests have failed).
                if (_cluster.Value.IsCompletedSuccessfully)
                {
                    var cluster = await _cluster.Value;
                    await cluster.StopAllSilosAsync();
                    await cluster.DisposeAsync();
                }
            }
            finally
            {
                await DeleteStorageAsync(Settings);
            }
        }

        private async Task<InProcessTestCluster> DeployAsync()
        {
            Azurite.ThrowIfExpectedButMissing();
            var builder = new InProcessTestClusterBuilder(1);
            builder.Options.ConfigureFileLogging = false;
            builder.ConfigureSilo((_, silo) => silo.UseSamMpaAzureProviders(Settings));
            builder.ConfigureClient(client => client.UseSamMpaAzureProviders(Settings));
            var cluster = builder.Build();
            try
            {
                await cluster.DeployAsync();
                return cluster;
            }
            catch
            {
                await cluster.DisposeAsync();
                throw;
            }
        }
    }
}

public interface IAzureProbeGrain : IGrainWithStringKey
{
    Task SaveAsync(string text);

    Task<string?> LoadAsync();

    Task PublishAsync(string text);

    Task RemindAsync(TimeSpan dueTime);
}

[GenerateSerializer]
public sealed class AzureProbeState
{
    [Id(0)]
    public string? Text { get; set; }
}

/// <summary>Writes its state to <see cref="Constants.StorageProviderName"/>, publishes on its own stream, and sets a reminder that publishes when it fires.</summary>
public sealed class AzureProbeGrain(
    [PersistentState("probe", Constants.StorageProviderName)] IPersistentState<AzureProbeState> state) : Grain, IAzureProbeGrain, IRemindable
{
    public const string ReminderName = "probe";

    public static StreamId StreamOf(string key) => StreamId.Create("sammpa.tests.azure-probe", key);

    public async Task SaveAsync(string text)
    {
        state.State.Text = text;
        await state.WriteStateAsync();
    }

    public Task<string?> LoadAsync() => Task.FromResult(state.State.Text);

    public Task PublishAsync(string text) => Stream().OnNextAsync(text);

    // The period is Orleans' minimum; the reminder is removed at its first tick.
    public Task RemindAsync(TimeSpan dueTime) => this.RegisterOrUpdateReminder(ReminderName, dueTime, TimeSpan.FromMinutes(1));

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (await this.GetReminder(reminderName) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }

        await Stream().OnNextAsync($"reminder {reminderName}");
    }

    private IAsyncStream<string> Stream() =>
        this.GetStreamProvider(Constants.StreamProviderName).GetStream<string>(StreamOf(this.GetPrimaryKeyString()));
}
