using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SamMpa.Hosting;
using SamMpa.Imaging.Registration;
using SamMpa.Storage;

namespace SamMpa.Client.Cluster;

/// <summary>The cluster a command talks to (a remote one, or a silo embedded in this process) and its blob store.</summary>
internal sealed class ClusterConnection : IAsyncDisposable
{
    private readonly IHost _host;

    private ClusterConnection(IHost host, IClusterClient client, IBlobStore blobs, bool embedded)
    {
        _host = host;
        Client = client;
        Blobs = blobs;
        Embedded = embedded;
    }

    public IClusterClient Client { get; }

    public IBlobStore Blobs { get; }

    public bool Embedded { get; }

    /// <summary>Connects to the cluster the settings name (Azure Table clustering), else to a silo on localhost.</summary>
    public static async Task<ClusterConnection> ConnectAsync(IConfiguration settings, ILoggerProvider logs, CancellationToken cancellationToken)
    {
        // A failed connection is reported once, as this command's error; Orleans' own retries need not be shown.
        var builder = CommandHost.CreateBuilder(settings, logs, LogLevel.Error, frameworkMinimum: LogLevel.None);
        builder.AddSamMpaClient();
        var host = builder.Build();
        try
        {
            await host.StartAsync(cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            host.Dispose();
            var storage = SiloHosting.StorageOf(settings);
            var where = storage.IsAzure ? "the cluster in Storage:Azure" : "a silo on localhost (start one: dotnet run --project src/Silo)";
            throw new InvalidOperationException($"Cannot connect to {where}: {e.Message}", e);
        }

        return new ClusterConnection(host, host.Services.GetRequiredService<IClusterClient>(), BlobStores.Create(SiloHosting.StorageOf(settings)), embedded: false);
    }

    /// <summary>Starts a silo inside this process and connects to it.</summary>
    public static async Task<ClusterConnection> StartEmbeddedAsync(
        IConfiguration settings,
        IReadOnlyDictionary<string, string?> overrides,
        RegistrationOptions registration,
        ILoggerProvider logs,
        CancellationToken cancellationToken)
    {
        var host = await EmbeddedSilo.StartAsync(settings, overrides, registration, logs, cancellationToken);
        return new ClusterConnection(
            host, host.Services.GetRequiredService<IClusterClient>(), host.Services.GetRequiredService<IBlobStore>(), embedded: true);
    }

    /// <summary>
    /// Starts a silo inside this process whose calls carry their callers' keys (serve) and connects to it; the admin key
    /// the silo accepts comes back for the calls that must set it themselves.
    /// </summary>
    public static async Task<(ClusterConnection Connection, string AdminKey)> StartEmbeddedForCallersAsync(
        IConfiguration settings,
        IReadOnlyDictionary<string, string?> overrides,
        RegistrationOptions registration,
        ILoggerProvider logs,
        CancellationToken cancellationToken)
    {
        var (host, adminKey) = await EmbeddedSilo.StartForCallersAsync(settings, overrides, registration, logs, cancellationToken);
        var connection = new ClusterConnection(
            host, host.Services.GetRequiredService<IClusterClient>(), host.Services.GetRequiredService<IBlobStore>(), embedded: true);
        return (connection, adminKey);
    }

    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        try
        {
            await _host.StopAsync(timeout.Token);
        }
        finally
        {
            _host.Dispose();
        }
    }
}
