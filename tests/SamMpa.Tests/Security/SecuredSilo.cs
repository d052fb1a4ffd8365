using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Runtime;
using SamMpa.Grains;
using SamMpa.Grains.Datasets;
using SamMpa.Grains.Security;
using SamMpa.Hosting;
using SamMpa.Hosting.Security;
using SamMpa.Imaging.Registration;
using SamMpa.Storage;
using SamMpa.Tests.Cluster;
using SamMpa.Tests.Evaluation;
using SamMpa.Tests.Infrastructure;

namespace SamMpa.Tests.Security;

/// <summary>
/// One silo as a deployment starts it (AddSamMpa on a plain host, its gateway on a real port), role cpu with the
/// identity registration engine: a dataset created on it stays embedding (no gpu silo) and can be read, selected and
/// cancelled, with no model needed. Its only configured key is the bootstrap admin key; resolved keys are not cached
/// (a revoked key is refused at once). Clients are plain Orleans clients given the gateway port, nothing else.
/// </summary>
internal sealed class SecuredSilo : IAsyncDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    private readonly IHost _silo;
    private readonly List<IHost> _clients = [];
    private readonly string _clusterId;

    private SecuredSilo(IHost silo, string root, int gatewayPort, string clusterId)
    {
        _silo = silo;
        Root = root;
        GatewayPort = gatewayPort;
        _clusterId = clusterId;
        Blobs = new LocalFolderBlobStore(root);
    }

    public string Root { get; }

    public int GatewayPort { get; }

    public IBlobStore Blobs { get; }

    /// <param name="tls">The silo's TLS settings (Orleans:Tls:*), or null for the default: TLS off.</param>
    public static async Task<SecuredSilo> StartAsync(string root, IReadOnlyDictionary<string, string?>? tls = null)
    {
        var ports = FreePorts.Take(2);
        var clusterId = $"trust-{Guid.NewGuid():N}";
        var settings = new Dictionary<string, string?>
        {
            ["Storage:LocalRoot"] = root,
            ["Orleans:Metadata:role"] = SiloRoles.Cpu,
            ["Security:KeyCacheLifetime"] = "00:00:00",
            [TestAccessKeys.AdminKeySetting.Key] = TestAccessKeys.AdminKeySetting.Value,
        };
        foreach (var (key, value) in tls ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.UseOrleans(silo => silo
            .UseLocalhostClustering(ports[0], ports[1], new IPEndPoint(IPAddress.Loopback, ports[0]), clusterId, clusterId)
            .AddSamMpa(configuration, registration: new RegistrationOptions { Engine = RegistrationEngine.Identity }));
        var host = builder.Build();
        using var timeout = new CancellationTokenSource(Bound);
        try
        {
            await host.StartAsync(timeout.Token);
        }
        catch
        {
            host.Dispose();
            throw;
        }

        return new SecuredSilo(host, root, ports[1], clusterId);
    }

    /// <summary>
    /// A client that knows the gateway port, the completion streams' provider name and, when given, <paramref name="tls"/>:
    /// no key, no storage settings.
    /// </summary>
    public async Task<IClusterClient> BareClientAsync(TlsSettings? tls = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.UseOrleansClient(client =>
        {
            client.UseLocalhostClustering(GatewayPort, _clusterId, _clusterId);
            // The provider name is no secret: an attacker names the product's streams as its clients do.
            client.AddMemoryStreams(Constants.StreamProviderName);
            if (tls is not null)
            {
                client.UseSamMpaTls(tls);
            }
        });
        var host = builder.Build();
        using var timeout = new CancellationTokenSource(Bound);
        try
        {
            await host.StartAsync(timeout.Token);
        }
        catch
        {
            host.Dispose();
            throw;
        }

        _clients.Add(host);
        return host.Services.GetRequiredService<IClusterClient>();
    }

    /// <summary>Runs <paramref name="call"/> with <paramref name="secret"/> as the access key of the calls it makes.</summary>
    public static async Task<T> AsAsync<T>(string secret, Func<Task<T>> call)
    {
        RequestContext.Set(CallerContext.AccessKey, secret);
        try
        {
            return await call();
        }
        finally
        {
            RequestContext.Remove(CallerContext.AccessKey);
        }
    }

    public static Task AsAsync(string secret, Func<Task> call) => AsAsync(secret, async () =>
    {
        await call();
        return true;
    });

    /// <summary>A key the admin creates for <paramref name="principal"/>: its secret.</summary>
    public static async Task<string> KeyForAsync(IClusterClient client, string principal) =>
        (await AsAsync(TestAccessKeys.Admin, () => client.GetGrain<IAccessKeysGrain>(IAccessKeysGrain.ClusterKey).CreateAsync(principal, admin: false))).Secret;

    /// <summary>A dataset of two phantom images, created with <paramref name="secret"/> (its principal owns it); it stays embedding.</summary>
    public async Task<string> CreateDatasetAsync(IClusterClient client, string secret)
    {
        var dataset = PipelineFlow.NewDatasetId();
        using var phantoms = new PhantomDataset(2);
        await PipelineFlow.UploadAsync(Blobs, dataset, phantoms, count: 2);
        await AsAsync(secret, () => client.GetGrain<IDatasetGrain>(dataset).CreateAsync(new CreateDataset { WorkingSize = 64 }));
        return dataset;
    }

    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(Bound);
        foreach (var client in _clients)
        {
            await client.StopAsync(timeout.Token);
            client.Dispose();
        }

        await _silo.StopAsync(timeout.Token);
        _silo.Dispose();
    }
}
