using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;
using Orleans.TestingHost;
using SamMpa.Grains;
using SamMpa.Imaging.Sam;
using SamMpa.Storage;

namespace SamMpa.Tests.Cluster;

/// <summary>
/// The product's silos in one process: Silo_0 has role gpu (with the SAM fixture package, so SAM embeds and decodes),
/// Silo_1 role cpu, both on the development providers over one temporary folder (blobs, grain state, reminders) and
/// memory streams, webhooks to loopback http with short retries; their blob store passes through a <see cref="LateWriteBlobStore"/> (inert unless a test arms it for its
/// dataset). Tests use a fresh dataset id each.
/// </summary>
public sealed class PipelineClusterFixture : IAsyncLifetime
{
    private static readonly TimeSpan SettleTimeout = TimeSpan.FromSeconds(60);

    public string Root { get; } = Directory.CreateTempSubdirectory("sammpa-cluster-").FullName;

    public InProcessTestCluster Cluster { get; private set; } = null!;

    public IClusterClient Client => Cluster.Client;

    public IBlobStore Blobs { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var samPackage = Path.Combine(Root, "sam-fixture");
        SamFixtureBuilder.WritePackage(samPackage);
        Blobs = new LocalFolderBlobStore(Root);
        Cluster = await TwoRoleCluster.DeployAsync(
            role => new Dictionary<string, string?>
            {
                ["Storage:LocalRoot"] = Root,
                ["Job:MaxInFlight"] = "4",
                ["Job:CheckpointEvery"] = "2",
                ["Job:RetryDelay"] = "00:00:00.200",
                // Webhook receivers of the tests listen on loopback http and retry within a test's patience.
                ["Webhooks:AllowHttp"] = "true",
                ["Webhooks:AllowPrivateNetworks"] = "true",
                ["Webhooks:FirstRetryDelay"] = "00:00:00.050",
                ["Webhooks:MaxRetryDelay"] = "00:00:00.200",
                ["Webhooks:AttemptTimeout"] = "00:00:10",
                ["Models:SamPackage"] = role == SiloRoles.Gpu ? samPackage : null,
            },
            client => client.AddMemoryStreams(Constants.StreamProviderName),
            configureSilo: silo => silo.Services.AddSingleton<IBlobStore>(new LateWriteBlobStore(new LocalFolderBlobStore(Root))));
    }

    /// <summary>Placement learns roles from membership after start (and after a restart): wait (bounded) until every silo sees both.</summary>
    public Task WaitForRolesAsync() => TwoRoleCluster.WaitForRolesAsync(Cluster);

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
        // Null when the cluster failed to deploy (TwoRoleCluster disposed it then).
        if (Cluster is not null)
        {
            await Cluster.DisposeAsync();
        }

        Directory.Delete(Root, recursive: true);
    }
}
