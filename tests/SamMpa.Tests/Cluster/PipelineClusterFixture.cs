using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;
using Orleans.TestingHost;
using SamMpa.Grains;
using SamMpa.Grains.Placement;
using SamMpa.Hosting;
using SamMpa.Imaging.Sam;
using SamMpa.Storage;

namespace SamMpa.Tests.Cluster;

/// <summary>
/// The product's silos in one process: Silo_0 has role gpu (with the SAM fixture package, so SAM embeds and decodes),
/// Silo_1 role cpu, both on the development providers over one temporary folder (blobs, grain state, reminders) and
/// memory streams. Tests use a fresh dataset id each.
/// </summary>
public sealed class PipelineClusterFixture : IAsyncLifetime
{
    private static readonly TimeSpan SettleTimeout = TimeSpan.FromSeconds(60);

    public string Root { get; } = Directory.CreateTempSubdirectory("sammpa-cluster-").FullName;

    public InProcessTestCluster Cluster { get; private set; } = null!;

    public IClusterClient Client => Cluster.Client;

    public IBlobStore Blobs { get; private set; } = null!;

    public static string RoleOf(string siloName) => siloName.EndsWith('0') ? SiloRoles.Gpu : SiloRoles.Cpu;

    public async Task InitializeAsync()
    {
        var samPackage = Path.Combine(Root, "sam-fixture");
        SamFixtureBuilder.WritePackage(samPackage);
        var builder = new InProcessTestClusterBuilder(2);
        builder.Options.ConfigureFileLogging = false;
        builder.ConfigureSilo((options, silo) =>
        {
            var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Orleans:Metadata:role"] = RoleOf(options.SiloName),
                ["Storage:LocalRoot"] = Root,
                ["Job:MaxInFlight"] = "4",
                ["Job:CheckpointEvery"] = "2",
                ["Job:RetryDelay"] = "00:00:00.200",
                ["Models:SamPackage"] = RoleOf(options.SiloName) == SiloRoles.Gpu ? samPackage : null,
            }).Build();
            silo.AddSamMpa(configuration);
        });
        builder.ConfigureClient(client => client.AddMemoryStreams(Constants.StreamProviderName));
        Cluster = builder.Build();
        await Cluster.DeployAsync();
        Blobs = new LocalFolderBlobStore(Root);
        await WaitForRolesAsync();
    }

    /// <summary>Placement learns roles from membership after start: wait (bounded) until every silo sees both.</summary>
    public Task WaitForRolesAsync() => WaitForRolesAsync(Cluster);

    /// <summary>Waits (bounded) until every silo of <paramref name="cluster"/> sees a gpu and a cpu silo.</summary>
    public static async Task WaitForRolesAsync(InProcessTestCluster cluster)
    {
        using var timeout = new CancellationTokenSource(SettleTimeout);
        while (!cluster.Silos.All(s => s.ServiceProvider.GetRequiredService<IClusterRoles>().IsServed(SiloRoles.Gpu)
                                       && s.ServiceProvider.GetRequiredService<IClusterRoles>().IsServed(SiloRoles.Cpu)))
        {
            await Task.Delay(TimeSpan.FromMilliseconds(50), timeout.Token);
        }
    }

    /// <summary>
    /// A call made right after silos restarted: the client may still hold the old gateways and fail to connect until it
    /// has refreshed its gateway list, so connection failures are retried (bounded) until the call goes through.
    /// </summary>
    public async Task<T> CallAfterRestartAsync<T>(Func<Task<T>> call)
    {
        using var timeout = new CancellationTokenSource(SettleTimeout);
        while (true)
        {
            try
            {
                return await call();
            }
            catch (Exception e) when (e is OrleansException or TimeoutException && !timeout.IsCancellationRequested)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(100), timeout.Token);
            }
        }
    }

    public async Task DisposeAsync()
    {
        await Cluster.DisposeAsync();
        Directory.Delete(Root, recursive: true);
    }
}
