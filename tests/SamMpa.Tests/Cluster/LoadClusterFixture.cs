using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.TestingHost;
using SamMpa.Grains;
using SamMpa.Grains.Options;
using SamMpa.Hosting;
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
        var builder = new InProcessTestClusterBuilder(2);
        builder.Options.ConfigureFileLogging = false;
        builder.ConfigureSilo((options, silo) =>
        {
            var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Orleans:Metadata:role"] = PipelineClusterFixture.RoleOf(options.SiloName),
                ["Storage:LocalRoot"] = Root,
                ["Registration:Engine"] = "Identity",
                ["Models:DenseFeatures"] = "false",
            }).Build();
            silo.AddSamMpa(configuration);
        });
        builder.ConfigureClient(client => client.AddMemoryStreams(Constants.StreamProviderName));
        Cluster = builder.Build();
        await Cluster.DeployAsync();
        Blobs = new LocalFolderBlobStore(Root);
        await PipelineClusterFixture.WaitForRolesAsync(Cluster);
    }

    public async Task DisposeAsync()
    {
        await Cluster.DisposeAsync();
        Directory.Delete(Root, recursive: true);
    }
}
