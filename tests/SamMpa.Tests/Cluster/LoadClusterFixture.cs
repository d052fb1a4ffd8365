using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.TestingHost;
using SamMpa.Grains;
using SamMpa.Grains.Options;
using SamMpa.Storage;

namespace SamMpa.Tests.Cluster;

/// <summary>
/// The cluster of the load test: a gpu silo (ResNet18 embeds, no SAM package) and a cpu silo whose registration is the
/// Identity stand-in (no elastix), on the development providers over one temporary folder and memory streams. The job
/// settings are the product's defaults, so the test measures what a deployment gets.
/// </summary>
public sealed class LoadClusterFixture : IAsyncLifetime
{
    public string Root { get; } = Directory.CreateTempSubdirectory("sammpa-load-").FullName;

    public InProcessTestCluster Cluster { get; private set; } = null!;

    public IClusterClient Client => Cluster.Client;

    public IBlobStore Blobs { get; private set; } = null!;

    /// <summary>The job settings the silos run with.</summary>
    public JobOptions Job => Cluster.Silos[0].ServiceProvider.GetRequiredService<IOptions<JobOptions>>().Value;

    public async Task InitializeAsync()
    {
        Blobs = new LocalFolderBlobStore(Root);
        Cluster = await TwoRoleCluster.DeployAsync(
            _ => new Dictionary<string, string?> { ["Storage:LocalRoot"] = Root, ["Registration:Engine"] = "Identity", ["Models:DenseFeatures"] = "false" },
            client => client.AddMemoryStreams(Constants.StreamProviderName));
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
