using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using SamMpa.Grains;
using SamMpa.Hosting;
using SamMpa.Storage;
using SamMpa.Tests.Registration;
using SamMpa.Tests.Security;

namespace SamMpa.Tests.Cluster.Processes;

/// <summary>
/// A cluster of separate processes on this machine, as in production but small: its own Azurite, one gpu-role silo
/// and two cpu-role silos on the Azure providers (Table clustering, Blob grain state, Table reminders, Queue streams),
/// and a client in the test process. Each test builds its own (the faults it injects leave it changed).
/// </summary>
internal sealed class ProcessCluster : IAsyncDisposable
{
    private readonly string _folder;
    private IHost? _client;

    private ProcessCluster()
    {
        var clusterId = "proc-" + Guid.NewGuid().ToString("N")[..8];
        // Kept after the test (Azurite's data aside): the silos' logs are what explains a failure in CI.
        _folder = Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "process-clusters", clusterId)).FullName;
        Storage = new AzuriteProcess(_folder);
        var environment = new Dictionary<string, string>
        {
            ["Orleans__ClusterId"] = clusterId,
            ["Orleans__ServiceId"] = clusterId,
            ["Storage__Provider"] = StorageSettings.AzureProvider,
            ["Storage__Azure__ConnectionString"] = Storage.ConnectionString,
            // Quick failure detection, so a killed silo is declared dead in seconds rather than a minute.
            ["Orleans__Membership__ProbeTimeout"] = "00:00:02",
            ["Orleans__Membership__NumMissedProbesLimit"] = "2",
            ["Job__RetryDelay"] = "00:00:01",
            ["Job__CheckpointEvery"] = "5",
            ["Logging__Console__FormatterName"] = "simple",
            ["Logging__Console__FormatterOptions__TimestampFormat"] = "HH:mm:ss.fff ",
            ["Logging__Console__FormatterOptions__SingleLine"] = "true",
            ["DOTNET_gcServer"] = "0",
            // The faults are the point, not the pipeline: quick registration maps and no dense features (the runs are MP only).
            ["Registration__ParameterFiles__0"] = QuickRegistrationMaps.ParameterFiles[0],
            ["Registration__ParameterFiles__1"] = QuickRegistrationMaps.ParameterFiles[1],
            ["Models__DenseFeatures"] = "false",
            // The silos' bootstrap admin key, and the client's key (the silos ignore Orleans:AccessKey).
            ["Security__AdminKeys__0"] = TestAccessKeys.Admin,
            ["Orleans__AccessKey"] = TestAccessKeys.Admin,
        };
        Settings = environment.ToDictionary(e => e.Key.Replace("__", ":", StringComparison.Ordinal), e => (string?)e.Value);
        Silos =
        [
            new SiloProcess("gpu-1", SiloRoles.Gpu, _folder, environment),
            new SiloProcess("cpu-1", SiloRoles.Cpu, _folder, environment),
            new SiloProcess("cpu-2", SiloRoles.Cpu, _folder, environment),
        ];
        Blobs = BlobStores.Create(new StorageSettings { Provider = StorageSettings.AzureProvider, Azure = { ConnectionString = Storage.ConnectionString } });
    }

    public AzuriteProcess Storage { get; }

    public IReadOnlyList<SiloProcess> Silos { get; }

    public IReadOnlyDictionary<string, string?> Settings { get; }

    public IBlobStore Blobs { get; }

    public IClusterClient Client => _client?.Services.GetRequiredService<IClusterClient>()
        ?? throw new InvalidOperationException("The client is not connected: ConnectAsync first.");

    public SiloProcess this[string name] => Silos.Single(s => s.Name == name);

    /// <summary>Azurite, then the three silos one after the other (each ready before the next), then the client.</summary>
    public static async Task<ProcessCluster> StartAsync()
    {
        var cluster = new ProcessCluster();
        try
        {
            await cluster.Storage.StartAsync();
            foreach (var silo in cluster.Silos)
            {
                await silo.StartAsync();
            }

            await cluster.ConnectAsync();
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>A client like `sammpa`'s: the gateways from the membership table, the completion streams on the queues.</summary>
    public async Task ConnectAsync()
    {
        await DisconnectAsync();
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(Settings);
        builder.AddSamMpaClient();
        _client = builder.Build();
        await _client.StartAsync();
    }

    public async Task DisconnectAsync()
    {
        if (_client is { } client)
        {
            _client = null;
            await client.StopAsync();
            client.Dispose();
        }
    }

    /// <summary>Every silo's last log lines, for a failure message.</summary>
    public string Logs() => string.Join("\n", Silos.Select(s => $"==== {s.Name} ({s.Role})\n{s.LogTail()}"));

    public async ValueTask DisposeAsync()
    {
        try
        {
            await DisconnectAsync();
        }
        catch (Exception)
        {
            // A client whose silos are gone may fail to stop cleanly; the processes below are what matters.
        }

        foreach (var silo in Silos)
        {
            await silo.DisposeAsync();
        }

        await Storage.DisposeAsync();
        try
        {
            Directory.Delete(Storage.DataFolder, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
