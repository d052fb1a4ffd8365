using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using SamMpa.Client.Cluster;
using SamMpa.Gateway;
using SamMpa.Grains.Security;
using SamMpa.Imaging.Registration;

namespace SamMpa.Client.Serve;

/// <summary>
/// What <c>sammpa serve</c> runs: the embedded silo (local storage under the home folder) and the HTTP gateway's
/// pipeline on Kestrel, bound to 127.0.0.1 only, in this process. The gateway uses the silo's in-process client, which
/// puts no key on a call by itself: every grain call a request makes carries that request's key, as on a deployed
/// cluster. The silo's admin key stays in this object and is used only by <see cref="CreateKeyAsync"/>.
/// </summary>
internal sealed class LocalWebServer : IAsyncDisposable
{
    /// <summary>Folder of the web app's files beside sammpa.dll (copied from src/Gateway/wwwroot by the build).</summary>
    public static readonly string WebRoot = Path.Combine(AppContext.BaseDirectory, "wwwroot");

    private readonly string _adminKey;
    private readonly WebApplication _web;

    private LocalWebServer(ClusterConnection cluster, string adminKey, WebApplication web, Uri address)
    {
        Cluster = cluster;
        _adminKey = adminKey;
        _web = web;
        Address = address;
    }

    /// <summary>The embedded silo's client (no key of its own) and its blob store.</summary>
    public ClusterConnection Cluster { get; }

    /// <summary>Where the gateway listens: http://127.0.0.1:PORT/.</summary>
    public Uri Address { get; }

    /// <summary>The web app's first page.</summary>
    public Uri AppPage => new(Address, "/app/");

    /// <summary>The web app's page of one dataset.</summary>
    public Uri DatasetPage(string dataset) => new(Address, "/app/dataset.html?id=" + Uri.EscapeDataString(dataset));

    /// <param name="settings">The client's settings (sammpa.json, SAMMPA_ variables): the gateway's and the silo's options.</param>
    /// <param name="home">The embedded silo's storage folder.</param>
    /// <param name="port">The gateway's port on 127.0.0.1; 0 for a free one.</param>
    /// <param name="siloOverrides">Settings of the silo only (its models).</param>
    public static async Task<LocalWebServer> StartAsync(
        IConfiguration settings,
        string home,
        int port,
        IReadOnlyDictionary<string, string?> siloOverrides,
        RegistrationOptions registration,
        ILoggerProvider logs,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(siloOverrides);
        if (!Directory.Exists(Path.Combine(WebRoot, "app")))
        {
            throw new DirectoryNotFoundException(
                $"{Path.Combine(WebRoot, "app")}: the web app's files are not beside sammpa.dll; build src/Client again (it copies src/Gateway/wwwroot).");
        }

        var storage = new Dictionary<string, string?>
        {
            ["Storage:Provider"] = "local",
            ["Storage:LocalRoot"] = home,
        };
        var (cluster, adminKey) = await ClusterConnection.StartEmbeddedForCallersAsync(
            settings, new Dictionary<string, string?>(siloOverrides.Concat(storage)), registration, logs, cancellationToken);
        try
        {
            var web = BuildGateway(settings, storage, port, cluster, logs);
            try
            {
                await web.StartAsync(cancellationToken);
                return new LocalWebServer(cluster, adminKey, web, ListeningAddress(web));
            }
            catch
            {
                await web.DisposeAsync();
                throw;
            }
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>A new key for <paramref name="principal"/>, made with the silo's admin key as <c>sammpa keys create</c> would.</summary>
    public Task<CreatedAccessKey> CreateKeyAsync(string principal, bool admin = false) =>
        AccessKeyCalls.WithKeyAsync(_adminKey, () => Cluster.Client.GetGrain<IAccessKeysGrain>(IAccessKeysGrain.ClusterKey).CreateAsync(principal, admin));

    public async ValueTask DisposeAsync()
    {
        // The front door first, so no request reaches a silo that is stopping.
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30)))
        {
            try
            {
                await _web.StopAsync(timeout.Token);
            }
            finally
            {
                await _web.DisposeAsync();
            }
        }

        await Cluster.DisposeAsync();
    }

    private static WebApplication BuildGateway(
        IConfiguration settings, IReadOnlyDictionary<string, string?> storage, int port, ClusterConnection cluster, ILoggerProvider logs)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = [],
            ContentRootPath = AppContext.BaseDirectory,
            WebRootPath = WebRoot,
            EnvironmentName = Environments.Production,
        });
        builder.Configuration.AddConfiguration(settings);
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>(storage)
        {
            // The silo's client is this process's: the gateway adds none of its own.
            ["Gateway:CoHosted"] = "true",
            ["Gateway:Port"] = port.ToString(CultureInfo.InvariantCulture),
            ["Gateway:LoopbackOnly"] = "true",
        });
        builder.Services.AddCommandOwnedLifetime();
        builder.Services.AddSingleton(cluster.Client);
        builder.Services.AddSingleton<IGrainFactory>(cluster.Client);
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(logs);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft", LogLevel.Error);
        builder.AddSamMpaGateway();
        var web = builder.Build();
        web.MapSamMpaGateway();
        return web;
    }

    private static Uri ListeningAddress(WebApplication web)
    {
        var addresses = web.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        var address = addresses.Select(a => new Uri(a)).FirstOrDefault(a => IPAddress.TryParse(a.Host, out var ip) && IPAddress.IsLoopback(ip))
            ?? throw new InvalidOperationException($"The gateway listens on {string.Join(", ", addresses)}, not on 127.0.0.1.");
        return new Uri($"http://127.0.0.1:{address.Port.ToString(CultureInfo.InvariantCulture)}/");
    }
}
